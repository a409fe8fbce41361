// ESLint's and typescript-eslint's recommended rules for the TypeScript sources, run by `npm test`
// (scripts/test.js) beside Prettier's check. Rules turned off are listed with the reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.build/', 'site/', 'runs/', 'data/', 'bench/', '.jupyter/', '.venv/', 'scripts/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'live/src/**/*.ts'],
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring that drops a key, an unused callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);
