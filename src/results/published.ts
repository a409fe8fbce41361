/**
 * The papers' published numbers that the chapters set beside ours, each with the table it comes
 * from. Ours differ in data and budget (10,000 MNIST digits instead of 60,000; 10^4–10^5 steps
 * instead of up to 10^6); each chapter states the differences next to the comparison.
 */

/** One published number: what, how much, and where it is printed. */
export interface PublishedNumber {
  setting: string;
  value: number;
  source: string;
}

/**
 * Structured output prediction on MNIST, 392–200–200–392 linear, test NLL in nats (lower is
 * better). MuProp: trained with m = 1, tested with m = 100. ARM: trained with K = 1, tested with
 * K = 1000. Keys are stochgrad's estimator names; each MuProp column sits under the estimator that
 * implements it. MuProp's "ST" includes the sigmoid's derivative (its footnote 3), so it is
 * `st-sigmoid`. Which variants Jang et al.'s "MuProp" and "ST" rows (quoted by ARM) used, their
 * table does not say: they sit under `muprop` and `st` with that caveat in the setting.
 */
export const SOP_TEST_NLL: Record<string, PublishedNumber[]> = {
  'muprop-c': [{ setting: 'MuProp-C, m = 100', value: 57.7, source: 'Gu et al. 2016, Table 2' }],
  'muprop-c-vn': [{ setting: 'MuProp-C-VN, m = 100', value: 56.7, source: 'Gu et al. 2016, Table 2' }],
  nvil: [{ setting: 'LR-C-VN-IDB (NVIL), m = 100', value: 63.2, source: 'Gu et al. 2016, Table 2' }],
  'one-half': [{ setting: '1/2, m = 100', value: 57.2, source: 'Gu et al. 2016, Table 2' }],
  'st-sigmoid': [
    { setting: 'ST (with the sigmoid derivative), m = 100', value: 56.1, source: 'Gu et al. 2016, Table 2' },
  ],
  muprop: [
    {
      setting: 'MuProp (variant not stated), K = 1000',
      value: 58.9,
      source: 'Yin & Zhou 2019, Table 3 (quoted from Jang et al. 2017)',
    },
  ],
  st: [
    {
      setting: 'ST (rule not stated), K = 1000',
      value: 58.9,
      source: 'Yin & Zhou 2019, Table 3 (quoted from Jang et al. 2017)',
    },
  ],
  'st-annealed': [
    {
      setting: 'annealed ST, K = 1000',
      value: 58.7,
      source: 'Yin & Zhou 2019, Table 3 (quoted from Jang et al. 2017)',
    },
  ],
  'gumbel-st': [
    {
      setting: 'ST Gumbel-softmax, K = 1000',
      value: 59.3,
      source: 'Yin & Zhou 2019, Table 3 (quoted from Jang et al. 2017)',
    },
  ],
  arm: [{ setting: 'ARM, K = 1000', value: 57.9, source: 'Yin & Zhou 2019, Table 3 (mean of 5 runs, sd 0.1)' }],
  'reinforce-ema': [
    {
      setting: 'score function, K = 1000',
      value: 72.0,
      source: 'Yin & Zhou 2019, Table 3 (quoted from Jang et al. 2017)',
    },
  ],
};

/**
 * Bengio, Léonard & Courville 2013, Figure 2 (right): MNIST classification error in % of the
 * conditional-computation network, by the gater's unit type (stochgrad's name as the key).
 */
export const GATING_ERROR: Record<string, { valid: number; test: number; source: string }> = {
  'noisy-rectifier': { valid: 1.52, test: 1.87, source: 'Bengio et al. 2013, Figure 2' },
  st: { valid: 1.42, test: 1.39, source: 'Bengio et al. 2013, Figure 2' },
  sts: { valid: 1.86, test: 1.96, source: 'Bengio et al. 2013, Figure 2' },
  'reinforce-optimal': { valid: 1.78, test: 1.89, source: 'Bengio et al. 2013, Figure 2' },
  rectifier: {
    valid: 1.66,
    test: 1.6,
    source: 'Bengio et al. 2013, Figure 2 (baseline rectifier, no noise, same sparsity)',
  },
};
