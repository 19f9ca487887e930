// The thread pool: thread-count settings, errors in workers, and that an idle process exits
// (workers are unref()ed), checked in child processes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadKernels } from './loader.js';
import { getNumThreads, poolThreads, runParallel, setNumThreads } from './pool.js';
import { allocF32, readF32 } from './testkit.test.js';

test('setNumThreads/getNumThreads: default is the core count; bad values are refused', () => {
  const saved = getNumThreads();
  assert.equal(saved, availableParallelism());
  setNumThreads(3);
  assert.equal(getNumThreads(), 3);
  assert.equal(poolThreads(), 3);
  assert.throws(() => setNumThreads(0), /positive integer/);
  assert.throws(() => setNumThreads(1.5), /positive integer/);
  setNumThreads(saved);
});

test('runParallel: a trap in any part is reported, and the pool keeps working', () => {
  const kern = loadKernels();
  const x = allocF32(4, [1, 2, 3, 4]);
  const y = allocF32(8);
  // unary(op, x, xrs, xcs, out, rows, cols, alpha): part 1 writes far outside memory
  assert.throws(
    () =>
      runParallel(kern, 'unary', [
        [0, x, 4, 1, y, 1, 4, 0],
        [0, x, 4, 1, 0xfffffff0, 1, 4, 0],
      ]),
    /failed in a worker|out of bounds/,
  );
  runParallel(kern, 'unary', [
    [0, x, 4, 1, y, 1, 4, 0],
    [0, x, 4, 1, y + 16, 1, 4, 0],
  ]);
  assert.deepEqual(Array.from(readF32(y, 8)), [-1, -2, -3, -4, -1, -2, -3, -4]);
});

/** Runs `code` as an ES module in a child node process; returns its exit status and time. */
// A child that does not exit (worker threads keeping it alive) is killed after 60 s and fails with
// status null: whether it exits is the property, not how fast (speed belongs in bench/).
function child(code: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.signal ? ` (killed by ${r.signal}: it did not exit)` : ''}` };
}

const here = (name: string): string => JSON.stringify(fileURLToPath(new URL(name, import.meta.url)));

test('an idle process exits promptly after using the pool, and after resizing it', () => {
  const code = `
    import { heap } from ${here('./heap.js')};
    import { loadKernels } from ${here('./loader.js')};
    import { wasmMatmul } from ${here('./matmul.js')};
    import { setNumThreads } from ${here('./pool.js')};
    const n = 256, a = heap().allocateScratch(n * n * 4), c = heap().allocateScratch(n * n * 4);
    const A = { ptr: a, ld: n, trans: false };
    for (const t of [2, 3, 2]) {
      setNumThreads(t);
      wasmMatmul(loadKernels(), n, n, n, A, A, c, n, false);
    }
    console.log('done');
  `;
  const r = child(code);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /done/);
});

test('jobs posted to sleeping workers complete, with the same results', async () => {
  const kern = loadKernels();
  const n = 300_000;
  const x = allocF32(
    n,
    Float32Array.from({ length: n }, (_, i) => (i % 17) - 8),
  );
  const y1 = allocF32(n);
  const y2 = allocF32(n);
  runParallel(kern, 'unary', [[1, x, n, 1, y1, 1, n, 0]]);
  for (let round = 0; round < 3; round++) {
    // long enough for the workers to stop spinning and block
    await new Promise((r) => setTimeout(r, 30));
    const half = n / 2;
    runParallel(kern, 'unary', [
      [1, x, n, 1, y2, 1, half, 0],
      [1, x + 4 * half, n, 1, y2 + 4 * half, 1, half, 0],
    ]);
    assert.deepEqual(readF32(y2, n), readF32(y1, n));
  }
});
