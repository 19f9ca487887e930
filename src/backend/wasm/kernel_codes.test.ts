// The wasm backend's kernel-code maps against the primitive table: every unary and binary
// primitive stated with a SIMD kernel code must compute that primitive's scalar definition
// (src/core/primitives) on random data, extreme magnitudes, signed zeros, NaN and infinities.
// A code that points at another op's case in src/kernels fails here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BINARY, type BinaryOp } from '../../core/primitives/binary.js';
import { UNARY, type UnaryOp } from '../../core/primitives/unary.js';
import type { AddrStrided as Strided } from './args.js';
import { BINARY_CODES, UNARY_CODES, wasmBinary, wasmUnary } from './elementwise.js';
import { heap } from './heap.js';
import { availableBuilds, loadKernels } from './loader.js';
import { wasmCompare } from './select.js';
import { allocF32, assertClose, randoms, readF32 } from './testkit.test.js';

const SPECIALS = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3, -3, 20, -20, 1e-8, -1e-8, 1e-40, -1e-40];
const EXTREMES = [Infinity, -Infinity, Number.NaN, 3.4e38, -3.4e38, 1e30, -1e30, 88.7, -88.7, 100, -100, 1e4, -1e4];

/** Random values at three scales, then the special and extreme ones: float32. */
function data(seed: number): Float32Array {
  const parts = [randoms(1000, seed, -4, 4), randoms(1000, seed + 1, -30, 30), randoms(500, seed + 2, -1e4, 1e4)];
  return Float32Array.from([...parts.flatMap((p) => [...p]), ...SPECIALS, ...EXTREMES]);
}

const contig = (ptr: number, n: number): Strided => ({ ptr, dtype: 'float32', shape: [n], strides: [1] });

for (const build of availableBuilds()) {
  test(`kernel codes (${build}): every unary SIMD code computes its primitive's definition`, () => {
    const kern = loadKernels(build);
    const xs = data(11);
    const n = xs.length;
    const stated = Object.entries(UNARY_CODES).filter(([, code]) => code !== undefined) as [UnaryOp, number][];
    assert.ok(stated.length >= 20, `expected the kernels of 20+ unary ops, got ${stated.length}`);
    for (const [op] of stated) {
      const alpha = 0.1;
      const x = allocF32(n, xs);
      const y = allocF32(n);
      assert.ok(wasmUnary(kern, op, contig(x, n), y, 'float32', alpha, 1), `${op}: the wasm backend declined its own kernel`);
      const f: (x: number, a: number) => number = UNARY[op].ref;
      const want = Array.from(xs, (v) => Math.fround(f(v, alpha)));
      // absolute 1e-6: the definitions lose the far tails to cancellation (gelu(-10) is 0 there, not
      // -7.6e-23); the kernels' accuracy is elementwise.test.ts's subject, the codes this one's
      assertClose(readF32(y, n), want, 4e-6, 1e-6, `${build} ${op} (code ${UNARY_CODES[op]})`);
      heap().freeScratch(x, n * 4);
      heap().freeScratch(y, n * 4);
    }
  });
}

test("kernel codes: every binary and compare SIMD code computes its primitive's definition", () => {
  const kern = loadKernels();
  const as = data(21);
  const bs = data(31).reverse(); // pairs the extremes with random values, and some with each other
  const n = as.length;
  for (let i = 0; i < n; i += 17) bs[i] = as[i]; // ties for the comparisons and min/max
  const stated = Object.entries(BINARY_CODES).filter(([, k]) => k !== undefined) as [BinaryOp, { kernel: string; code: number }][];
  assert.ok(stated.length >= 13, `expected the kernels of 13+ binary ops, got ${stated.length}`);
  for (const [op, k] of stated) {
    const a = allocF32(n, as);
    const b = allocF32(n, bs);
    const y = allocF32(n);
    const f: (a: number, b: number) => number = BINARY[op].ref;
    if (k.kernel === 'compare') {
      assert.ok(wasmCompare(kern, op, contig(a, n), contig(b, n), y, 'bool', 1), `${op}: declined`);
      const got = Array.from(heap().u8.slice(y, y + n));
      const want = Array.from(as, (v, i) => f(v, bs[i]));
      assert.deepEqual(got, want, `${op} (compare code ${k.code})`);
    } else {
      assert.ok(wasmBinary(kern, op, contig(a, n), contig(b, n), y, 'float32', 1), `${op}: declined`);
      const want = Array.from(as, (v, i) => Math.fround(f(v, bs[i])));
      assertClose(readF32(y, n), want, 2e-7, 1e-30, `${op} (binary code ${k.code})`);
    }
    for (const p of [a, b, y]) heap().freeScratch(p, n * 4);
  }
});
