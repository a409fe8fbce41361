/**
 * danfojs, typed, for notebooks: `import { dfd } from "stochgrad"`.
 * danfojs declares its types only under package.json "exports", which TypeScript's node10
 * module resolution (used by our tsconfig and by tslab) ignores, so `import "danfojs"` fails
 * to type-check there; this imports the declarations by their path inside the package (a bare
 * specifier, so it also resolves from an installed stochgrad in a project's node_modules).
 * The module loads on first use, so importing stochgrad does not pay danfojs's startup cost. danfojs
 * is an optional peer dependency: without it, the first use says how to install it.
 */
import type * as Danfo from 'danfojs/dist/danfojs-browser/src/index';
import { requirePackage } from '../require-package';

export type DanfoModule = typeof Danfo;
export type DataFrame = Danfo.DataFrame;

let loaded: DanfoModule | undefined;

function load(): DanfoModule {
  loaded ??= requirePackage<DanfoModule>('danfojs', 'dfd (and historyFrame)');
  return loaded;
}

export const dfd: DanfoModule = new Proxy({} as DanfoModule, {
  get: (_target, key) => Reflect.get(load(), key),
  has: (_target, key) => Reflect.has(load(), key),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});
