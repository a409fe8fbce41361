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
// Variance against φ, exactly (varianceCurves): every number the text states, at p0 = 0.49.
{
  const rowAt = (name: string, phi: number, rows = curves.rows) => {
    const row = rows.find((r) => r.estimator === name && r.phi === phi);
    if (!row) throw new Error(`no variance-curve row for ${name} at φ = ${phi}`);
    return row;
  };
  const near = (value: number, stated: number, digits: number) => Number(value.toPrecision(digits)) === stated;
  const stated: [string, number, number][] = [
    ["reinforce", 0.0156, 3], ["ar", 0.021, 2], ["st", 1.0, 2], ["reinforce-loo", 2.5e-5, 2], ["arm", 8.3e-6, 2],
  ];
  for (const [name, value, digits] of stated)
    if (!near(rowAt(name, 0).variance, value, digits)) throw new Error(`${name} at φ = 0: ${rowAt(name, 0).variance}`);
  if (Math.abs(rowAt("muprop", 0).variance * 64 - 1) > 1e-6) throw new Error(`MuProp at φ = 0: ${rowAt("muprop", 0).variance}`);
  if (!near(rowAt("reinforce", 0).variance, Number((1 / 64).toPrecision(3)), 3)) throw new Error("REINFORCE ≠ 1/64 to 3 digits");
  if (rowAt("disarm", 0).variance !== 0) throw new Error(`DisARM at φ = 0: ${rowAt("disarm", 0).variance}`);
  if (!near(rowAt("arm", 0).varianceTimesEvaluations, 1.7e-5, 2)) throw new Error("ARM × 2 at φ = 0");
  if (!near(rowAt("reinforce-loo", 0).varianceTimesEvaluations, 5.0e-5, 2)) throw new Error("LOO × 2 at φ = 0");
  const looOverArm = rowAt("reinforce-loo", 0).variance / rowAt("arm", 0).variance;
  if (Math.abs(looOverArm - 3) > 0.01) throw new Error(`LOO / ARM at φ = 0: ${looOverArm}, the text says three`);
  const costs: Record<string, number> = {};
  for (const name of curves.estimators) costs[name] = rowAt(name, 0).evaluations;
  const expectedCosts = { reinforce: 1, "reinforce-loo": 2, muprop: 2, ar: 1, arm: 2, disarm: 2, st: 1 };
  if (JSON.stringify(costs) !== JSON.stringify(expectedCosts)) throw new Error(`evaluations: ${JSON.stringify(costs)}`);
  for (const phi of curves.phis) {
    const cost = (name: string) => rowAt(name, phi).varianceTimesEvaluations;
    if (!(cost("ar") > 600 * cost("arm"))) throw new Error(`AR at equal cost within 600× of ARM at φ = ${phi}`);
    if (!(cost("reinforce") > 100 * cost("arm"))) throw new Error(`REINFORCE within 100× of ARM at φ = ${phi}`);
    if (!(rowAt("ar", phi).variance > rowAt("reinforce", phi).variance)) throw new Error(`AR below REINFORCE at φ = ${phi}`);
    const disarmOverArm = rowAt("disarm", phi).variance / rowAt("arm", phi).variance;
    if (disarmOverArm > 1 + 1e-6) throw new Error(`DisARM above ARM at φ = ${phi}`);
    if (Math.abs(phi) >= 2.25 && disarmOverArm < 0.99) throw new Error(`DisARM not within 1% of ARM at φ = ${phi}`);
    const looRatio = rowAt("reinforce-loo", phi).variance / rowAt("arm", phi).variance;
    if (Math.abs(phi) >= 5 && Math.abs(looRatio - 1) > 0.01) throw new Error(`LOO not within 1% of ARM at φ = ${phi}`);
  }
  if (curves.phis[0] !== -6 || curves.phis[curves.phis.length - 1] !== 6 || !curves.phis.includes(0))
    throw new Error("the grid is not −6, …, 6 with 0");
  const mupropOverReinforce = rowAt("muprop", 6).variance / rowAt("reinforce", 6).variance;
  if (Math.round(mupropOverReinforce) !== 17) throw new Error(`MuProp / REINFORCE at φ = 6: ${mupropOverReinforce}`);
  if (!(Math.abs(rowAt("muprop", 0).variance / rowAt("reinforce", 0).variance - 1) < 1e-3))
    throw new Error("MuProp does not match REINFORCE at φ = 0");
  // Try: p0 = 0.499 (computed here at the default grid).
  const harder = varianceCurves({ p0: 0.499 });
  for (const phi of curves.phis) {
    const ratio = (name: string) => rowAt(name, phi).variance / rowAt(name, phi, harder.rows).variance;
    for (const name of ["arm", "disarm", "reinforce-loo"])
      if (!(phi === 0 && name === "disarm") && Math.abs(ratio(name) / 100 - 1) > 0.01)
        throw new Error(`${name} at φ = ${phi}: p0 = 0.499 divides the variance by ${ratio(name)}, not 100`);
    for (const name of ["reinforce", "muprop", "ar", "st"])
      if (Math.abs(ratio(name) - 1) >= 0.1) throw new Error(`${name} at φ = ${phi} moves by ${ratio(name)} with p0 = 0.499`);
    const atEqualCost = (name: string) => rowAt(name, phi, harder.rows).varianceTimesEvaluations;
    if (!(atEqualCost("reinforce") > 1e4 * atEqualCost("arm"))) throw new Error(`p0 = 0.499: REINFORCE within 10^4 of ARM at φ = ${phi}`);
  }
  // The figures leave DisARM's zero out instead of drawing it.
  const disarmTrace = curves.figures.variance.data.find((t) => String(t.name).startsWith("disarm"))!;
  if ((disarmTrace.y as (number | null)[])[curves.phis.indexOf(0)] !== null) throw new Error("DisARM's zero is drawn");
}
