// The checks of 07_after_arm.ipynb, appended to it by the notebook tests (test/notebooks.test.ts) at the
// default parameters; they read the chapter's variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
// Section 2: every unbiased estimator's mean within the Bonferroni bound of its own exact gradient.
for (const { estimator, stats } of unbiasedRows) {
  if (!(stats.maxAbsZ! < BOUND)) fail(`${estimator}: max |z| = ${stats.maxAbsZ} ≥ ${BOUND}`);
}
// double-cv's α moved from 0, and stays small.
const checkRow = (name: string) => unbiasedRows.find((r) => r.estimator === name)!;
const alpha = checkRow("double-cv").alpha!;
if (!(alpha !== 0 && Math.abs(alpha) < 0.5)) fail(`double-cv's learned α is ${alpha}, the text says small and not 0`);
// Section 3: the orderings stated, at every k, each gap larger than 3 standard errors of the difference.
// The variance of a sample variance is about 2 σ⁴ / (n − 1) for each coordinate (a normal approximation,
// generous for heavier tails at 3 se): summed over 3 coordinates, se(total) ≤ total · sqrt(2 / (n − 1)).
const seOf = (v: number) => v * Math.sqrt(2 / (ESTIMATES - 1));
const below = (a: string, b: string, k: number) => {
  const [va, vb] = [varianceAt(a, k), varianceAt(b, k)];
  return vb - va > 3 * Math.hypot(seOf(va), seOf(vb));
};
for (const k of KS) {
  if (!below("rodeo", "arms", k)) fail(`k = ${k}: RODEO not below ARMS`);
  if (!below("arms", "double-cv", k)) fail(`k = ${k}: ARMS not below double-cv`);
  if (!(varianceAt("double-cv", k) <= varianceAt("reinforce-loo", k) + 3 * Math.hypot(seOf(varianceAt("double-cv", k)), seOf(varianceAt("reinforce-loo", k)))))
    fail(`k = ${k}: double-cv above leave-one-out`);
}
for (const name of SWEPT) {
  const values = KS.map((k) => varianceAt(name, k));
  if (!values.every((v, i) => i === 0 || v < values[i - 1])) fail(`${name}: the variance does not fall with k`);
}
for (const r of sweep) if (!(r.maxAbsZ < zBound(1e-3, 3 * sweep.length))) fail(`${r.estimator} k = ${r.k}: |z| = ${r.maxAbsZ}`);
// "10–15 % at k = 2 and less as k grows"; "70–80 %" and "about 40 %" at k = 2 (the first k).
const rodeoShare = 1 - varianceAt("rodeo", KS[0]) / varianceAt("reinforce-loo", KS[0]);
const armsShare = 1 - varianceAt("arms", KS[0]) / varianceAt("reinforce-loo", KS[0]);
if (!(rodeoShare > 0.65 && rodeoShare < 0.85)) fail(`RODEO removes ${rodeoShare} of leave-one-out's variance, the text says 70–80 %`);
if (!(armsShare > 0.3 && armsShare < 0.5)) fail(`ARMS removes ${armsShare}, the text says about 40 %`);
const dcvShare = (k: number) => 1 - varianceAt("double-cv", k) / varianceAt("reinforce-loo", k);
if (KS[0] !== 2 || !(dcvShare(2) > 0.08 && dcvShare(2) < 0.18)) fail(`double-cv removes ${dcvShare(KS[0])} at k = ${KS[0]}, the text says 10–15 % at k = 2`);
if (!KS.slice(1).every((k) => dcvShare(k) < dcvShare(2))) fail("double-cv's gain does not shrink beyond k = 2");
// Section 4: the matched columns at every evaluation; at step 0 RODEO is leave-one-out on the same draws.
for (const run of vaeRuns)
  for (const row of run.history)
    for (const name of MATCHED) if (!(Number(row[`encoderVariance:${name}`]) > 0)) fail(`${run.estimator} step ${row.step}: no ${name} column`);
const rodeoStart = vaeRuns.find((r) => r.estimator === "rodeo")!.history[0];
if (rodeoStart.encoderVariance !== rodeoStart["encoderVariance:reinforce-loo"]) fail("at step 0 RODEO's variance is not leave-one-out's");
// "at the 1,000 steps of full mode RODEO's variance is already less than half of leave-one-out's".
const rodeoEnd = vaeRuns.find((r) => r.estimator === "rodeo")!.history.at(-1)!;
if (VAE_STEPS >= 1000 && !((rodeoEnd.encoderVariance as number) < 0.5 * (rodeoEnd["encoderVariance:reinforce-loo"] as number)))
  fail(`after ${VAE_STEPS} steps RODEO's variance ${rodeoEnd.encoderVariance} is not below half of leave-one-out's ${rodeoEnd["encoderVariance:reinforce-loo"]}`);
// Section 5: straight-through's sign of ∂/∂φ₀ wrong, ReinMax's right; at τ = 1 within the bound of exact.
const sign0 = (label: string) => Math.sign(pathwise.find((p) => p.label === label)!.stats.mean[0]);
for (const label of ["st", "st-sigmoid"]) if (sign0(label) === Math.sign(exact[0])) fail(`${label} has the right sign of g₀`);
const gumbel0 = pathwise.find((p) => p.label === "gumbel-st")!.stats;
if (!(gumbel0.mean[0] > 3 * gumbel0.standardError[0] && gumbel0.mean[0] < exact[0] / 2 - 3 * gumbel0.standardError[0]))
  fail(`gumbel-st's g₀ ${gumbel0.mean[0]}: the text says the right sign, less than half the size`);
for (const t of TEMPERATURES.filter((t) => t <= 1)) if (sign0(`reinmax, τ = ${t}`) !== Math.sign(exact[0])) fail(`reinmax τ = ${t}: wrong sign of g₀`);
const heun = reinmaxAt(1);
if (!heun || !(heun.maxAbsZ! < zBound(1e-3, 3))) fail(`reinmax at τ = 1 is not exact: max |z| ${heun?.maxAbsZ}`);
const gumbel = pathwise.find((p) => p.label === "gumbel-st")!.stats.totalVariance;
if (!(Math.abs(heun!.totalVariance / gumbel - 1) < 0.25)) fail(`reinmax's variance ${heun!.totalVariance} is not close to gumbel-st's ${gumbel}`);
// Section 6: the race, as the text reads it (the table's last-5 means over seeds, the verdicts).
const raceRow = (name: string) => raceTable.find((r) => r.estimator === name)!;
const ownOverLoo = (name: string) => raceRow(name)["own / LOO's"] as number;
if (!(ownOverLoo("rodeo") > 0.455 && ownOverLoo("rodeo") < 0.465)) fail(`RODEO keeps ${ownOverLoo("rodeo")} of LOO's variance, the text says 0.46`);
if (!(ownOverLoo("arms") > 0.725 && ownOverLoo("arms") < 0.735)) fail(`ARMS keeps ${ownOverLoo("arms")}, the text says 0.73`);
for (const name of ["disarm", "double-cv"])
  if (!(ownOverLoo(name) > 0.76 && ownOverLoo(name) < 0.775)) fail(`${name} keeps ${ownOverLoo(name)}, the text says about 0.77`);
const raceVerdict = (start: string) => raceFindings.find((f) => f.claim.startsWith(start))!;
for (const start of ["RODEO's encoder-gradient variance below REINFORCE LOO's", "RODEO's encoder-gradient variance below DisARM's", "Double CV's encoder-gradient variance below REINFORCE LOO's"])
  if (raceVerdict(start).finding !== "reproduced") fail(`${start}: ${raceVerdict(start).finding}, the text says reproduced`);
const dcvDisarm = raceVerdict("Double CV's encoder-gradient variance below DisARM's");
if (!(dcvDisarm.finding === "within noise" && dcvDisarm.positive === 3 && dcvDisarm.n === 3)) fail(`double CV against DisARM: ${dcvDisarm.finding}, ${dcvDisarm.positive} of ${dcvDisarm.n} seeds above`);
// ARMS and DisARM at the ARMS runs' parameters: "a few per cent".
const armsRow = lastFive("encoderVariance:disarm", "arms").mean! / lastFive("encoderVariance", "arms").mean!;
if (!(Math.abs(armsRow - 1) < 0.05)) fail(`DisARM / ARMS at ARMS's parameters is ${armsRow}, the text says a few per cent apart`);
// ELBOs within 1.5 nats but VIMCO's; RODEO above DisARM at every seed by 0.4–1.0; VIMCO lowest in both.
const elbos = raceTable.filter((r) => r.estimator !== "vimco").map((r) => r["ELBO, last 5"] as number);
if (!(Math.max(...elbos) - Math.min(...elbos) < 1.5)) fail(`the ELBOs span ${Math.max(...elbos) - Math.min(...elbos)} nats`);
const elboBySeed = (name: string) =>
  new Map(tailMeans(race.history.filter((r) => r.estimators === name), { metric: "elbo", by: ["seed"] }).map((t) => [t.group.seed, t.value!]));
const [rodeoSeeds, disarmSeeds] = [elboBySeed("rodeo"), elboBySeed("disarm")];
for (const [s, v] of rodeoSeeds) {
  const gap = v - disarmSeeds.get(s)!;
  if (!(gap > 0.35 && gap < 1.05)) fail(`seed ${s}: RODEO − DisARM = ${gap} nats, the text says 0.4–1.0`);
}
for (const column of ["ELBO, last 5", "test bound"]) {
  const lowest = raceTable.reduce((a, b) => ((a[column] as number) < (b[column] as number) ? a : b));
  if (lowest.estimator !== "vimco") fail(`the lowest ${column} is ${lowest.estimator}'s, the text says VIMCO's`);
}
const runSeconds = (name: string) => race.results.filter((r) => r.estimators === name).reduce((sum, r) => sum + (r.seconds as number), 0);
const costRatio = runSeconds("rodeo") / runSeconds("disarm");
if (!(costRatio > 4 && costRatio < 6)) fail(`RODEO's runs took ${costRatio} times DisARM's, the text says about 5`);
if (tf.memory().numTensors !== TENSORS_AT_START + 1) fail(`tensors: ${TENSORS_AT_START + 1} expected (the logits), ${tf.memory().numTensors} now`);
console.log("all checks passed");
