/**
 * The project's Deno kernel (src/project/kernel.ts): registered beside tslab's when the npm package
 * deno is installed, pointing at its binary, named `stochgrad-deno`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DENO_KERNEL_DISPLAY_NAME, DENO_KERNEL_NAME, denoExecutable, ensureDenoKernel } from '../src/project/kernel';

const ROOT = path.resolve(__dirname, '..', '..');

test('Deno kernel: kernel.json in the project data folder, with the binary and the display name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-deno-kernel-'));
  try {
    assert.equal(ensureDenoKernel(dir, undefined), undefined, 'no deno package, no kernel');
    const file = ensureDenoKernel(dir, '/opt/deno/bin/deno')!;
    assert.equal(file, path.join(dir, '.jupyter', 'data', 'kernels', DENO_KERNEL_NAME, 'kernel.json'));
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
      argv: ['/opt/deno/bin/deno', 'jupyter', '--kernel', '--conn', '{connection_file}'],
      display_name: DENO_KERNEL_DISPLAY_NAME,
      language: 'typescript',
    });
    assert.equal(DENO_KERNEL_DISPLAY_NAME, 'TypeScript (stochgrad, Deno)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("Deno kernel: this repository's deno dev dependency resolves to an executable binary", () => {
  const exe = denoExecutable(ROOT);
  assert.ok(exe && fs.existsSync(exe), `deno binary: ${exe}`);
  assert.equal(denoExecutable(os.tmpdir()), undefined);
});
