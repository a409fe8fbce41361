/**
 * The papers' claims judged on the shipped runs (findings.ts): the readings a claim can ask for
 * (a chosen learning rate, runs of two plans up to one step), claims that cannot be read, and
 * docs/findings.md holding exactly the table the shipped data give.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  ArgumentError,
  claimFromResults,
  combineResults,
  findingsTable,
  PAPER_CLAIMS,
  paperFindings,
  shippedPlansTable,
  type ResultRow,
  type ShippedResults,
} from '../src';
import { ROOT } from './notebook-runner';

/** A plan's rows: `runs` as [estimator, lr, seed, validNll, testNll] and a history of `elbo` by step. */
function fakeResults(name: string, results: ResultRow[], history: ResultRow[]): ShippedResults {
  return { name, dir: '', plan: {} as never, manifest: {} as never, runs: [], results, history, frame: undefined };
}

describe('findings', () => {
  test('choose: each side read at its own learning rate, the best by validation', () => {
    const row = (index: number, estimators: string, lr: number, seed: number, validNll: number, testNll: number) => ({
      index,
      estimators,
      lr,
      seed,
      validNll,
      testNll,
    });
    const results = fakeResults(
      'sop',
      [
        row(0, 'a', 0.001, 1, 60, 61),
        row(1, 'a', 0.001, 2, 62, 63),
        row(2, 'a', 0.0003, 1, 70, 50), // a worse validation NLL: never chosen, whatever its test NLL
        row(3, 'a', 0.0003, 2, 70, 50),
        row(4, 'b', 0.001, 1, 80, 81),
        row(5, 'b', 0.001, 2, 80, 82),
        row(6, 'b', 0.0003, 1, 75, 70),
        row(7, 'b', 0.0003, 2, 75, 74),
      ],
      [],
    );
    const claim = claimFromResults(results, {
      claim: 'a below b',
      metric: 'testNll',
      a: 'a',
      b: 'b',
      expected: -1,
      reading: 'final',
      choose: { column: 'lr', metric: 'validNll', goal: 'min' },
    });
    assert.deepEqual(claim.differences, [61 - 70, 63 - 74]);
  });

  test('choose.where: seed 1 chooses the learning rate; more seeds at the chosen rate are read but do not vote', () => {
    const row = (index: number, estimators: string, lr: number, seed: number, validNll: number, testNll: number) => ({
      index,
      estimators,
      lr,
      seed,
      validNll,
      testNll,
    });
    const results = fakeResults(
      'sop+seeds',
      [
        row(0, 'a', 0.003, 1, 64, 65), // seed 1's best rate for a
        row(1, 'a', 0.001, 1, 66, 67),
        row(2, 'a', 0.003, 2, 70, 71), // seeds 2–3 at the chosen rate: worse, but they must not move the choice
        row(3, 'a', 0.003, 3, 70, 72),
        row(4, 'b', 0.003, 1, 80, 81),
        row(5, 'b', 0.003, 2, 82, 83),
        row(6, 'b', 0.003, 3, 84, 85),
      ],
      [],
    );
    const spec = {
      claim: 'a below b',
      metric: 'testNll',
      a: 'a',
      b: 'b',
      expected: -1 as const,
      reading: 'final' as const,
    };
    const voted = claimFromResults(results, {
      ...spec,
      choose: { column: 'lr', metric: 'validNll', goal: 'min', where: { seed: 1 } },
    });
    assert.deepEqual(voted.differences, [65 - 81, 71 - 83, 72 - 85]);
    // Without it, seeds 2–3 outvote seed 1 and a's rate becomes 0.001, read at seed 1 alone.
    const all = claimFromResults(results, { ...spec, choose: { column: 'lr', metric: 'validNll', goal: 'min' } });
    assert.deepEqual(all.differences, [67 - 81]);
  });

  test('until and combineResults: two plans of different lengths compared at one step', () => {
    const history = (name: string, estimator: string, steps: number, offset: number) =>
      [1, 2].flatMap((seed) =>
        Array.from({ length: steps / 1000 + 1 }, (_, k) => ({
          index: seed - 1,
          estimators: estimator,
          seed,
          step: k * 1000,
          elbo: k + offset + seed / 10,
        })),
      );
    const long = fakeResults('long', [], history('long', 'a', 10_000, 0));
    const short = fakeResults('short', [], history('short', 'b', 5_000, -1));
    const combined = combineResults([long, short]);
    assert.ok(
      combined.history.every((r) => String(r.index).includes(':')),
      'indices prefixed by their plan',
    );
    const claim = claimFromResults(combined, {
      claim: 'a above b',
      metric: 'elbo',
      a: 'a',
      b: 'b',
      expected: 1,
      until: 5000,
    });
    // Both read over steps 1,000–5,000: a is 1 above b at every step of every seed.
    assert.deepEqual(
      claim.differences.map((d) => Number(d.toFixed(12))),
      [1, 1],
    );
    // Without until, a (10,000 steps) and b (5,000) would be read at different steps: refused.
    assert.throws(
      () => claimFromResults(combined, { claim: 'a above b', metric: 'elbo', a: 'a', b: 'b', expected: 1 }),
      (e: unknown) => e instanceof ArgumentError && /different steps/.test(e.message),
    );
  });

  test('claims that cannot be read are not testable, and say why', () => {
    const claims = [
      {
        chapter: '05' as const,
        claim: 'x above y',
        source: 'nowhere',
        plans: ['vae-fashion-linear'],
        reading: 'tail',
        spec: { metric: 'elbo', a: 'x', b: 'disarm', expected: 1 as const },
      },
      {
        chapter: '05' as const,
        claim: 'a plan not run',
        source: 'nowhere',
        plans: ['no-such-plan'],
        reading: 'tail',
        spec: { metric: 'elbo', a: 'arm', b: 'disarm', expected: 1 as const },
      },
    ];
    const [absent, unshipped] = paperFindings({ claims });
    assert.equal(absent.finding, 'not testable at this budget');
    assert.match(absent.reason!, /x not in the shipped runs of vae-fashion-linear/);
    assert.match(unshipped.reason!, /no-such-plan not shipped/);
    assert.throws(() => paperFindings({ chapter: '09' as never }), ArgumentError);
  });

  test('Holm runs within a chapter: one chapter alone gives the same verdicts as all chapters', () => {
    const all = paperFindings();
    assert.equal(all.length, PAPER_CLAIMS.length);
    for (const chapter of ['02', '03', '04', '05', '07'] as const) {
      assert.deepEqual(
        paperFindings({ chapter }),
        all.filter((f) => f.chapter === chapter),
      );
    }
  });

  test('docs/findings.md holds exactly the tables of the shipped data (node scripts/findings.js --write)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'findings.md'), 'utf8');
    const between = (name: string) => {
      const start = doc.indexOf(`<!-- ${name}:start`);
      const end = doc.indexOf(`<!-- ${name}:end -->`);
      assert.ok(start >= 0 && end > start, `docs/findings.md has its ${name} markers`);
      return doc.slice(doc.indexOf('\n', start) + 1, end).trim();
    };
    assert.equal(between('findings'), findingsTable(paperFindings()));
    assert.equal(between('plans'), shippedPlansTable());
  });
});
