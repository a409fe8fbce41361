'use strict';
/**
 * `npm start`: bootstrap, then Jupyter Notebook on notebooks/ (localhost only, token auth on), the
 * same server `stochgrad notebook` starts in a project of its own (src/project/notebook-server.ts).
 * STOCHGRAD_PORT picks the first port to try (default 8888).
 */
const path = require('path');
const { ROOT, bootstrap, project, runMain } = require('./bootstrap');

async function main() {
  const setup = bootstrap();
  const code = await project().runNotebookServer(setup, path.join(ROOT, 'notebooks'), ROOT);
  process.exit(code);
}

runMain(main);
