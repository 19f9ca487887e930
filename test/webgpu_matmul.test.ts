// The webgpu matrix product against the reference device: the four transpose combinations,
// operands and result at offsets, ldc > n, accumulate, sizes that are not tile multiples (1x1x1
// up to 130x3x257), k = 0, the 2-D tile grid (a small cap on workgroups along x), and T.matmul
// forward and backward on 'webgpu' against 'cpu'. Skipped without a WebGPU adapter (failed under CI=true).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_matmul.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatArg } from '../src/backend/backend.js';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import { gemmPlan, matmul } from '../src/backend/webgpu/matmul.js';
import * as T from '../src/index.js';
import { closeTo, floats, gpu, put, ref, same, sumTol } from './webgpu_kit.js';

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  acc: boolean;
  /** Extra columns of C's rows (ldc = n + pad) and extra elements in front of A, B, C. */
  pad: number;
  /** Workgroups along x capped (the 2-D grid), K slices forced. */
  opts?: { maxX?: number; splits?: number };
}

/** Runs one case on both devices (A, B, C with leading dims larger than needed) and compares all of C. */
async function check(dev: WebGpuDevice, c: Case): Promise<void> {
  const { m, n, k, ta, tb, acc, pad } = c;
  // A (m, k) stored as (m, k + 1) or, transposed, (k, m + 2): a leading dim past the extent
  const lda = ta ? m + 2 : k + 1;
  const ldb = tb ? k + 3 : n + 1;
  const aRows = ta ? k : m;
  const bRows = tb ? n : k;
  const A = put(dev, floats(pad + aRows * lda, -1, 1), 'float32', [], []);
  const B = put(dev, floats(pad + bRows * ldb, -1, 1), 'float32', [], []);
  const ldc = n + pad;
  const cLen = pad + m * ldc;
  const C = put(dev, floats(cLen, -1, 1), 'float32', [], []); // the garbage around C must survive
  const arg = (v: typeof A.g, ld: number, trans: boolean): MatArg => ({ buffer: v.buffer, offset: v.offset + pad, ld, trans });
  matmul(dev, m, n, k, arg(A.g, lda, ta), arg(B.g, ldb, tb), { buffer: C.g.buffer, offset: C.g.offset + pad }, ldc, acc, c.opts);
  ref.backend.matmul(m, n, k, arg(A.r, lda, ta), arg(B.r, ldb, tb), { buffer: C.r.buffer, offset: C.r.offset + pad }, ldc, acc);
  await same(dev, { g: C.g, r: C.r }, 'float32', cLen, `matmul ${JSON.stringify(c)}`, 1e-4, sumTol(k));
}

describe('webgpu matmul: against the reference device', () => {
  test('every transpose combination, offsets, ldc > n, accumulate, odd sizes', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [7, 13, 5],
      [65, 67, 33],
      [130, 3, 257],
      [3, 70, 17],
      [64, 64, 16],
    ];
    let i = 0;
    for (const [m, n, k] of sizes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          i++;
          await check(dev, { m, n, k, ta, tb, acc: i % 2 === 0, pad: i % 3 });
        }
      }
    }
  });

  test('accumulate and overwrite on the same shapes; k = 0 (C = 0, or C unchanged)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const acc of [false, true]) {
      await check(dev, { m: 9, n: 11, k: 19, ta: true, tb: false, acc, pad: 2 });
      await check(dev, { m: 5, n: 6, k: 0, ta: false, tb: false, acc, pad: 1 });
    }
  });

  test('a 2-D grid of tiles: workgroups along x capped, the rest along y', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    // 3 x 5 = 15 tiles over x <= 4: a 4 x 4 grid, one workgroup idle
    await check(dev, { m: 130, n: 257, k: 9, ta: false, tb: true, acc: false, pad: 1, opts: { maxX: 4 } });
    await check(dev, { m: 200, n: 70, k: 20, ta: true, tb: false, acc: true, pad: 0, opts: { maxX: 1 } });
  });

  test('split K (few tiles, long k): partial sums and a reduction pass, every transpose, accumulate', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    // one tile and k = 1000: 3 slices of 336, 336, 328 by the plan's own choice
    let i = 0;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        i++;
        await check(dev, { m: 20, n: 9, k: 1000, ta, tb, acc: i % 2 === 0, pad: i % 3 });
      }
    }
    // forced slices: more slices than 16-k steps, a slice count that does not divide k, k = 0
    await check(dev, { m: 70, n: 65, k: 40, ta: false, tb: false, acc: true, pad: 1, opts: { splits: 7 } });
    await check(dev, { m: 5, n: 3, k: 100, ta: true, tb: true, acc: false, pad: 0, opts: { splits: 3, maxX: 1 } });
    await check(dev, { m: 5, n: 3, k: 0, ta: false, tb: false, acc: true, pad: 2, opts: { splits: 4 } });
    assert.equal(gemmPlan(20, 9, 1000, 1).splits, 3);
    assert.equal(gemmPlan(1024, 1024, 4096, 1).splits, 1); // 256 tiles: enough workgroups
    assert.equal(gemmPlan(64, 64, 4096, 1).splits, 16); // one tile: 16 slices of 256
    assert.equal(gemmPlan(64, 64, 4096, 200).splits, 1); // 200 problems of one tile
  });

  test("T.matmul on 'webgpu' against 'cpu': batched, broadcast, a transposed operand, and the gradients", async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const av = floats(2 * 3 * 5 * 4, -1, 1);
    const bv = floats(4 * 6, -1, 1);
    const run = async (device: 'cpu' | 'webgpu') => {
      const a = T.tensor(av, { device, requiresGrad: true });
      const b = T.tensor(bv, { device, requiresGrad: true });
      // (2, 3, 5, 4) @ (4, 6) -> (2, 3, 5, 6): B broadcast over the batch, read transposed in place
      const y = T.matmul(a.reshape([2, 3, 5, 4]), b.reshape([6, 4]).transpose(0, 1));
      const loss = y.mul(y).sum();
      loss.backward();
      return [await y.data(), await (a.grad as T.Tensor).data(), await (b.grad as T.Tensor).data()];
    };
    const [g, c] = [await run('webgpu'), await run('cpu')];
    for (let i = 0; i < 3; i++) closeTo(g[i], c[i], `output ${i}`, 1e-4, sumTol(30));
    assert.ok(dev.dispatches > 0);
  });
});
