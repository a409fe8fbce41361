// The checks of 03_muprop.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
if (mupropStats.maxAbsZ! > unbiasedBound) fail(`MuProp |z| = ${mupropStats.maxAbsZ} on one layer`);
const sweepBound = zBound(1e-3, sweep.length * phi.length);
for (const row of sweep.filter((row) => row.a > 0)) {
  if (row.maxAbsZ === null || row.maxAbsZ > sweepBound) fail(`${row.estimator} at a = ${row.a}: |z| = ${row.maxAbsZ}`);
}
const zeroCurvature = sweep.find((row) => row.a === 0 && row.estimator === "muprop")!;
if (zeroCurvature.totalVariance > 1e-10 * zeroCurvature.exactNormSquared) fail(`MuProp is not exact on linear f: ${zeroCurvature.totalVariance}`);
// Var(a) / a² is one number for every a > 0 (same uniforms); allow float32 round-off only.
const perA2 = curvatures.filter((a) => a > 0).map((a) => varianceAt(a, "muprop") / (a * a));
if (Math.max(...perA2) / Math.min(...perA2) - 1 > 1e-3) fail(`MuProp variance / a² varies: ${perA2}`);
if (!(varianceAt(0.01, "muprop") < 1e-3 * varianceAt(0.01, "reinforce"))) fail("MuProp does not remove > 99.9% of the variance at a = 0.01");
// At a = 1 MuProp is no better than REINFORCE and clearly worse than leave-one-out (same uniforms for all).
if (!(varianceAt(1, "muprop") > 0.9 * varianceAt(1, "reinforce"))) fail("MuProp should be no better than REINFORCE at a = 1");
if (!(varianceAt(1, "muprop") > 1.5 * varianceAt(1, "reinforce-loo"))) fail("leave-one-out should beat MuProp clearly at a = 1");
const worstNetworkZ = Math.max(...agreeMuprop.map((row) => row.maxAbsZ));
if (worstNetworkZ > networkBound) fail(`MuProp in the two-layer network: |z| = ${worstNetworkZ}`);
if (!(Math.max(...agreeSt.map((row) => row.maxAbsZ)) > networkBound)) fail("straight-through should be detectably biased");
for (const run of sopRuns) {
  const target = FAST ? run.summary.initialNll! - 5 : run.summary.initialNll! / 2;
  if (!(run.summary.testNll! < target)) fail(`${run.estimator} did not learn: ${run.summary.initialNll} → ${run.summary.testNll}`);
}
const stNll = sopRuns.find((run) => run.estimator === "st")!.summary.testNll!;
if (!FAST && !sopRuns.every((run) => run.estimator === "st" || run.summary.testNll! > stNll)) fail("straight-through does not have the lowest test NLL");
// At paper scale (shipped data): the choices, orderings and numbers stated in the text, derived again from the rows.
for (const row of sopChosen) if (row.lr !== 0.001) fail(`${row.estimators}: the validation chose lr ${row.lr}, the text says 1e-3`);
const orders: Record<string, string> = {
  "MuProp below REINFORCE": "yes", "straight-through at or below MuProp": "no", "ARM below MuProp": "no",
  "ARM below straight-through": "yes", "the score function far behind ARM": "yes",
};
for (const row of sopClaims) if (row["the paper's order"] !== orders[row.claim]) fail(`${row.claim}: ${row["the paper's order"]}, the text says ${orders[row.claim]}`);
const statedSop: [string, "testNll" | "testNll1000", number][] = [
  ["muprop", "testNll", 70.7], ["reinforce-ema", "testNll", 79.6], ["st", "testNll", 97.0],
  ["reinforce-ema", "testNll1000", 78.6], ["arm", "testNll1000", 72.1], ["muprop", "testNll1000", 69.8], ["disarm", "testNll1000", 70.1],
];
for (const [estimator, metric, value] of statedSop) {
  const ours = chosenSop(estimator)[metric] as number;
  if (!(Math.abs(ours - value) < 0.05)) fail(`${estimator} ${metric}: ${ours}, the text says ${value}`);
}
for (const estimator of ["muprop", "arm", "disarm", "reinforce-ema"]) {
  if (chosenSop(estimator).bestStep !== sopPaper.plan.base.steps) fail(`${estimator} was not still improving at the last evaluation (best step ${chosenSop(estimator).bestStep})`);
}
const stBest = (lr: number) => sopPaper.results.find((row) => row.estimators === "st" && row.lr === lr)!.bestStep;
if (stBest(0.001) !== 18000 || stBest(0.0003) !== 5000) fail(`straight-through's best steps: ${stBest(0.001)} and ${stBest(0.0003)}, the text says 18,000 and 5,000`);
if (!sopReplay.ok) fail(`the replay of run 4 differs from the shipped rows: ${JSON.stringify(sopReplay.rows.filter((r) => !r.ok))}`);
if (tf.memory().numTensors !== tensorsBefore) fail(`the experiment leaked ${tf.memory().numTensors - tensorsBefore} tensors`);
tf.dispose([logits, exact, xSmall, vaeExact.elbo, vaeExact.logLikelihood, ...Object.values(vaeExact.gradients)]);
vae.dispose();
console.log(`all checks passed; ${tf.memory().numTensors} tensors alive`);
