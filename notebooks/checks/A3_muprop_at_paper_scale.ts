// The checks of A3_muprop_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const fail = (message: string) => { throw new Error(`checks: ${message}`); };
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
if (tf.memory().numTensors !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
console.log("all checks passed");
