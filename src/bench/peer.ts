/**
 * The PyTorch peer (`bench/peer/sbn_vae.py`): runs it with a given thread count and parses the
 * one JSON object it prints. The interpreter is `STOCHGRAD_PYTHON`, else the first of `python3`,
 * `/usr/bin/python3` that imports torch.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface PeerRow {
  model: string;
  estimator: string;
  gradientMs: number;
  trainMs: number;
  /** CPU-time medians, when the peer reports them. */
  gradientCpuMs?: number;
  trainCpuMs?: number;
  elbo: number;
}

export interface PeerResult {
  torch: string;
  threads: number;
  blas: string;
  blasThreads?: string;
  data?: string;
  matmul: { shape: number[]; ms: number; gflops: number };
  rows: PeerRow[];
}

/** A python with torch, or why there is none. */
export function findTorchPython(): { python?: string; reason?: string } {
  const candidates = process.env.STOCHGRAD_PYTHON ? [process.env.STOCHGRAD_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { reason: `no python with torch among ${candidates.join(', ')} (set STOCHGRAD_PYTHON, or apt-get install python3-torch)` };
}

export interface PeerOptions {
  root: string;
  models: readonly string[];
  estimators: readonly string[];
  batch: number;
  steps: number;
  warmup: number;
  threads: number;
}

/** Runs the peer; returns its result or an error message naming what is missing. */
export function runPeer(options: PeerOptions): { result?: PeerResult; error?: string } {
  const script = path.join(options.root, 'bench', 'peer', 'sbn_vae.py');
  if (!fs.existsSync(script)) return { error: `${script} is missing (the PyTorch peer; merge branch peer)` };
  const { python, reason } = findTorchPython();
  if (!python) return { error: reason };
  const args = [
    script,
    '--models', options.models.join(','),
    '--estimators', options.estimators.join(','),
    '--batch', String(options.batch),
    '--steps', String(options.steps),
    '--warmup', String(options.warmup),
    '--threads', String(options.threads),
  ];
  const run = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) return { error: `${python} ${args.join(' ')} failed (exit ${run.status}): ${(run.stderr || '').trim().slice(-500)}` };
  try {
    const start = run.stdout.indexOf('{');
    return { result: JSON.parse(run.stdout.slice(start)) as PeerResult };
  } catch (error) {
    return { error: `could not parse the peer's output as JSON: ${(error as Error).message}` };
  }
}
