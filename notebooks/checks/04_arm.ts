// The checks of 04_arm.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
// Augmentation, AR, ARM and DisARM are unbiased: every z within the bound.
const zs: [string, number][] = [
  ...augmentation.map((r): [string, number] => [`augmentation ${r.problem}`, r.z]),
  ...arStats.flatMap((s, k) => s.zScores!.map((z, i): [string, number] => [`AR ${problems[k].name} unit ${i + 1}`, z])),
  ...armStats.flatMap((s, k) => s.zScores!.map((z, i): [string, number] => [`ARM ${problems[k].name} unit ${i + 1}`, z])),
  ...decomposition.map((r): [string, number] => [`DisARM ${r.problem} unit ${r.unit}`, r["DisARM z"] as number]),
];
if (zs.length > 16) fail(`${zs.length} z-scores, but BOUND was set for 16`);
for (const [what, z] of zs) if (!(Math.abs(z) < BOUND)) fail(`${what}: |z| = ${Math.abs(z)} ≥ ${BOUND}`);
// The identities hold draw by draw (float32 rounding only).
if (!(scoreError < 1e-5)) fail(`score of the logistic ≠ 1 − 2u (error ${scoreError})`);
if (!(arFormulaError < 1e-6 && mergeError < 1e-6 && formulaErrors.every((e) => e < 1e-6))) fail("a formula differs from the library");
// ARM beats REINFORCE and AR per estimate; on the toy by orders of magnitude even at equal evaluations.
armStats.forEach((s, k) => s.variance.forEach((v, i) => {
  if (!(v < arStats[k].variance[i] && v < reinforceStats[k].variance[i])) fail(`ARM variance not below AR/REINFORCE (${problems[k].name} unit ${i + 1})`);
}));
if (!(armStats[0].variance[0] < reinforceStats[0].variance[0] / 200 && armStats[0].variance[0] < arStats[0].variance[0] / 200)) fail("ARM not 100x below REINFORCE/AR at equal evaluations on the toy");
// Step 4's table: the mean of u − ½ over each interval the pair picks out (a grid of 1,000 u: within 0.002).
const tableOk = [
  [meanOver((b, t) => b === 1 && t === 0), -sigmaPair / 2],
  [meanOver((b, t) => b === 1 && t === 1), 0],
  [meanOver((b, t) => b === 0 && t === 1), sigmaPair / 2],
].every(([measured, table]) => Math.abs(measured - table) < 0.002);
if (!tableOk) fail("step 4's table of E[u − ½ | b, b̃] does not match the grid");
// The merge, seen: ARM is the average of the two AR estimates on the grid, and the two are strongly anti-correlated.
if (!picture.u.every((_, k) => Math.abs(picture.arm[k] - (picture.ar[k] + picture.arTwin[k]) / 2) < 1e-6)) fail("ARM is not the average of AR(u) and AR(1 − u)");
if (!(picture.correlation < -0.99)) fail(`corr(AR(u), AR(1 − u)) = ${picture.correlation}, the text says almost −1`);
// The pair differs with probability 1 − |1 − 2σ(φ)|, and ARM is nonzero exactly then.
for (const r of differ) {
  if (!(Math.abs(r.z) < BOUND)) fail(`pair at φ = ${r.phi}: z = ${r.z}`);
  if (r.nonzero !== r.differs) fail(`φ = ${r.phi}: ARM nonzero on ${r.nonzero}, pair differs on ${r.differs}`);
}
// DisARM: the residual is uncorrelated with DisARM, and its variance is never above ARM's.
for (const r of decomposition) {
  if (!(Math.abs(r["cov(DisARM, residual) z"] as number) < BOUND)) fail(`DisARM residual correlated: ${JSON.stringify(r)}`);
  if (!((r["Var DisARM"] as number) < (r["Var ARM"] as number))) fail(`Var DisARM ≥ Var ARM: ${JSON.stringify(r)}`);
}
// The SNR story: ARM √3 at φ = 0 for every p0 (se of an SNR from N draws ≈ √((1 + SNR²/2)/N));
// REINFORCE, AR noise-driven at p0 ≥ 0.499: SNR·√2000 < 0.5 (the sd is measured to a few per cent).
for (const r of varianceAtZero) {
  const snr = r.SNR as number;
  if (r.estimator === "arm" && !(Math.abs(snr - Math.sqrt(3)) < BOUND * Math.sqrt((1 + 1.5) / SNR_SAMPLES))) fail(`ARM SNR ${snr} ≠ √3`);
  if ((r.estimator === "reinforce" || r.estimator === "ar") && Number(r.p0) >= 0.499 && !((r["SNR·√2000"] as number) < 0.5)) fail(`${r.estimator} at ${r.p0}: SNR·√2000 = ${r["SNR·√2000"]}`);
  if (r.estimator === "disarm" && Number.isFinite(snr)) fail("DisARM at φ = 0 should be constant");
}
// REINFORCE's and AR's noise does not depend on p0, so their SNR scales with 1 − 2p0 (variance within 5%).
for (const name of ["reinforce", "ar"]) {
  const v = varianceAtZero.filter((r) => r.estimator === name).map((r) => r.variance as number);
  if (!(Math.max(...v) / Math.min(...v) < 1.05)) fail(`${name}: variance depends on p0 (${v})`);
}
// The deterministic path: ~660 steps to 0.9 at p0 = 0.49, ~6,600 at 0.499, σ ≈ 0.72 after 2000 steps at 0.499.
const stepsTo = [0.49, 0.499].map((p0) => deterministicStepsTo(p0, 0.9)!);
if (!(Math.abs(stepsTo[0] - 660) < 20 && Math.abs(stepsTo[1] - 6600) < 200)) fail(`deterministic steps ${stepsTo}`);
const at2000 = deterministicToyPath(0.499, { steps: 2000, every: 2000 }).probability[1];
if (!(Math.abs(at2000 - 0.72) < 0.01)) fail(`deterministic σ after 2000 steps at 0.499: ${at2000}`);
// ARM and DisARM runs end where the deterministic path ends. Their per-step sd is at most
// (1 − 2p0)/2 (|ĝ| ≤ |f(1) − f(0)|/2), so after T steps sd(φ) ≤ (1 − 2p0)√T/2 and sd(σ) ≤ that/4; allow 5 sd.
P0S.forEach((p0, k) => {
  const target = paths[k].probability[paths[k].probability.length - 1];
  const tolerance = 5 * ((1 - 2 * p0) * Math.sqrt(STEPS) / 2) / 4;
  for (const run of runs[k].filter((r) => r.estimator === "arm" || r.estimator === "disarm")) {
    const end = run.probability[run.probability.length - 1];
    if (!(Math.abs(end - target) < tolerance)) fail(`${run.estimator} seed ${run.seed} at p0 = ${p0} ends at ${end}, path at ${target} (±${tolerance})`);
  }
});
// REINFORCE and AR runs scatter, ARM's do not (needs several seeds); ST goes to both sides.
if (SEEDS > 1) P0S.forEach((p0, k) => {
  if (p0 < 0.499) return;
  const spread = Object.fromEntries(summarizeTrajectories(runs[k]).map((s) => [s.estimator, s.finalMax - s.finalMin]));
  for (const noisy of ["reinforce", "ar"]) if (!(spread[noisy] > 10 * spread.arm)) fail(`${noisy} at ${p0}: spread ${spread[noisy]} vs ARM ${spread.arm}`);
});
if (!(stSides.endBelowHalf > 0 && stSides.endBelowHalf < 1)) fail(`ST runs all ended on one side (${stSides.endBelowHalf} below 0.5)`);
// ARM and DisARM at p0 = 0.49 cross 0.9 near the path's step. One-unit ARM is (1 − 2p0)·s·(u − ½)
// with s ∈ {−1, 0, 1}, so E[ĝ²] ≤ (1 − 2p0)²/12 and sd(φ) after t steps ≤ (1 − 2p0)√(t/12) (DisARM
// has less); dividing by the path's speed σ′(φ)(1 − 2p0) at σ = 0.9 turns that roughly into steps. Allow 4.
if (P0S[0] === 0.49 && STEPS >= 1000) {
  const crossing = deterministicStepsTo(0.49, 0.9)!;
  const tolerance = 4 * Math.sqrt(crossing / 12) / (0.9 * 0.1);
  for (const s of summarizeTrajectories(runs[0]).filter((s) => s.estimator === "arm" || s.estimator === "disarm")) {
    if (!(s.reached === 1 && Math.abs(s.medianFirstStep! - crossing) < tolerance)) fail(`${s.estimator} crosses 0.9 at ${s.medianFirstStep}, path at ${crossing} (±${tolerance.toFixed(0)})`);
  }
}
// The gradient traces (the paper's figure 1, top row). With TRACE_P0 = P0S[0] they are the first-seed
// runs of the figure above, φ for φ.
if (TRACE_P0 === P0S[0]) for (const trace of traced.traces) {
  const run = runs[0].find((r) => r.estimator === trace.estimator && r.seed === seed - 1)!;
  run.step.forEach((t, k) => {
    if (t < STEPS && run.logit[k] !== trace.logit[t]) fail(`${trace.estimator} trace leaves the trajectory at step ${t}`);
  });
}
const traceOf = (e: string) => traced.traces.find((t) => t.estimator === e)!;
const traceRow = (e: string) => traced.summary.find((r) => r.estimator === e)!;
// The sizes the text gives at p0 = 0.49: true gradient 0.005 at φ0 = 0; REINFORCE's first estimate (order 0.1)
// f(1)/2 = +0.130 or −f(0)/2 = −0.120; AR within ±f(1) = ±0.26 and reaching past ±0.2 on both sides;
// ARM and DisARM within [0, (1 − 2p0)/2] = [0, 0.01]; the spreads (sd) differ more than tenfold.
if (TRACE_P0 === 0.49) {
  if (!(Math.abs(traceOf("reinforce").exact[0] - 0.005) < 1e-9)) fail(`true gradient at φ0: ${traceOf("reinforce").exact[0]}`);
  const first = traceOf("reinforce").estimate[0];
  if (!(Math.abs(first - 0.51 ** 2 / 2) < 1e-5 || Math.abs(first + 0.49 ** 2 / 2) < 1e-5)) fail(`REINFORCE's first estimate ${first}`);
  const arEstimates = traceOf("ar").estimate;
  if (!(Math.max(...arEstimates) <= 0.2601 + 1e-6 && Math.min(...arEstimates) >= -0.2601 - 1e-6)) fail("AR outside ±0.26");
  if (!(Math.max(...arEstimates) > 0.2 && Math.min(...arEstimates) < -0.2)) fail("AR's estimates do not spread over ±0.26");
  for (const e of ["arm", "disarm"]) {
    if (!traceOf(e).estimate.every((g) => g >= 0 && g <= 0.01 + 1e-7)) fail(`${e} estimates outside [0, 0.01]`);
    for (const noisy of ["reinforce", "ar"]) if (!(traceRow(noisy).sdEstimate > 10 * traceRow(e).sdEstimate)) fail(`${noisy} vs ${e}: spreads not tenfold apart`);
  }
}
// The signs and zeros: per step the indicator has variance ≤ 1/4, so a fraction over n steps is within
// bound·√(1/(4n)) of its mean: AR ½, REINFORCE the run's mean of 1 − σ(φ), ARM and DisARM 0 (exactly);
// the zeros of ARM and DisARM the run's mean of |1 − 2σ(φ)|. The mean error is within bound standard errors.
const traceBound = zBound(1e-3, 8);
const traceMean = (e: string, g: (p: number) => number) => traceOf(e).probability.reduce((s, p) => s + g(p), 0) / traceRow(e).recorded;
const fractionTolerance = (e: string) => traceBound * Math.sqrt(1 / (4 * traceRow(e).recorded));
if (!(Math.abs(traceRow("ar").wrongSign - 0.5) < fractionTolerance("ar"))) fail(`AR wrong sign ${traceRow("ar").wrongSign}, not ½`);
const reinforceWrong = traceMean("reinforce", (p) => 1 - p);
if (!(Math.abs(traceRow("reinforce").wrongSign - reinforceWrong) < fractionTolerance("reinforce"))) fail(`REINFORCE wrong sign ${traceRow("reinforce").wrongSign}, mean 1 − σ ${reinforceWrong}`);
for (const e of ["arm", "disarm"]) {
  if (traceRow(e).wrongSign !== 0) fail(`${e} points the wrong way on ${traceRow(e).wrongSign} of the steps`);
  const agree = traceMean(e, (p) => Math.abs(1 - 2 * p));
  if (!(traceRow(e).zero > 0 && Math.abs(traceRow(e).zero - agree) < fractionTolerance(e))) fail(`${e} zeros ${traceRow(e).zero}, pair agrees ${agree}`);
}
for (const r of traced.summary) if (!(r.z !== null && Math.abs(r.z) < traceBound)) fail(`${r.estimator}: mean ĝ − g at z = ${r.z}`);
// Try: at p0 = 0.499 the true gradient is ten times smaller.
if (!(Math.abs((1 - 2 * 0.499) / (1 - 2 * 0.49) - 0.1) < 1e-9)) fail("1 − 2p0 is not ten times smaller at 0.499");
// No tensors left behind, and re-running a training run does not grow the count.
tf.dispose([phiToy, phiQuad, phiPair, ...problems.map((p) => p.u)]);
const beforeRerun = tf.memory().numTensors;
toyTrajectories({ p0: 0.49, estimators: TRAINED, seeds: 1, steps: 20 });
if (tf.memory().numTensors !== beforeRerun || beforeRerun !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${beforeRerun} now, ${tf.memory().numTensors} after a re-run`);
console.log(`all checks passed: ${zs.length} z-scores within ±${BOUND.toFixed(2)}; tensors ${tf.memory().numTensors} (as at the start)`);
