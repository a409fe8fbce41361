// The checks of 03_muprop.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
if (mupropStats.maxAbsZ! > unbiasedBound) fail(`MuProp |z| = ${mupropStats.maxAbsZ} on one layer`);
// The linearisation, seen: the residual keeps less of f's variance than f has (a = 0.3 here).
if (!(taylor.residualVariance < taylor.fVariance)) fail(`Var(f − h) = ${taylor.residualVariance} is not below Var f = ${taylor.fVariance}`);
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
// The mean-field diagram: the first layer's probabilities are the same in both passes, the second's are not.
const layerGap = (l: number) =>
  Math.max(...diagram.sampled.probabilities[l].map((p, j) => Math.abs(p - diagram.meanField.units[l][j])));
if (!(layerGap(0) < 1e-6)) fail(`mean-field diagram: layer 1 differs between the passes by ${layerGap(0)}`);
if (!(layerGap(1) > 0.01)) fail(`mean-field diagram: μ₂ is the probability of z₂'s draw (gap ${layerGap(1)})`);
// The predicted digits: after 5 steps nearly the same bottom half under every digit; after the full (and
// workshop) run, predictions that differ from digit to digit. Spread: the mean over bottom-half pixels of
// the standard deviation across the ten digits, set against the true bottom halves' spread.
const bottomSpread = (images: Float32Array) => {
  const count = images.length / 784;
  let total = 0;
  for (let p = 392; p < 784; p++) {
    const values = Array.from({ length: count }, (_, k) => images[k * 784 + p]);
    const mean = values.reduce((a, b) => a + b, 0) / count;
    total += Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / count);
  }
  return total / 392;
};
const spreadShare = bottomSpread(sopImages!.averaged) / bottomSpread(sopImages!.originals);
if (FAST ? !(spreadShare < 0.1) : !(spreadShare > 0.2)) fail(`predicted bottom halves: spread share ${spreadShare}`);
if (!(nllAfter < nllBefore - 50)) fail(`the demo model did not learn: ${nllBefore} → ${nllAfter}`);
if (tf.memory().numTensors !== tensorsBefore) fail(`the experiment leaked ${tf.memory().numTensors - tensorsBefore} tensors`);
tf.dispose([logits, exact, xSmall, vaeExact.elbo, vaeExact.logLikelihood, ...Object.values(vaeExact.gradients)]);
vae.dispose();
console.log(`all checks passed; ${tf.memory().numTensors} tensors alive`);
