// The checks of 05_sbn_vae.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
const learned = FAST ? 5 : 150;  // nats gained from the initial ELBO of about −560
for (const run of [...runs, ...twoLayer]) {
  if (!(run.summary.elbo! > run.summary.initialElbo! + learned)) fail(`${run.estimator} (seed ${run.seed}) did not learn: ${run.summary.initialElbo} → ${run.summary.elbo}`);
}
for (const p of paired) {
  if (!(p["variance at step 0: DisARM / ARM"] < 1)) fail(`seed ${p.seed}: DisARM's variance is not below ARM's`);
}
// Student's t quantile t(0.9995; n − 1): a 0.1% false-alarm rate for a true gap of zero.
const tQuantile = studentTQuantile(0.9995, SEEDS.length - 1);
if (Math.abs(gapMean) > tQuantile * gapSe) fail(`DisARM − ARM ELBO gap ${gapMean} ± ${gapSe} is not within noise`);
if (!FAST) {
  const stRow = summary.find((r) => r.estimator === "st" && r.metric === "elbo")!;
  for (const estimator of ESTIMATORS.filter((e) => e !== "st")) {
    const row = summary.find((r) => r.estimator === estimator && r.metric === "elbo")!;
    const se = Math.hypot(stRow.se!, row.se!);
    if (!(stRow.mean! - row.mean! > 2 * se)) fail(`straight-through does not lead ${estimator}: ${stRow.mean} vs ${row.mean} (se ${se})`);
  }
}
if (!FAST) {
  const finalVariance = (estimator: string) => summary.find((r) => r.estimator === estimator && r.metric === "encoderVariance")!;
  const order = ["st", "muprop", "disarm", "arm"];
  for (let i = 0; i + 1 < order.length; i++) {
    const low = finalVariance(order[i]);
    const high = finalVariance(order[i + 1]);
    if (!(high.mean! - low.mean! > 2 * Math.hypot(low.se!, high.se!))) fail(`final encoder variance: ${order[i]} is not clearly below ${order[i + 1]}`);
  }
  const [disarm2, st2] = ["disarm", "st"].map((e) => twoLayer.find((r) => r.estimator === e)!.summary.elbo!);
  const elboMean = (estimator: string) => summary.find((r) => r.estimator === estimator && r.metric === "elbo")!.mean!;
  if (!(st2 - disarm2 > elboMean("st") - elboMean("disarm"))) fail("two layers: straight-through's lead over DisARM is not larger than with one layer");
}
// Inside the network (learningSignalPicture): f(z) about −545 nats on every draw and learning signals of a
// few nats; one call's ĝ_φ of unit 3 of the wrong sign; the mean over the calls within a few standard errors
// of the exact gradient (Student's t, a 0.1% false alarm over the units); ∂/∂W = x ⊗ ĝ_φ to round-off.
for (const d of signal.draws) {
  if (!(Math.abs(d.f + 545) < 10)) fail(`draw ${d.draw}: f(z) = ${d.f} is not about −545 nats`);
  if (!(Math.abs(d.signal) < 10)) fail(`draw ${d.draw}: the learning signal ${d.signal} is not a few nats`);
}
const unit3 = signal.units[2];
if (!(unit3.estimate * unit3.exact < 0)) fail(`unit 3: one call's ĝ_φ ${unit3.estimate} has the exact gradient's sign`);
const signalT = studentTQuantile(1 - 1e-3 / (2 * signal.units.length), signal.calls - 1);
for (const u of signal.units) {
  if (!(Math.abs(u.mean - u.exact) < signalT * u.standardError)) fail(`unit ${u.unit}: mean ${u.mean} vs exact ${u.exact} ± ${u.standardError}`);
}
if (!(signal.surrogateDifference <= 1e-5 * signal.surrogateScale)) fail(`∂/∂W differs from x ⊗ ĝ_φ by ${signal.surrogateDifference}`);
if (signal.zeroRows !== signal.pixels - signal.pixelsOn) fail(`${signal.zeroRows} zero rows for ${signal.pixelsOn} pixels on`);
if (tensorsAfter !== tensorsBefore || tf.memory().numTensors !== tensorsBefore) fail(`tensors leaked: ${tensorsBefore} → ${tf.memory().numTensors}`);
console.log(`all checks passed; ${tf.memory().numTensors} tensors alive`);
