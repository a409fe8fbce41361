// The checks of A4_arm_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
// At paper scale (shipped data): the verdicts stated in the text, derived again from the rows.
const pathEnd = (p0: number) => paperPaths[PAPER_P0S.indexOf(p0)].probability.at(-1)!;
const paperBound = zBound(1e-3, 2 * PAPER_P0S.length);
for (const estimator of ["arm", "disarm"]) for (const p0 of PAPER_P0S) {
  const end = endOf(p0, estimator);
  if (end["seeds on the optimum's side"] !== 10) fail(`${estimator} at p0 = ${p0}: ${end["seeds on the optimum's side"]} of 10 seeds on the optimum's side`);
  const z = (end["σ(φ) at 3000"] - pathEnd(p0)) / end.se;
  if (!(Math.abs(z) < paperBound)) fail(`${estimator} at p0 = ${p0} is off the exact path: z = ${z}`);
  if (estimator === "arm" && !(Math.abs(z) < 1.2)) fail(`the text says ARM is within 1.2 se of the path; at p0 = ${p0} z = ${z}`);
}
const armEnds = toyArm.results.filter((row) => row.estimators === "arm");
for (const arm of armEnds) {
  const disarm = toyArm.results.find((row) => row.estimators === "disarm" && row.p0 === arm.p0 && row.seed === arm.seed)!;
  if (!(Math.abs((disarm.probability as number) - (arm.probability as number)) < 0.002)) fail(`DisARM and ARM differ by more than 0.002 at p0 = ${arm.p0}, seed ${arm.seed}`);
}
const sides = (estimator: string, p0: number) => endOf(p0, estimator)["seeds on the optimum's side"];
const stated: [string, number, number][] = [["reinforce", 3, 8], ["rebar", 7, 4], ["relax", 4, 9]];
for (const [estimator, at499, at501] of stated) {
  if (sides(estimator, 0.499) !== at499 || sides(estimator, 0.501) !== at501) fail(`${estimator}: ${sides(estimator, 0.499)} and ${sides(estimator, 0.501)} seeds on the optimum's side, the text says ${at499} and ${at501}`);
}
for (const estimator of ["reinforce", "rebar", "relax"]) for (const p0 of [0.49, 0.51]) {
  if (!(sides(estimator, p0) >= 8)) fail(`${estimator} at p0 = ${p0}: the text says it mostly succeeds, ${sides(estimator, p0)} of 10`);
}
const statedFindings: Record<string, string> = {
  "reinforce fails more often than ARM, p0 = 0.499": "reproduced", "reinforce fails more often than ARM, p0 = 0.501": "within noise",
  "rebar fails more often than ARM, p0 = 0.499": "within noise", "rebar fails more often than ARM, p0 = 0.501": "reproduced",
  "relax fails more often than ARM, p0 = 0.499": "reproduced", "relax fails more often than ARM, p0 = 0.501": "within noise",
};
for (const r of toyClaims) {
  const want = statedFindings[r.claim] ?? (r.claim.startsWith("ARM ends") ? "reproduced" : undefined);
  if (r.finding !== want) fail(`${r.claim}: ${r.finding}, the text says ${want}`);
}
// Straight-through ends seed for seed at the same place whatever p0 is.
const stEnds = (p0: number) => toyArm.results.filter((row) => row.estimators === "st" && row.p0 === p0).map((row) => (row.probability as number) > 0.5);
if (!PAPER_P0S.every((p0) => JSON.stringify(stEnds(p0)) === JSON.stringify(stEnds(PAPER_P0S[0])))) fail("straight-through's runs end differently for different p0");
if (stEnds(0.51).filter(Boolean).length !== 6) fail(`the text says 6 of 10 ST runs end near 1; ${stEnds(0.51).filter(Boolean).length} do`);
if (!toyReplay.ok) fail(`the replay of run 92 differs from the shipped rows: ${JSON.stringify(toyReplay.rows.filter((r) => !r.ok))}`);
// No tensors left behind.
if (tf.memory().numTensors !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
console.log(`all checks passed; tensors ${tf.memory().numTensors} (as at the start)`);
