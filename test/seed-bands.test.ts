/**
 * Mean ± standard error over seeds per step and grid point (`seedBands`, `meanAndSe`) against
 * hand computation, and the band figure (`bandChart`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, bandChart, meanAndSe, seedBands } from '../src';

const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('seed bands: meanAndSe is the mean and sd/√n with the n − 1 variance, skipping non-finite values', () => {
  const { n, mean, se } = meanAndSe([1, 2, 4, NaN, null, undefined, Infinity]);
  assert.equal(n, 3);
  close(mean, 7 / 3);
  const sd = Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2);
  close(se, sd / Math.sqrt(3));
  assert.deepEqual(meanAndSe([5]), { n: 1, mean: 5, se: null });
  assert.deepEqual(meanAndSe([]), { n: 0, mean: null, se: null });
});

/** Rows of a sweep's history.csv: estimator × lr × seed, elbo = f(step, seed); CSV strings, as read from the file. */
function rows() {
  const out: Record<string, string>[] = [];
  for (const estimators of ['arm', 'disarm']) {
    for (const lr of ['0.001', '0.01']) {
      for (const seed of ['1', '2', '3']) {
        for (const step of [0, 10, 20]) {
          // disarm seed 3 stopped at step 10 (diverged); testBound only at step 20.
          if (estimators === 'disarm' && seed === '3' && step === 20) continue;
          const elbo = -100 + step * Number(seed) + (estimators === 'disarm' ? 1 : 0) + Number(lr) * 1000;
          out.push({
            index: '0',
            estimators,
            lr,
            seed,
            step: String(step),
            seconds: '0.1',
            elbo: String(elbo),
            testBound: step === 20 ? String(elbo - 1) : '',
          });
        }
      }
    }
  }
  return out;
}

test('seed bands: one band per grid point, mean ± se over seeds at each step, in order of first appearance', () => {
  const bands = seedBands(rows(), { metric: 'elbo', by: ['estimators', 'lr'] });
  assert.deepEqual(
    bands.map((band) => band.name),
    [
      'estimators=arm, lr=0.001',
      'estimators=arm, lr=0.01',
      'estimators=disarm, lr=0.001',
      'estimators=disarm, lr=0.01',
    ],
  );
  const [arm] = bands;
  assert.deepEqual(arm.group, { estimators: 'arm', lr: '0.001' });
  assert.deepEqual(arm.x, [0, 10, 20]);
  assert.deepEqual(arm.n, [3, 3, 3]);
  for (const [k, step] of [0, 10, 20].entries()) {
    const values = [1, 2, 3].map((seed) => -100 + step * seed + 1);
    const expected = meanAndSe(values);
    close(arm.mean[k], expected.mean!);
    if (step === 0) assert.equal(arm.se[k], 0);
    else close(arm.se[k], expected.se!);
  }
  const disarm = bands[2];
  assert.deepEqual(disarm.x, [0, 10], 'step 20 is missing for seed 3: dropped, not averaged over the survivors');
  const testBound = seedBands(rows(), { metric: 'testBound', by: ['estimators', 'lr'] });
  assert.deepEqual(
    testBound.map((band) => band.x),
    [[20], [20], [], []],
    'a metric measured at the last step only',
  );
});

test('seed bands: runs a group cannot tell apart are an error naming options.by; one seed has no se', () => {
  assert.throws(
    () => seedBands(rows(), { metric: 'elbo', by: ['estimators'] }),
    (e: unknown) =>
      e instanceof ArgumentError && e.argument === 'options.by' && /two rows at step = 0 for seed = 1/.test(e.message),
  );
  const one = seedBands(
    [
      { step: 0, seed: 1, loss: 2 },
      { step: 5, seed: 1, loss: 1 },
    ],
    { metric: 'loss', by: [] },
  );
  assert.deepEqual(one, [{ name: '', group: {}, x: [0, 5], mean: [2, 1], se: [null, null], n: [1, 1] }]);
  assert.throws(
    () => seedBands(rows(), { metric: '', by: [] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'options.metric',
  );
  assert.throws(
    () => seedBands('x' as never, { metric: 'elbo', by: [] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'rows',
  );
});

test('seed bands: bandChart draws per series a closed band mean ± z·se and the mean line, grouped in the legend', () => {
  const fig = bandChart(
    [
      { name: 'arm', x: [0, 10, 20], mean: [1, 2, 3], se: [0.5, null, 0.25] },
      { name: 'disarm', x: [0, 10], mean: [4, 5], se: [1, 1], color: '#000000' },
    ],
    { title: 'elbo', xTitle: 'step', z: 2 },
  );
  assert.equal(fig.data.length, 4);
  const [band, line, band2, line2] = fig.data;
  assert.deepEqual(band.x, [0, 10, 20, 20, 10, 0]);
  assert.deepEqual(
    band.y,
    [2, 2, 3.5, 2.5, 2, 0],
    'upper edge forward (mean + 2 se), lower edge back; no se, no width',
  );
  assert.equal(band.fill, 'toself');
  assert.equal(band.showlegend, false);
  assert.equal(band.hoverinfo, 'skip');
  assert.equal(band.fillcolor, 'rgba(0,114,178,0.2)', 'the first house colour, translucent');
  assert.deepEqual([line.x, line.y, line.name, line.line?.color], [[0, 10, 20], [1, 2, 3], 'arm', '#0072B2']);
  assert.equal(band.legendgroup, line.legendgroup);
  assert.deepEqual([band2.fillcolor, line2.line?.color], ['rgba(0,0,0,0.2)', '#000000']);
  assert.equal(fig.layout.title?.text, 'elbo');
  const logX = bandChart({ x: [0, 10, 100], mean: [1, 2, 3], se: [1, 1, 1] }, { logX: true });
  assert.deepEqual(logX.data[1].x, [10, 100], 'a log axis cannot show step 0');
  assert.equal(logX.layout.xaxis?.type, 'log');
  assert.throws(() => bandChart({ x: [0, 1], mean: [1], se: [1, 1] }), /x has 2 values but y has 1/);
  assert.throws(() => bandChart({ x: [0], mean: [1], se: [1] }, { z: -1 }), /options\.z/);
});
