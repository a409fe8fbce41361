'use strict';
/**
 * A static file server for the book (`npm run book -- --serve`), the live-page tests and the live
 * bench: 127.0.0.1 unless told otherwise, GET and HEAD, no directory listings outside index.html. With `isolated`
 * (the default) every response carries COOP/COEP (`Cross-Origin-Opener-Policy: same-origin`,
 * `Cross-Origin-Embedder-Policy: require-corp`), so pages are cross-origin isolated and tfjs's
 * wasm backend may use threads. Plain Node, no dependencies.
 */
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The file under `root` that `urlPath` names (index.html for folders), or null when outside or absent. */
function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    const index = path.join(file, 'index.html');
    return fs.existsSync(index) ? index : null;
  }
  return stat?.isFile() ? file : null;
}

/**
 * Serves `root` on `host`:`port` (default 127.0.0.1; 0 = any free port; `0.0.0.0` = every network
 * interface, for a workshop room). Resolves with `{ url, server, close() }` once listening; `url`
 * ends in `/`.
 */
function serveStatic(root, { port = 0, isolated = true, host = '127.0.0.1' } = {}) {
  const base = path.resolve(root);
  const server = http.createServer((request, response) => {
    const headers = isolated ? { ...ISOLATION_HEADERS } : {};
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveFile(base, new URL(request.url, 'http://127.0.0.1').pathname);
    if (!file) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': fs.statSync(file).size, 'Cache-Control': 'no-cache' });
    if (request.method === 'HEAD') response.end();
    else fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const shown = host === '0.0.0.0' ? os.hostname() : host;
      const url = `http://${shown}:${server.address().port}/`;
      resolve({ url, server, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

module.exports = { serveStatic, ISOLATION_HEADERS };
