// The checks of A5_sbn_vae_at_paper_scale.ipynb, appended to it by the notebook tests and the book; they read its variables.
const fail = (message: string) => { throw new Error(`closing check: ${message}`); };
const finding = (claim: string) => vaeFindings.find((r) => r.claim === claim) ?? fail(`no claim ${claim}`);
const STATED_FINDINGS: Record<string, string> = {
  "DisARM's encoder-gradient variance below ARM's, linear": "reproduced",
  "DisARM's training ELBO above ARM's, linear": "reproduced",
  "DisARM's training ELBO above REINFORCE LOO's (2 samples), linear": "reproduced",
  "ARM's ELBO above MuProp's, linear": "reproduced",
  "ARM's ELBO above NVIL's, linear": "reproduced",
  "straight-through's (MuProp's, with σ') ELBO below MuProp-C's, linear": "reproduced",
  "\"1/2\"'s ELBO above MuProp-C's, linear": "reproduced",
  "DisARM's encoder-gradient variance below ARM's, nonlinear": "reproduced",
  "DisARM's training ELBO above ARM's, nonlinear": "reproduced",
  "DisARM's training ELBO above REINFORCE LOO's, nonlinear": "reproduced"
};
for (const r of vaeFindings) if (r.finding !== STATED_FINDINGS[r.claim]) fail(`${r.claim}: ${r.finding}, the text says ${STATED_FINDINGS[r.claim]}`);
if (!(belowArm.below === 505 && belowArm.of === 505)) fail("DisARM below ARM count as stated");
if (!(belowLoo.below === 492 && belowLoo.of === 505)) fail("DisARM below LOO count as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "disarm")!["encoder variance"]! - (0.04576)) < 0.0005)) fail("disarm variance in linear as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "arm")!["encoder variance"]! - (0.0924081)) < 0.0005)) fail("arm variance in linear as stated");
if (!(Math.abs(finding("DisARM's training ELBO above ARM's, linear").mean! - (2.74605)) < 0.005)) fail("DisARM's training ELBO above ARM's, linear: mean as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "disarm")!["test bound"]! - (-253.42)) < 0.005)) fail("disarm testBound in linear as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "arm")!["test bound"]! - (-255.053)) < 0.005)) fail("arm testBound in linear as stated");
if (!(Math.abs(finding("DisARM's training ELBO above REINFORCE LOO's (2 samples), linear").mean! - (0.764119)) < 0.005)) fail("DisARM's training ELBO above REINFORCE LOO's (2 samples), linear: mean as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "disarm")!["test bound"]! - (-253.42)) < 0.005)) fail("disarm testBound in linear as stated");
if (!(Math.abs(linearFinal.find((r) => r.estimator === "reinforce-loo")!["test bound"]! - (-253.853)) < 0.005)) fail("reinforce-loo testBound in linear as stated");
if (!(Math.abs(finding("ARM's ELBO above MuProp's, linear").mean! - (1.83145)) < 0.005)) fail("ARM's ELBO above MuProp's, linear: mean as stated");
if (!(Math.abs(finding("ARM's ELBO above NVIL's, linear").mean! - (3.55499)) < 0.005)) fail("ARM's ELBO above NVIL's, linear: mean as stated");
if (!(Math.abs(finding("straight-through's (MuProp's, with \u03c3') ELBO below MuProp-C's, linear").mean! - (-4.63116)) < 0.005)) fail("straight-through's (MuProp's, with σ') ELBO below MuProp-C's, linear: mean as stated");
if (!(Math.abs(finding("\"1/2\"'s ELBO above MuProp-C's, linear").mean! - (5.06435)) < 0.005)) fail("\"1/2\"'s ELBO above MuProp-C's, linear: mean as stated");
if (!(crossover.filter((r) => r["straight-through"] === "st").every((r) => r["at step 1,000"]! > 1.991 && r["at step 1,000"]! < 30.395))) fail("ST lead at 1,000 as stated");
if (!(crossover.filter((r) => r["straight-through"] === "st").every((r) => r["at the end"]! > -7.422 && r["at the end"]! < -1.835))) fail("ST gap at the end as stated");
if (!(sustainedFrom(mupropRatio, (r) => r > 1) === 3000)) fail("MuProp above ARM for good from the stated step");
if (!((() => { const tails = tailMeans(upToVariants, { metric: "elbo", by: ["index", "estimators"] }); const mean = (e: string) => { const v = tails.filter((t) => t.group.estimators === e).map((t) => t.value!); return v.reduce((a, b) => a + b, 0) / v.length; }; const names = [...new Set(tails.map((t) => String(t.group.estimators)))]; return names.every((e) => e === "one-half" || mean(e) < mean("one-half")); })())) fail("\"1/2\" is not ahead of every estimator at 5×10^4 steps");
if (!(Math.abs(mupropRatio.find((p) => p.x === 0)!.mean! - (1.65242)) < 0.005)) fail("MuProp / ARM at step 0 as stated");
if (!(Math.abs(mupropRatio.find((p) => p.x === 1000)!.mean! - (0.624015)) < 0.005)) fail("MuProp / ARM at step 1000 as stated");
if (!(Math.abs(mupropRatio.find((p) => p.x === 5000)!.mean! - (1.8718)) < 0.005)) fail("MuProp / ARM at step 5000 as stated");
if (!(Math.abs(mupropRatio.find((p) => p.x === 10000)!.mean! - (2.77025)) < 0.005)) fail("MuProp / ARM at step 10000 as stated");
if (!(Math.abs(mupropRatio.find((p) => p.x === 20000)!.mean! - (3.40858)) < 0.005)) fail("MuProp / ARM at step 20000 as stated");
if (!(Math.abs(mupropRatio.find((p) => p.x === 50000)!.mean! - (3.26516)) < 0.005)) fail("MuProp / ARM at step 50000 as stated");
if (!(Math.abs(mupropCRatio.at(-1)!.mean! - (0.783343)) < 0.005)) fail("MuProp-C / ARM at the end as stated");
if (!(nonlinearBelowArm.below === 63 && nonlinearBelowArm.of === 63 && nonlinearBelowLoo.below === 62)) fail("nonlinear counts as stated");
if (!(Math.abs(finding("DisARM's training ELBO above ARM's, nonlinear").mean! - (1.53097)) < 0.005)) fail("DisARM's training ELBO above ARM's, nonlinear: mean as stated");
if (!(Math.abs(finding("DisARM's training ELBO above REINFORCE LOO's, nonlinear").mean! - (1.27091)) < 0.005)) fail("DisARM's training ELBO above REINFORCE LOO's, nonlinear: mean as stated");
if (!vaeReplay.ok) fail(`the replay of run 5 differs from the shipped rows: ${JSON.stringify(vaeReplay.rows.filter((r) => !r.ok))}`);
if (tf.memory().numTensors !== TENSORS_AT_START) fail(`tensors: ${TENSORS_AT_START} at start, ${tf.memory().numTensors} now`);
console.log(`all checks passed; tensors ${tf.memory().numTensors} (as at the start)`);
