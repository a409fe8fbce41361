/**
 * Jupyter Notebook on a project's notebooks, on localhost with token authentication, its log
 * forwarded to stderr and its URL (with the token) announced once it is printed.
 * STOCHGRAD_PORT picks the first port to try (default 8888; up to 20 more are tried).
 */
import * as childProcess from 'child_process';
import type { Readable } from 'stream';
import type { ProjectSetup } from './setup';
import { log, SetupError } from './setup-error';

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+\/\S*\?token=[0-9a-f]+)/;

export function notebookPort(value: string = process.env.STOCHGRAD_PORT ?? '8888'): string {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new SetupError(`STOCHGRAD_PORT must be a port number (1-65535); got ${JSON.stringify(value)}`);
  }
  return value;
}

export function notebookArgs(notebookDir: string, port: string = notebookPort()): string[] {
  const args = [
    '-m',
    'notebook',
    `--notebook-dir=${notebookDir}`,
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=20',
    '--no-browser',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  return args;
}

/** Forwards Jupyter's log and calls `onUrl` once with the URL (with its token) when Jupyter prints it. */
function watchForUrl(stream: Readable, onUrl: (url: string) => void): void {
  let announced = false;
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    if (announced) return;
    pending += chunk.toString();
    const match = URL_PATTERN.exec(pending);
    if (match) {
      announced = true;
      onUrl(match[1]);
    }
    pending = pending.slice(-1000);
  });
}

/**
 * Runs Jupyter Notebook on `notebookDir` with the project's set-up until it exits (Ctrl-C stops
 * it); resolves with its exit code.
 */
export function runNotebookServer(setup: ProjectSetup, notebookDir: string, cwd: string): Promise<number> {
  log(`starting Jupyter Notebook ${setup.notebookVersion} (${setup.python}) on ${notebookDir}`);
  const server = childProcess.spawn(setup.python, notebookArgs(notebookDir), {
    cwd,
    env: { ...process.env, ...setup.env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  watchForUrl(server.stderr!, (url) => console.log(`\nstochgrad: notebooks are at ${url}\n`));
  const forward = (signal: NodeJS.Signals) => server.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    server.on('error', (error) => reject(new SetupError(`could not run ${setup.python}: ${error.message}`)));
    server.on('exit', (code, signal) => {
      for (const name of ['SIGINT', 'SIGTERM'] as const) process.off(name, forward);
      resolve(code ?? (signal ? 0 : 1));
    });
  });
}
