// The checks of 01_estimators.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const unbiasedRows = comparison.rows.filter((row) => estimators[row.estimator].unbiased);
const bound = zBound(1e-3, unbiasedRows.length);
for (const row of unbiasedRows) {
  const z = row.biasZ[0];
  if (z !== null && Math.abs(z) > bound) throw new Error(`${row.estimator}: |z| = ${Math.abs(z)} exceeds ${bound}`);
}
console.log(`all ${unbiasedRows.length} unbiased estimators within |z| < ${bound.toFixed(2)}`);
tf.dispose([logits, exact]);
// Variance, seen: REINFORCE's two values, DisARM's one, at φ = 0 (the text names them).
if (histograms[0].distinct?.length !== 2) throw new Error(`REINFORCE takes ${histograms[0].distinct?.length ?? "many"} values at φ = 0, the text says two`);
if (histograms[2].distinct?.length !== 1) throw new Error("DisARM is not a single value at φ = 0");
