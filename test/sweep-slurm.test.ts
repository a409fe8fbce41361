/**
 * `stochgrad sweep --slurm` on a real (one-node, localhost) Slurm cluster, brought up by
 * scripts/slurm-local.sh when it is not up already (and taken down again afterwards): a
 * submitted array's merged results equal the local pool's; a task cancelled mid-run and requeued
 * resumes from its checkpoint, losing nothing. Without slurmctld (or root) the tests skip with a
 * message; under CI=true a skip is a failure.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  hasCheckpoint,
  hasRecord,
  mergedWithoutSeconds,
  readJson,
  referenceSweep,
  removeTempDirs,
  runDirOf,
  tempDir,
  waitFor,
  writePlan,
} from './sweep-support';

const ROOT = path.resolve(__dirname, '..', '..');
const HARNESS = path.join(ROOT, 'scripts', 'slurm-local.sh');
const SLURM_DIR = process.env.STOCHGRAD_SLURM_DIR ?? '/tmp/stochgrad-slurm';
const SLURM_ENV = { ...process.env, SLURM_CONF: path.join(SLURM_DIR, 'slurm.conf'), STOCHGRAD_BACKEND: 'wasm' };

/** Four toy runs of a few seconds each, checkpointed every 5% (1,000 steps). */
const PLAN = {
  name: 'slurm-toy',
  task: 'toy',
  base: { steps: 20000, 'eval-every': 1000, p0: 0.45 },
  grid: { estimators: ['reinforce', 'disarm'], seed: [1, 2] },
};

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

function whyNot(): string | undefined {
  if (!hasCommand('slurmctld') || !hasCommand('sbatch'))
    return 'slurmctld not installed (apt-get install slurm-wlm munge)';
  if (process.getuid?.() !== 0) return 'the local cluster needs root (slurmd runs the jobs)';
  return undefined;
}

const reason = whyNot();
const skip = reason !== undefined && process.env.CI !== 'true' ? `Slurm tests skipped: ${reason}` : false;
if (skip) process.stderr.write(`${skip}\n`);

function slurm(command: string, ...args: string[]) {
  return spawnSync(command, args, { encoding: 'utf8', env: SLURM_ENV });
}

const clusterUp = () => slurm('sinfo', '-h', '-o', '%T').status === 0;
let startedHere = false;

before(() => {
  if (reason !== undefined) return;
  if (clusterUp()) return;
  const up = spawnSync(HARNESS, ['up'], { encoding: 'utf8', env: SLURM_ENV });
  assert.equal(up.status, 0, `scripts/slurm-local.sh up failed:\n${up.stdout}${up.stderr}`);
  startedHere = true;
});

after(() => {
  removeTempDirs();
  if (startedHere) spawnSync(HARNESS, ['down'], { encoding: 'utf8', env: SLURM_ENV });
});

/** Array tasks of `job` still queued or running. */
const queued = (job: string) => slurm('squeue', '-h', '-j', job, '-o', '%i %T').stdout.trim();

/** `JobState` of one task (`<job>_<task>`), from scontrol. */
const stateOf = (task: string) => /JobState=(\w+)/.exec(slurm('scontrol', 'show', 'job', task).stdout)?.[1];

function submit(plan: string, out: string): string {
  const result = spawnSync(
    process.execPath,
    [
      path.resolve(__dirname, '..', 'src', 'cli', 'main.js'),
      'sweep',
      plan,
      '--out',
      out,
      '--slurm',
      '--max-parallel',
      '2',
      '--submit',
    ],
    { encoding: 'utf8', env: SLURM_ENV },
  );
  assert.equal(result.status, 0, result.stderr);
  const job = result.stdout.trim().split('\n').at(-1)!;
  assert.match(job, /^\d+$/, `the last line is the job id: ${result.stdout}`);
  return job;
}

/** The same plan on the local pool (the reference). */
const localPool = () => referenceSweep(PLAN);

/** Under CI=true the tests run even without Slurm, and fail here with the reason. */
function requireSlurm(): void {
  assert.equal(reason, undefined, `CI=true, and the Slurm tests cannot run: ${reason}`);
  assert.ok(clusterUp(), 'the local cluster answers sinfo');
}

test(
  "slurm: --slurm --submit runs the plan as a job array; the merged results equal the local pool's",
  { skip, timeout: 240_000 },
  async () => {
    requireSlurm();
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const plan = writePlan(dir, PLAN);
    const job = submit(plan, out);
    await waitFor(() => queued(job) === '', 180_000, `job ${job} to finish`);
    const logs = fs.readdirSync(path.join(out, 'logs')).sort();
    assert.deepEqual(
      logs,
      [0, 1, 2, 3].map((task) => `${job}_${task}.log`),
      'one log per array task',
    );
    assert.match(fs.readFileSync(path.join(out, 'logs', `${job}_2.log`), 'utf8'), /run 2 disarm_seed-1: done/);
    assert.deepEqual(
      readJson(path.join(out, 'results.json')).runs.map((run: { status: string }) => run.status),
      ['done', 'done', 'done', 'done'],
    );
    assert.deepEqual(mergedWithoutSeconds(out), mergedWithoutSeconds(localPool()));
  },
);

test(
  "slurm: a task cancelled mid-run and requeued resumes from its checkpoint; nothing is lost and the results equal an uninterrupted run's",
  { skip, timeout: 240_000 },
  async () => {
    requireSlurm();
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const plan = writePlan(dir, PLAN);
    const job = submit(plan, out);
    const task = `${job}_0`;
    await waitFor(() => hasCheckpoint(out, 0), 120_000, 'task 0 to write a checkpoint');
    assert.equal(hasRecord(out, 0), false, 'cancelled mid-run, not after the end');
    assert.equal(slurm('scancel', task).status, 0);
    await waitFor(() => stateOf(task) === 'CANCELLED', 60_000, `${task} to be cancelled`);
    const requeue = slurm('scontrol', 'requeue', task);
    assert.equal(requeue.status, 0, requeue.stderr);
    // Slurm holds a requeued job back for a while (BeginTime); let it start now.
    slurm('scontrol', 'update', `jobid=${task}`, 'StartTime=now');
    await waitFor(() => queued(job) === '', 180_000, `job ${job} to finish after the requeue`);
    const log = fs.readFileSync(path.join(runDirOf(out, 0), 'run.log'), 'utf8');
    assert.equal(log.match(/run 0 reinforce_seed-1 on /g)?.length, 2, 'started twice');
    assert.match(log, /resuming from its checkpoint/);
    assert.match(
      fs.readFileSync(path.join(out, 'logs', `${task}.log`), 'utf8'),
      /CANCELLED[\s\S]*run 0 reinforce_seed-1: done/,
      'the task log holds both attempts',
    );
    assert.deepEqual(
      readJson(path.join(out, 'results.json')).runs.map((run: { status: string }) => run.status),
      ['done', 'done', 'done', 'done'],
    );
    assert.deepEqual(mergedWithoutSeconds(out), mergedWithoutSeconds(localPool()));
  },
);
