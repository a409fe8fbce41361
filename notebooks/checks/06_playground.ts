// The checks of 06_playground.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
const isDefault = JSON.stringify(params.objective) === JSON.stringify({ kind: "arm-toy", p0: 0.499 }) && params.logits.join() === "0,1.5,-1";
for (const d of [dash, linearDash]) {
  for (const row of d.rows) {
    if (row.unbiased && row.biasZ.some((z) => z !== null && !(Math.abs(z) < d.zBound))) fail(`${row.estimator}: |z| above ${d.zBound}`);
    const declared = estimators[row.estimator].evaluationsPerSample;
    const extra = row.estimator === "muprop" ? 1 / d.params.samples : 0;       // MuProp's one mean-field pass per call
    if (Math.abs(row.evaluationsPerSample - declared - extra) > 1e-9) fail(`${row.estimator}: ${row.evaluationsPerSample} evaluations per estimate, declared ${declared}`);
  }
}
if (isDefault) {
  const st = dash.rows.find((r) => r.estimator === "st")!;
  if (!(Math.abs(st.biasZ[1]!) > dash.zBound && Math.abs(st.biasZ[2]!) > dash.zBound)) fail("st not flagged on the saturated units");
  if (!(Math.abs(st.biasZ[0]!) < dash.zBound)) fail("st's bias at φ = 0 was expected to hide under its noise");
  const variance = (names: string[]) => dash.rows.filter((r) => names.includes(r.estimator)).map((r) => r.totalVariance);
  const small = Math.max(...variance(["reinforce-loo", "arm", "disarm"]));
  const large = Math.min(...variance(["reinforce", "ar", "muprop", "rebar"]));
  if (!(large > 1000 * small)) fail(`variance gap ${large / small} below 1000`);
}
const linearRow = (name: string) => linearDash.rows.find((r) => r.estimator === name)!;
if (linearRow("st-sigmoid").biasZ.some((z) => z !== null) || linearDash.summary[4]["max |bias z|"] !== "constant = exact") fail("st-sigmoid should be constant and exact on a linear f");
if (linearRow("st").biasZ.some((z) => z !== null) || linearDash.summary[3]["max |bias z|"] !== "constant ≠ exact (biased)") fail("st should be constant and biased on a linear f");
// Re-run: identical numbers, no tensors left behind.
const tensorsBefore = tf.memory().numTensors;
const again = await playground(params);
if (tf.memory().numTensors !== tensorsBefore || tensorsBefore !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${tensorsBefore} before, ${tf.memory().numTensors} after a re-run`);
again.rows.forEach((row, k) => { if (row.mean.some((m, i) => m !== dash.rows[k].mean[i])) fail(`${row.estimator}: re-run gave a different mean`); });
console.log(`all checks passed; tensors: ${tf.memory().numTensors} (as at the start)`);
