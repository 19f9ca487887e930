// Atomic writes: contents replaced whole, temporary files cleaned up after errors, errors naming the
// caller's path, and a process killed in the middle of a large write leaves the old file intact
// under the final name. (A crash or power loss at every step: test/crash_writers.test.ts.)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileWriteError, isAtomicTempFile, writeFileAtomic } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-atomic-'));

test('writes text, bytes and chunk streams, replacing the old contents', async () => {
  const dir = tmp();
  const file = join(dir, 'out.txt');
  await writeFileAtomic(file, 'hello');
  assert.equal(readFileSync(file, 'utf8'), 'hello');
  await writeFileAtomic(file, new Uint8Array([104, 105]));
  assert.equal(readFileSync(file, 'utf8'), 'hi');
  async function* chunks() {
    for (let i = 0; i < 5; i++) yield new TextEncoder().encode(`${i}`);
  }
  await writeFileAtomic(file, chunks());
  assert.equal(readFileSync(file, 'utf8'), '01234');
  await writeFileAtomic(join(dir, 'a', 'b', 'deep.txt'), 'x', { mkdir: true });
  assert.equal(readFileSync(join(dir, 'a', 'b', 'deep.txt'), 'utf8'), 'x');
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'out.txt']);
});

test('an error while writing keeps the old file and removes the temporary one', async () => {
  const dir = tmp();
  const file = join(dir, 'model.json');
  writeFileSync(file, 'old');
  async function* failing() {
    yield new Uint8Array(1000);
    throw new Error('source failed');
  }
  await assert.rejects(writeFileAtomic(file, failing()), /source failed/);
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['model.json']);
  await assert.rejects(writeFileAtomic(join(dir, 'missing', 'x'), 'y'), /ENOENT/);
});

test("errors name the caller's path and why, never the temporary file", async () => {
  const dir = tmp();
  const file = join(dir, 'no-such-folder', 'preds.csv');
  await assert.rejects(writeFileAtomic(file, 'y'), (e: unknown) => {
    assert.ok(e instanceof FileWriteError, String(e));
    assert.equal(e.message, `writeFileAtomic: cannot write ${file}: the folder ${join(dir, 'no-such-folder')} does not exist (ENOENT)`);
    assert.equal(e.code, 'ENOENT');
    assert.equal(e.file, file);
    return true;
  });
  // the destination is a folder: the rename fails, reported against the path given
  await assert.rejects(writeFileAtomic(dir, 'y'), (e: unknown) => {
    assert.ok(e instanceof FileWriteError && e.file === dir && !/\.tmp/.test(e.message), String(e));
    return true;
  });
  assert.deepEqual(readdirSync(dir), [], 'no temporary file left');
});

test('a process killed mid-write leaves the old file whole under the final name', async () => {
  const dir = tmp();
  const file = join(dir, 'weights.bin');
  writeFileSync(file, 'previous contents');
  const atomic = new URL('./atomic.js', import.meta.url).href;
  // the child streams 1 MiB chunks for as long as it lives, reporting each one
  const code = `
    import { writeFileAtomic } from ${JSON.stringify(atomic)};
    async function* forever() {
      for (let i = 0; ; i++) {
        yield new Uint8Array(1 << 20).fill(i & 255);
        process.stdout.write('chunk\\n');
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await writeFileAtomic(${JSON.stringify(file)}, forever());
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let chunks = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => reject(new Error(`child exited early with ${c}`)));
    child.stdout.on('data', (d: Buffer) => {
      chunks += d.toString().split('\n').length - 1;
      if (chunks >= 8) resolve();
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  assert.equal(readFileSync(file, 'utf8'), 'previous contents');
  const temps = readdirSync(dir).filter((n) => isAtomicTempFile(n, 'weights.bin'));
  assert.equal(temps.length, 1, `the partial data stays in a temporary file: ${readdirSync(dir)}`);
  assert.ok(statSync(join(dir, temps[0])).size >= 7 << 20);
  // the next write succeeds beside the stray temporary file
  await writeFileAtomic(file, 'new contents');
  assert.equal(readFileSync(file, 'utf8'), 'new contents');
});
