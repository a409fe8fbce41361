// The checks of A2_bengio_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const failures: string[] = [];
const expect = (ok: boolean, message: string) => { if (!ok) failures.push(message); };
// At paper scale (shipped data): the numbers and orderings stated in the text, derived again from the rows.
const statedGating: Record<string, number> = { "noisy-rectifier": 3.7, rectifier: 3.9, st: 4.6, sts: 6.9, "reinforce-optimal": 52.6 };
for (const [gater, percent] of Object.entries(statedGating)) expect(Math.abs(100 * gatingError(gater) - percent) < 0.05, `${gater}: test error ${100 * gatingError(gater)}%, the text says ${percent}%`);
expect(bestGater === "noisy-rectifier", `the lowest test error is ${bestGater}'s, the text says the noisy rectifier's`);
const gatingRow = (gater: string) => gatingPaper.results.find((row) => row.estimators === gater)!;
expect(Math.abs(100 * (gatingRow("reinforce-optimal").testErrorSampled as number) - 9.6) < 0.05, "REINFORCE's error with sampled gates is not 9.6%");
// Each digit's own top 10% of gates, and the digits the global threshold leaves without a gate.
const statedTopK: Record<string, number> = { "noisy-rectifier": 3.7, rectifier: 3.9, st: 4.6, sts: 6.1, "reinforce-optimal": 7.8 };
for (const [gater, percent] of Object.entries(statedTopK)) expect(Math.abs(100 * (gatingRow(gater).testErrorTopK as number) - percent) < 0.05, `${gater}: per-digit top-10% error ${100 * (gatingRow(gater).testErrorTopK as number)}%, the text says ${percent}%`);
for (const gater of GATERS) expect(Math.abs(100 * (gatingRow(gater).zeroGateFraction as number) - (gater === "reinforce-optimal" ? 6.8 : 0)) < 0.05, `${gater}: ${gatingRow(gater).zeroGateFraction} of digits without a gate`);
const topKGap = 100 * ((gatingRow("reinforce-optimal").testErrorTopK as number) - (gatingRow("st").testErrorTopK as number));
expect(Math.abs(topKGap - 3.2) < 0.05, `straight-through is ${topKGap} points below REINFORCE per digit, the text says 3.2`);
// The verdicts the text gives: one seed, so every claim of chapter 02 is "not testable at this budget".
expect(gatingFindings.length === 6 && gatingFindings.every((r) => r.finding === "not testable at this budget"), "a chapter-02 verdict is not 'not testable at this budget'");
const paperSign = (claim: string) => gatingFindings.find((r) => r.claim === claim)!.mean! < 0;
expect(!paperSign("straight-through's test error below noisy-rectifier's") && !paperSign("straight-through's test error below noisy-rectifier's, per-digit top 10%"), "straight-through against the noisy rectifier is said to have the opposite sign under both rules");
expect(paperSign("straight-through's test error below sts's") && paperSign("straight-through's test error below reinforce-optimal's, per-digit top 10%"), "the paper's signs stated for STS and REINFORCE (per digit) do not hold");
expect(Math.abs(100 * (gatingRow("st").testErrorSampled as number) - 3.8) < 0.05, "straight-through's error with sampled gates is not 3.8%");
for (const gater of GATERS) {
  const open = gatingRow(gater).gatesOpen as number;
  expect(open >= 0.1 && open <= 0.11, `${gater}: test gates ${open} open, the text says 10.0–11.0%`);
  const training = gatingRow(gater).trainGatesOpen as number;
  expect(gater === "sts" ? Math.abs(training - 0.31) < 0.01 : training >= 0.091 && training <= 0.1005, `${gater}: training gates ${training} open`);
}
expect(gatingReplay.ok, `the replay of run 3 differs from the shipped rows: ${JSON.stringify(gatingReplay.rows.filter((r) => !r.ok))}`);
if (tf.memory().numTensors !== TENSORS_AT_START) failures.push(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
if (failures.length > 0) throw new Error(`checks failed:\n${failures.join("\n")}`);
console.log("all checks passed");
