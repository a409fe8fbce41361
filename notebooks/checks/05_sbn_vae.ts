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
if (tensorsAfter !== tensorsBefore || tf.memory().numTensors !== tensorsBefore) fail(`tensors leaked: ${tensorsBefore} → ${tf.memory().numTensors}`);
console.log(`all checks passed; ${tf.memory().numTensors} tensors alive`);
