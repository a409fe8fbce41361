// The checks of 02_bengio.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const failures: string[] = [];
const expect = (ok: boolean, message: string) => { if (!ok) failures.push(message); };

// 1. The formula is the parabola's minimum; reinforce's measured variance lies on the curve at b = 0.
const curveBound = zBound(FALSE_ALARM, curves.length);
for (const c of curves) {
  const vertex = -c.quadratic.linear / (2 * c.quadratic.a);
  expect(Math.abs(vertex - c.optimalBaseline) < 1e-9 * Math.max(1, Math.abs(vertex)), `unit ${c.unit}: vertex ${vertex} ≠ b* ${c.optimalBaseline}`);
  expect(c.variance(c.optimalBaseline) < c.variance(c.expectation) && c.variance(c.expectation) < c.variance(0), `unit ${c.unit}: Var(b*) < Var(E f) < Var(0) fails`);
  const z = (scoreRuns["reinforce (b = 0)"].variance[c.unit] - c.variance(0)) / c.varianceStandardError(0, SAMPLES);
  expect(Math.abs(z) < curveBound, `unit ${c.unit}: reinforce variance off the exact curve, z = ${z.toFixed(2)}`);
  // reinforce-optimal cannot beat the minimum; a longer memory brings it closer.
  const zOpt = (scoreRuns["reinforce-optimal, decay 0.99"].variance[c.unit] - c.minimumVariance) / c.varianceStandardError(c.optimalBaseline, SAMPLES);
  expect(zOpt > -curveBound, `unit ${c.unit}: reinforce-optimal below the minimum variance, z = ${zOpt.toFixed(2)}`);
}
expect(scoreRuns["reinforce-optimal, decay 0.99"].variance[0] < scoreRuns["reinforce-optimal, decay 0.9"].variance[0], "decay 0.99 should beat 0.9 on unit 0");
expect(Math.abs(unit0.optimalBaseline - unit0.expectation) > 0.5, "unit 0: b* and E[f] should be far apart");
expect(oneUnit.minimumVariance < 1e-9, `one unit: Var(b*) = ${oneUnit.minimumVariance}, expected 0`);
for (const c of curves) expect(c.minimumVariance > 0.1, `unit ${c.unit}: the minimum should stay well above 0 with three units`);

// 2. Straight-through points the first coordinate the wrong way, far beyond noise.
const mapBound = zBound(FALSE_ALARM, 3 * mapRows.length);
for (const [name, s] of straightRuns.filter(([name]) => ["st", "st-sigmoid", "st-annealed, s = 2"].includes(name))) {
  expect(exact[0] > 0 && s.mean[0] < 0 && Math.abs(s.zScores![0]) > mapBound, `${name}: g₀ mean ${s.mean[0]} should be negative (exact ${exact[0]})`);
}

// 3. Unit closed forms against the ops; STS propagates half the slope, the rectifier all of it.
const unitBound = zBound(FALSE_ALARM, 2 * 3 * aPoints.length);
for (const name of ["sts", "noisy-rectifier"] as const) {
  for (const row of measuredUnits[name]) {
    const m = unitMoments(name, row.a);
    for (const [what, measured, want] of [["E[h]", row.value, m.mean], ["P(h = 0)", row.zero, m.zeroProbability], ["slope", row.slope, m.surrogateSlope]] as const) {
      const ok = measured.se === 0 ? Math.abs(measured.mean - want) < 1e-6 : Math.abs(measured.mean - want) / measured.se < unitBound;
      expect(ok, `${name} at a = ${row.a}: measured ${what} ${measured.mean} vs ${want}`);
    }
    expect(name === "sts" ? Math.abs(m.surrogateSlope - m.meanSlope / 2) < 1e-12 : m.surrogateSlope === m.meanSlope, `${name}: slope ratio`);
  }
}

// 4. The map: unbiased estimators agree with the oracle, the biased ones are far off it.
for (const row of mapRows) {
  const z = row.stats.maxAbsZ!;
  if (row.unbiased) expect(z < mapBound, `${row.name}: unbiased but max |z| = ${z.toFixed(2)} ≥ ${mapBound.toFixed(2)}`);
  // "1/2" is exact when f is quadratic, as this f is (Gu et al. 2016, §4.2): biased in general, not here.
  else if (row.name === "one-half") expect(z < mapBound, `one-half: f is quadratic, so it should be exact; max |z| = ${z.toFixed(2)}`);
  else expect(z > mapBound, `${row.name}: biased but max |z| = ${z.toFixed(2)} within noise`);
}

const total = (name: EstimatorName) => mapRows.find((r) => r.name === name)!.stats.totalVariance;
const bias = (name: EstimatorName) => mapRows.find((r) => r.name === name)!.stats.biasNorm!;
const reinforceFamily = ["reinforce", "reinforce-ema", "reinforce-optimal", "reinforce-loo"] as const;
for (const name of ["arm", "disarm"] as const) expect(total(name) < Math.min(...reinforceFamily.map(total)), `${name} should beat every REINFORCE variant`);
const unbiasedNames = mapRows.filter((r) => r.unbiased).map((r) => r.name);
expect(unbiasedNames.every((name) => name === "ar" || total(name) < total("ar")), "AR should have the largest variance of the unbiased estimators");
expect(mapRows.every((r) => r.name === "st" || (total(r.name) < total("st") && bias(r.name) < bias("st"))), "st should be the noisiest and the most biased");
const gradientLength = Math.hypot(...exact);
for (const name of ["st-sigmoid", "concrete"] as const) expect(bias(name) > gradientLength / 3, `${name}: bias ${bias(name)} vs ‖g‖/3`);

// 5. Gating: every run learned (chance is 90 % error); in full mode the unbiased estimator keeps more gates open
// than each biased unit by more than 0.1, over six standard errors of a fraction over 1,000 test digits (se ≤ 0.5/√1000).
for (const run of gatingRuns) expect((run.summary.testError ?? 1) < 0.5, `${run.estimator}: test error ${run.summary.testError}`);
if (!FAST) {
  const unbiasedOpen = gatingRuns[0].summary.gatesOpen ?? 0;
  expect(Math.abs(unbiasedOpen - 0.88) < 0.05, `reinforce-optimal moved the gates from 0.88 to ${unbiasedOpen}`);
  for (const run of gatingRuns.slice(1)) expect((run.summary.gatesOpen ?? 1) < unbiasedOpen - 0.1, `${run.estimator}: gates open ${run.summary.gatesOpen} vs ${unbiasedOpen}`);
  // The noisy rectifier closes the most, by more than three such standard errors (0.05).
  const rectifierOpen = gatingRuns[3].summary.gatesOpen ?? 1;
  for (const run of gatingRuns.slice(1, 3)) expect(rectifierOpen < (run.summary.gatesOpen ?? 0) - 0.05, `noisy-rectifier ${rectifierOpen} vs ${run.estimator} ${run.summary.gatesOpen}`);
} else console.log("fast mode: the gate-fraction comparison is checked in full mode only");

// No leaks: the experiment left no tensors behind (everything else here disposes its own).
expect(tensorsAfterGating === tensorsBeforeGating, `tensors: ${tensorsBeforeGating} before the experiment, ${tensorsAfterGating} after`);
logits.dispose();
console.log(`tf.memory().numTensors = ${tf.memory().numTensors}`);
if (failures.length > 0) throw new Error(`closing check failed:\n${failures.join("\n")}`);
console.log("closing check passed");
