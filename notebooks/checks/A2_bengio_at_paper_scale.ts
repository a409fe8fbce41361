// The checks of A2_bengio_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const failures: string[] = [];
const expect = (ok: boolean, message: string) => { if (!ok) failures.push(message); };
// At paper scale (shipped data): the numbers and orderings stated in the text, derived again from the rows.
const statedGating: Record<string, number> = { "noisy-rectifier": 3.7, rectifier: 3.9, st: 4.6, sts: 6.9, "reinforce-optimal": 53.3 };
for (const [gater, percent] of Object.entries(statedGating)) expect(Math.abs(100 * gatingError(gater) - percent) < 0.05, `${gater}: test error ${100 * gatingError(gater)}%, the text says ${percent}%`);
expect(bestGater === "noisy-rectifier", `the lowest test error is ${bestGater}'s, the text says the noisy rectifier's`);
const gatingRow = (gater: string) => gatingPaper.results.find((row) => row.estimators === gater)!;
expect(Math.abs(100 * (gatingRow("reinforce-optimal").testErrorSampled as number) - 8.8) < 0.05, "REINFORCE's error with sampled gates is not 8.8%");
expect(Math.abs(100 * (gatingRow("st").testErrorSampled as number) - 3.8) < 0.05, "straight-through's error with sampled gates is not 3.8%");
for (const gater of GATERS) {
  const open = gatingRow(gater).gatesOpen as number;
  expect(open >= 0.1 && open <= 0.11, `${gater}: test gates ${open} open, the text says 10.0–11.0%`);
  const training = gatingRow(gater).trainGatesOpen as number;
  expect(gater === "sts" ? Math.abs(training - 0.31) < 0.01 : training >= 0.091 && training <= 0.1005, `${gater}: training gates ${training} open`);
}
expect(gatingReplay.ok, `the replay of run 1 differs from the shipped rows: ${JSON.stringify(gatingReplay.rows.filter((r) => !r.ok))}`);
if (tf.memory().numTensors !== TENSORS_AT_START) failures.push(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
if (failures.length > 0) throw new Error(`checks failed:\n${failures.join("\n")}`);
console.log("all checks passed");
