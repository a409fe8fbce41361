/**
 * The PyTorch peer (`bench/peer/sbn_vae.py --serve`): one Python process that the benchmark
 * keeps open and asks, round by round, for a few more timed steps of a training run (or of a
 * whole training loop), so that its steps and stochgrad's are measured interleaved, under the
 * same machine conditions. The
 * interpreter is `STOCHGRAD_PYTHON`, else the first of `python3`, `/usr/bin/python3` that
 * imports torch.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

export interface PeerRow {
  model: string;
  estimator: string;
  gradientMs: number;
  trainMs: number;
  gradientCpuMs?: number;
  trainCpuMs?: number;
  /** The whole loop step: batch sampling and binarisation, gradients, Adam (when measured). */
  loopMs?: number;
  loopCpuMs?: number;
  elbo: number;
}

export interface PeerMatMul {
  shape: number[];
  ms: number;
  gflops: number;
  cpuMs?: number;
}

export interface PeerResult {
  torch: string;
  threads: number;
  blas: string;
  blasThreads?: string;
  data?: string;
  /** The loop's training split, and its optimiser. */
  loopData?: string;
  adam?: string;
  matmul: PeerMatMul;
  rows: PeerRow[];
}

/** What the peer reports for `steps` more steps of one training run: per step, nanoseconds. */
export interface PeerSteps {
  gradientNs: number[];
  trainNs: number[];
  gradientCpuNs: number[];
  trainCpuNs: number[];
  elbo: number[];
  threads: number;
  blasThreads: string;
}

/** What the peer reports for `steps` more steps of one loop run (`LoopRun`): per step, nanoseconds. */
export interface PeerLoopSteps {
  loopNs: number[];
  loopCpuNs: number[];
  elbo: number[];
  loopData: string;
}

export interface PeerInfo {
  torch: string;
  blas: string;
  data: string;
  /** The optimiser, e.g. `torch.optim.Adam(foreach=True)`. */
  adam?: string;
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

/** The estimators bench/peer/sbn_vae.py implements (its `ESTIMATORS`); the others run without a peer. */
export const PEER_ESTIMATORS: readonly string[] = ['reinforce-loo', 'muprop', 'arm', 'disarm', 'st'];

export interface PeerServer {
  info: PeerInfo;
  /** `steps` more steps of the (model, estimator) run at `threads` threads (created on first use). */
  steps(model: string, estimator: string, threads: number, steps: number): Promise<PeerSteps>;
  /** `steps` more steps of the (model, estimator) loop run at `threads` threads: batches from the training split, Adam. */
  loop(model: string, estimator: string, threads: number, steps: number): Promise<PeerLoopSteps>;
  matMul(threads: number, repeats: number): Promise<PeerMatMul & { blasThreads: string }>;
  close(): void;
}

/** Starts the peer on the benchmark's batch size; resolves once it has described itself. */
export async function startPeer(root: string, batch: number): Promise<{ peer?: PeerServer; error?: string }> {
  const script = path.join(root, 'bench', 'peer', 'sbn_vae.py');
  if (!fs.existsSync(script)) return { error: `${script} is missing (the PyTorch peer)` };
  const { python, reason } = findTorchPython();
  if (!python) return { error: reason };
  const child: ChildProcessWithoutNullStreams = spawn(python, [script, '--serve', '--batch', String(batch)], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the PyTorch peer (${python} ${script} --serve) exited: ${stderr.trim().slice(-500)}`);
    return JSON.parse(line.value) as T;
  };
  const ask = <T>(request: object): Promise<T> => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    return next<T>();
  };
  try {
    const info = await next<PeerInfo>();
    return {
      peer: {
        info,
        steps: (model, estimator, threads, steps) => ask<PeerSteps>({ model, estimator, threads, steps }),
        loop: (model, estimator, threads, steps) => ask<PeerLoopSteps>({ model, estimator, threads, loop: steps }),
        matMul: (threads, repeats) => ask({ matmul: repeats, threads }),
        close: () => child.stdin.end(),
      },
    };
  } catch (error) {
    child.kill();
    return { error: (error as Error).message };
  }
}
