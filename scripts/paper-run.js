#!/usr/bin/env node
'use strict';
/**
 * Runs plans of experiments/ at paper scale and ships their results with their provenance:
 *
 *   node scripts/paper-run.js <plan> [<plan> …] [--workers N]
 *
 * 1. refuses a checkout with uncommitted changes (shipped results name a clean commit);
 * 2. builds the library (npm run build) and records the machine: commit, stochgrad and Node
 *    versions, CPU model, cores;
 * 3. for each plan in turn, runs `stochgrad sweep experiments/<plan>.json --out runs/<plan>
 *    --workers N`, sampling the load average every minute (a sweep stopped midway resumes when
 *    this command is run again; every session is recorded in runs/<plan>/);
 * 4. copies the plan and the merged results.json, results.csv and history.csv into
 *    data/results/<plan>/ with manifest.json: the command, the commit, versions, backend, CPU,
 *    cores, the load average at start, end and in between, start and end times, and each run's
 *    wall time. Checkpoints and logs stay in runs/<plan>/.
 */
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function fail(message) {
  process.stderr.write(`paper-run: ${message}\n`);
  process.exit(2);
}

const USAGE = 'usage: node scripts/paper-run.js <plan> [<plan> …] [--workers N]';

function parseArgs(argv) {
  const args = { plans: [], workers: os.availableParallelism ? os.availableParallelism() : os.cpus().length };
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift();
    if (arg === '--workers') args.workers = Number(rest.shift());
    else if (arg.startsWith('-')) fail(`unknown option ${arg}; ${USAGE}`);
    else args.plans.push(path.basename(arg).replace(/\.json$/, ''));
  }
  if (args.plans.length === 0) fail(USAGE);
  for (const plan of args.plans) if (!fs.existsSync(path.join(ROOT, 'experiments', `${plan}.json`))) fail(`no plan experiments/${plan}.json`);
  if (!Number.isInteger(args.workers) || args.workers < 1) fail('--workers: expected a positive integer');
  return args;
}

const git = (...args) => childProcess.execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const loadAverage = () => os.loadavg().map((v) => Math.round(v * 100) / 100);
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

function machine() {
  const cpus = os.cpus();
  return { node: process.version, cpu: cpus[0] ? cpus[0].model.trim() : 'unknown', cores: cpus.length, host: os.hostname() };
}

/**
 * Runs the command with inherited output, sampling the 1-minute load average every minute and
 * calling `onSample(samples)` after each sample.
 */
function runSampled(command, onSample) {
  return new Promise((resolve) => {
    const samples = [];
    const timer = setInterval(() => {
      samples.push(loadAverage()[0]);
      onSample(samples);
    }, 60_000);
    const child = childProcess.spawn(command[0], command.slice(1), { cwd: ROOT, stdio: 'inherit' });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, samples });
    });
  });
}

function runRecords(out) {
  const runs = path.join(ROOT, out, 'runs');
  return fs
    .readdirSync(runs)
    .map((dir) => path.join(runs, dir, 'results.json'))
    .filter((file) => fs.existsSync(file))
    .map(readJson)
    .sort((a, b) => a.index - b.index);
}

/** The manifest of a finished sweep directory from its sessions and run records. */
function manifestOf(plan, out, sessions, workers) {
  const records = runRecords(out);
  const last = sessions[sessions.length - 1];
  // A session that ended with its machine has no `finished`: it counts up to its last minute's record.
  const seconds = (s) => (Date.parse(s.finished ?? s.lastSeen ?? s.started) - Date.parse(s.started)) / 1000;
  return {
    plan,
    command: last.command,
    commit: last.commit,
    branch: last.branch,
    clean: true,
    stochgrad: readJson(path.join(ROOT, 'package.json')).version,
    backend: [...new Set(records.map((record) => record.backend).filter(Boolean))].join(', '),
    ...machine(),
    workers,
    loadAverage: { start: sessions[0].loadAverage.start, end: last.loadAverage.end, perMinute: sessions.flatMap((s) => s.loadAverage.perMinute) },
    started: sessions[0].started,
    finished: last.finished,
    wallSeconds: sessions.reduce((sum, s) => sum + seconds(s), 0),
    sessions,
    runs: records.map((record) => ({
      index: record.index,
      status: record.status,
      wallSeconds: record.wallSeconds ?? null,
      trainSeconds: record.result && typeof record.result.seconds === 'number' ? record.result.seconds : null,
      host: record.host,
      finished: record.finished,
    })),
  };
}

/** Sweeps one plan into runs/<plan>/ and ships it into data/results/<plan>/; resolves with the sweep's exit code. */
async function runPlan(plan, workers, provenance) {
  const out = path.join('runs', plan);
  const planFile = path.join('experiments', `${plan}.json`);
  const command = ['node', 'dist/cli/main.js', 'sweep', planFile, '--out', out, '--workers', String(workers)];
  fs.mkdirSync(path.join(ROOT, out), { recursive: true });
  const sessionsFile = path.join(ROOT, out, 'paper-run-sessions.json');
  const sessions = fs.existsSync(sessionsFile) ? readJson(sessionsFile) : [];
  const session = { command: command.join(' '), ...provenance, started: new Date().toISOString(), loadAverage: { start: loadAverage() } };
  process.stderr.write(`paper-run: ${session.command} (load ${session.loadAverage.start.join(' ')})\n`);
  // The session is on record from its start and every minute, so one that ends with its machine is
  // still counted (up to its last minute) when a later session finishes the plan.
  sessions.push(session);
  const record = (samples) => {
    session.loadAverage = { ...session.loadAverage, end: loadAverage(), perMinute: [...samples] };
    fs.writeFileSync(sessionsFile, `${JSON.stringify(sessions, null, 2)}\n`);
  };
  record([]);
  const { code, samples } = await runSampled(command, (sampled) => {
    session.lastSeen = new Date().toISOString();
    record(sampled);
  });
  Object.assign(session, { finished: new Date().toISOString(), exitCode: code });
  record(samples);
  if (code === 2 || code === null) fail(`the sweep of ${plan} did not run (exit ${code}); nothing shipped`);
  const commits = [...new Set(sessions.map((s) => s.commit))];
  if (commits.length > 1) fail(`the sessions of ${out} ran on different commits (${commits.join(', ')}); move it away and start again`);
  const merged = readJson(path.join(ROOT, out, 'results.json'));
  const pending = merged.runs.filter((run) => run.status === 'pending').length;
  if (pending > 0) fail(`${plan}: ${pending} runs are pending; run this command again to finish them`);

  const manifest = manifestOf(plan, out, sessions, workers);
  const ship = path.join(ROOT, 'data', 'results', plan);
  fs.mkdirSync(ship, { recursive: true });
  fs.copyFileSync(path.join(ROOT, planFile), path.join(ship, 'plan.json'));
  for (const file of ['results.json', 'results.csv', 'history.csv']) fs.copyFileSync(path.join(ROOT, out, file), path.join(ship, file));
  fs.writeFileSync(path.join(ship, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const hours = (manifest.wallSeconds / 3600).toFixed(2);
  process.stderr.write(`paper-run: shipped data/results/${plan}: ${manifest.runs.length} runs, ${hours} h, load ${manifest.loadAverage.start.join(' ')} → ${manifest.loadAverage.end.join(' ')}\n`);
  return code;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (git('status', '--porcelain') !== '') fail('the checkout has uncommitted changes; shipped results must come from a clean commit');
  const provenance = { commit: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD') };
  childProcess.execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  let worst = 0;
  for (const plan of args.plans) worst = Math.max(worst, await runPlan(plan, args.workers, provenance));
  process.exit(worst === 0 ? 0 : 1);
}

main();
