'use strict';
/**
 * `npm start`: bootstrap, then Jupyter Notebook on notebooks/ (localhost only, token auth on).
 * STOCHGRAD_PORT picks the first port to try (default 8888).
 */
const childProcess = require('child_process');
const path = require('path');
const { ROOT, BootstrapError, bootstrap, log, runMain } = require('./bootstrap');

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+\/\S*\?token=[0-9a-f]+)/;

function port() {
  const value = process.env.STOCHGRAD_PORT || '8888';
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new BootstrapError(`STOCHGRAD_PORT must be a port number (1-65535); got ${JSON.stringify(value)}`);
  }
  return value;
}

function notebookArgs() {
  const args = [
    '-m', 'notebook',
    `--notebook-dir=${path.join(ROOT, 'notebooks')}`,
    '--ip=127.0.0.1',
    `--port=${port()}`,
    '--port-retries=20',
    '--no-browser',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  return args;
}

/** Forwards Jupyter's log and announces the URL (with its token) once Jupyter prints it. */
function announceUrl(stream) {
  let announced = false;
  let pending = '';
  stream.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (announced) return;
    pending += chunk.toString();
    const match = URL_PATTERN.exec(pending);
    if (match) {
      announced = true;
      console.log(`\nstochgrad: notebooks are at ${match[1]}\n`);
    }
    pending = pending.slice(-1000);
  });
}

function main() {
  const { python, notebookVersion, env } = bootstrap();
  log(`starting Jupyter Notebook ${notebookVersion} (${python}) on notebooks/`);
  const server = childProcess.spawn(python, notebookArgs(), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  announceUrl(server.stderr);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => server.kill(signal));
  }
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

runMain(main);
