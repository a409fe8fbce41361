// The checks of A3_muprop_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const fail = (message: string) => { throw new Error(`checks: ${message}`); };
// At paper scale (shipped data): the choices, orderings and numbers stated in the text, derived again from the rows.
for (const row of sopChosen) {
  const stated = row.estimators === "reinforce-ema" ? 0.001 : 0.003;
  if (row.lr !== stated) fail(`${row.estimators}: the validation chose lr ${row.lr}, the text says ${stated}`);
  if (row.estimators !== "st" && !((row.bestStep as number) >= 18000)) fail(`${row.estimators}: best evaluation at step ${row.bestStep}, the text says 18,000 or later`);
}
const sopSigns: Record<string, number> = {
  "MuProp-C below LR-C-VN-IDB (NVIL)": -1,
  "straight-through (MuProp's, with σ') below MuProp-C": -1,
  '"1/2" below LR-C-VN-IDB (NVIL)': -1,
  "ARM below the score function": -1,
  "MuProp below the score function": -1,
};
if (sopFindings.length !== Object.keys(sopSigns).length) fail(`${sopFindings.length} claims, the text discusses ${Object.keys(sopSigns).length}`);
for (const row of sopFindings) {
  if (!(row.claim in sopSigns)) fail(`claim ${row.claim} is not in the text`);
  if (Math.sign(row.mean!) !== sopSigns[row.claim]) fail(`${row.claim}: the sign is not the paper's`);
  if (row.n !== 5 || row.finding !== "reproduced") fail(`${row.claim}: ${row.n} seeds, ${row.finding}; the text says reproduced over 5`);
  if (row.positive !== 0) fail(`${row.claim}: ${row.positive} seeds against the paper's sign, the text says none`);
}
const statedClaims: [string, number, number][] = [
  ["MuProp-C below LR-C-VN-IDB (NVIL)", -4.3, 0.2],
  ["straight-through (MuProp's, with σ') below MuProp-C", -5.6, 0.1],
  ['"1/2" below LR-C-VN-IDB (NVIL)', -6.9, 0.3],
  ["ARM below the score function", -8.1, 0.2],
  ["MuProp below the score function", -11.6, 0.3],
];
for (const [claim, mean, se] of statedClaims) {
  const row = sopFindings.find((r) => r.claim === claim)!;
  if (Math.abs(row.mean! - mean) >= 0.05 || Math.abs(row.se! - se) >= 0.05) fail(`${claim}: ${row.mean} ± ${row.se}, the text says ${mean} ± ${se}`);
}
const statedSeeds: [string, "testNll" | "testNll1000", number, number][] = [
  ["muprop-c", "testNll", 67.3, 0.1], ["nvil", "testNll", 71.6, 0.2], ["st-sigmoid", "testNll", 61.7, 0.1], ["one-half", "testNll", 64.8, 0.1],
  ["arm", "testNll1000", 70.8, 0.1], ["reinforce-ema", "testNll1000", 78.9, 0.2], ["muprop", "testNll1000", 67.3, 0.2],
];
for (const [estimator, metric, mean, se] of statedSeeds) {
  const m = overSeeds(estimator)[metric];
  if (m.n !== 5 || Math.abs(m.mean! - mean) >= 0.05 || Math.abs(m.se! - se) >= 0.05) fail(`${estimator} ${metric}: ${m.mean} ± ${m.se} over ${m.n}, the text says ${mean} ± ${se} over 5`);
}
const seedRun = (estimator: string, seed: number) =>
  seed === 1 ? chosenSop(estimator) : sopSeedRuns.find((row) => row.estimators === estimator && row.seed === seed)!;
for (const seed of [1, 2, 3, 4, 5]) {
  if (!((seedRun("muprop", seed).testNll1000 as number) < (seedRun("arm", seed).testNll1000 as number))) fail(`seed ${seed}: bare MuProp is not ahead of ARM (K = 1000)`);
}
if (sopSeedRuns.some((row) => !((row.bestStep as number) >= 16000))) fail("a run of seeds 2–5 had its best evaluation before step 16,000");
for (const estimator of ["disarm", "st"]) if (seeded.has(estimator)) fail(`${estimator} has more seeds, the text says seed 1 only`);
const statedSop: [string, "testNll" | "testNll1000", number][] = [
  ["muprop-c", "testNll", 67.5], ["nvil", "testNll", 72.1], ["st-sigmoid", "testNll", 61.7], ["st", "testNll", 84.7],
  ["one-half", "testNll", 64.5], ["reinforce-ema", "testNll", 79.4],
  ["arm", "testNll1000", 71.2], ["reinforce-ema", "testNll1000", 78.4], ["muprop", "testNll1000", 67.7], ["disarm", "testNll1000", 68.1],
];
for (const [estimator, metric, value] of statedSop) {
  const ours = chosenSop(estimator)[metric] as number;
  if (!(Math.abs(ours - value) < 0.05)) fail(`${estimator} ${metric}: ${ours}, the text says ${value}`);
}
const nlls = sopChosen.map((row) => row.testNll as number);
if (Math.min(...nlls) !== chosenSop("st-sigmoid").testNll) fail("st-sigmoid is not the lowest test NLL (m = 100)");
if (Math.max(...nlls) !== chosenSop("st").testNll) fail("st is not the highest test NLL (m = 100)");
const withoutSt = sopChosen.filter((row) => row.estimators !== "st").map((row) => row.testNll as number);
if (Math.abs(Math.max(...withoutSt) - 79.4) >= 0.05) fail(`the highest test NLL but st's is ${Math.max(...withoutSt)}, the text says 79.4`);
const stBest = (lr: number) => sopPaper.results.find((row) => row.estimators === "st" && row.lr === lr)!.bestStep;
if (stBest(0.003) !== 10000 || stBest(0.0003) !== 5000) fail(`straight-through's best steps: ${stBest(0.003)} and ${stBest(0.0003)}, the text says 10,000 and 5,000`);
if (sopPaper.runs.length !== 27) fail(`${sopPaper.runs.length} runs, the text says 27`);
const replayed = sopPaper.results.find((row) => row.index === 11)!;
if (replayed.estimators !== "arm" || replayed.lr !== 0.0003) fail(`run 11 is ${replayed.estimators} at ${replayed.lr}, the text says ARM at 3e-4`);
if (!sopReplay.ok) fail(`the replay of run 11 differs from the shipped rows: ${JSON.stringify(sopReplay.rows.filter((r) => !r.ok))}`);
if (tf.memory().numTensors !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
console.log("all checks passed");
