// The wasm GEMM against the reference matmul: awkward sizes, transposes, leading dimensions,
// accumulation, both kernel builds, and bitwise-identical results on 1 and N threads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddrMat as MatArg } from './args.js';
import { heap } from './heap.js';
import { availableBuilds, loadKernels } from './loader.js';
import { wasmMatmul } from './matmul.js';
import { allocF32, assertClose, assertIdentical, randoms, readF32, refOnHeap } from './testkit.test.js';

const ref = refOnHeap;

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  pad: number;
  acc: boolean;
}

/** Runs one case with the wasm kernel (on `threads` threads) and the reference; returns both C. */
function run(build: 'relaxed' | 'simd', cs: Case, threads: number, seed: number): { got: Float32Array; want: Float32Array } {
  const { m, n, k, ta, tb, pad, acc } = cs;
  // A is (m, k), stored (k, m) when transposed; B is (k, n), stored (n, k) when transposed
  const lda = (ta ? m : k) + pad;
  const ldb = (tb ? k : n) + pad;
  const ldc = n + pad;
  const aN = (ta ? k : m) * lda;
  const bN = (tb ? n : k) * ldb;
  const a = allocF32(aN, randoms(aN, seed));
  const b = allocF32(bN, randoms(bN, seed + 1));
  const c0 = randoms(m * ldc, seed + 2);
  const c1 = allocF32(m * ldc, c0);
  const c2 = allocF32(m * ldc, c0);
  const A: MatArg = { ptr: a, ld: lda, trans: ta };
  const B: MatArg = { ptr: b, ld: ldb, trans: tb };
  wasmMatmul(loadKernels(build), m, n, k, A, B, c1, ldc, acc, threads);
  ref.matmul(m, n, k, A, B, c2, ldc, acc);
  const got = readF32(c1, m * ldc);
  const want = readF32(c2, m * ldc);
  for (const [p, len] of [
    [a, aN],
    [b, bN],
    [c1, m * ldc],
    [c2, m * ldc],
  ])
    heap().freeScratch(p, Math.max(1, len) * 4);
  return { got, want };
}

const SIZES = [0, 1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33];

for (const build of availableBuilds()) {
  test(`matmul (${build}): small awkward shapes, all transposes, padding, accumulate`, () => {
    let seed = 1;
    for (const m of SIZES) {
      for (const n of SIZES) {
        const k = SIZES[(m * 7 + n * 3) % SIZES.length];
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const cs = { m, n, k, ta, tb, pad: (m + n) % 3, acc: (m + n + k) % 2 === 1 };
            const { got, want } = run(build, cs, 1, seed++);
            assertClose(got, want, 1e-5, 1e-5 * (k + 1), `${build} ${JSON.stringify(cs)}`);
          }
        }
      }
    }
  });

  test(`matmul (${build}): blocked sizes past MC, KC and NC`, () => {
    const cases: Case[] = [
      { m: 200, n: 1100, k: 600, ta: false, tb: false, pad: 0, acc: false },
      { m: 131, n: 77, k: 517, ta: true, tb: false, pad: 3, acc: true },
      { m: 97, n: 1031, k: 258, ta: false, tb: true, pad: 1, acc: false },
      { m: 64, n: 40, k: 1000, ta: true, tb: true, pad: 0, acc: true },
    ];
    for (const cs of cases) {
      const { got, want } = run(build, cs, 1, 11);
      assertClose(got, want, 1e-4, 2e-6 * cs.k, `${build} ${JSON.stringify(cs)}`);
    }
  });

  test(`matmul (${build}): 1 thread and N threads give identical results`, () => {
    const cases: Case[] = [
      { m: 256, n: 256, k: 256, ta: false, tb: false, pad: 0, acc: false },
      { m: 128, n: 784, k: 256, ta: false, tb: true, pad: 0, acc: false },
      { m: 301, n: 129, k: 300, ta: true, tb: false, pad: 2, acc: true },
      { m: 7, n: 1000, k: 300, ta: false, tb: false, pad: 0, acc: false },
      { m: 13, n: 500, k: 400, ta: true, tb: true, pad: 1, acc: true },
    ];
    for (const cs of cases) {
      const one = run(build, cs, 1, 5).got;
      for (const threads of [2, 3]) {
        const many = run(build, cs, threads, 5).got;
        assertIdentical(one, many, `${build} ${threads} threads ${JSON.stringify(cs)}`);
      }
    }
  });
}

test('matmul: both kernel builds are available in Node', () => {
  assert.deepEqual(availableBuilds(), ['relaxed', 'simd']);
});
