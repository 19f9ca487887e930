// Elementwise kernels: transcendentals against float64 math (~1e-6 relative), special values and
// strided/broadcast layouts against the reference backend, both builds, 1 vs N threads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DType } from '../../core/dtype.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import type { AddrStrided as Strided } from './args.js';
import { wasmBinary, wasmCopy, wasmUnary } from './elementwise.js';
import { heap } from './heap.js';
import { WasmBackend } from './index.js';
import { availableBuilds, loadKernels } from './loader.js';
import { allocF32, assertClose, assertIdentical, randoms, readF32, refOnHeap } from './testkit.test.js';

const ref = refOnHeap;

/** erfc in float64 to ~1e-15: Taylor series of erf below 2.5, continued fraction above. */
function erfc64(x: number): number {
  if (x < 2.5) {
    let sum = x;
    let term = x;
    for (let k = 1; k < 100; k++) {
      term *= (-x * x) / k;
      sum += term / (2 * k + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let k = 120; k >= 1; k--) f = k / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}
const phi = (x: number): number => (x >= 0 ? 1 - 0.5 * erfc64(x / Math.SQRT2) : 0.5 * erfc64(-x / Math.SQRT2));

/** Exact float64 definitions, input range, and absolute tolerance (for cancellation-prone ops). */
const MATH: [UnaryOp, (x: number) => number, number, number, number][] = [
  ['exp', Math.exp, -100, 88, 0],
  ['log', Math.log, 1e-6, 1e6, 0],
  ['log1p', Math.log1p, -0.999, 100, 0],
  ['expm1', Math.expm1, -20, 20, 0],
  ['tanh', Math.tanh, -12, 12, 0],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), -80, 80, 0],
  ['gelu', (x) => x * phi(x), -12, 12, 0],
  ['silu', (x) => x / (1 + Math.exp(-x)), -80, 80, 0],
  ['softplus', (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), -80, 40, 0],
  ['elu', (x) => (x > 0 ? x : Math.expm1(x)), -20, 5, 0],
  ['geluGrad', (x) => phi(x) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI), -12, 12, 2e-7],
  ['sqrt', Math.sqrt, 0, 1e6, 0],
  ['rsqrt', (x) => 1 / Math.sqrt(x), 1e-6, 1e6, 0],
  ['reciprocal', (x) => 1 / x, -1e3, 1e3, 0],
];

/** Runs unary `op` with the wasm kernels of `build` on `threads` threads over float32 `xs`. */
function unary(build: 'relaxed' | 'simd', op: UnaryOp, xs: Float32Array, threads: number, alpha = 1): Float32Array {
  const x = allocF32(xs.length, xs);
  const y = allocF32(xs.length);
  assert.ok(wasmUnary(loadKernels(build), op, contig(x, xs.length), y, 'float32', alpha, threads));
  const out = readF32(y, xs.length);
  heap().freeScratch(x, Math.max(1, xs.length) * 4);
  heap().freeScratch(y, Math.max(1, xs.length) * 4);
  return out;
}

function contig(ptr: number, n: number, dtype: DType = 'float32'): Strided {
  return { ptr, dtype, shape: [n], strides: [1] };
}

const SPECIALS = new Float32Array([0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3.4e38, -3.4e38, 0.5, -0.5, 2.5, 1e-8]);

for (const build of availableBuilds()) {
  test(`unary (${build}): transcendentals within 1e-6 relative of float64 math`, () => {
    for (const [op, f, lo, hi, atol] of MATH) {
      const n = 20011;
      const xs = randoms(n, 3, lo, hi);
      const got = unary(build, op, xs, 1);
      const want = Array.from(xs, (v) => Math.fround(f(v)));
      assertClose(got, want, 1e-6, atol + 1e-37, `${build} ${op}`);
    }
  });

  test(`unary (${build}): every op matches the reference on special values and odd lengths`, () => {
    const ops: UnaryOp[] = [
      'neg',
      'exp',
      'log',
      'log1p',
      'expm1',
      'sqrt',
      'rsqrt',
      'abs',
      'sign',
      'tanh',
      'sigmoid',
      'relu',
      'leakyRelu',
      'elu',
      'gelu',
      'silu',
      'softplus',
      'reciprocal',
      'square',
      'floor',
      'ceil',
      'round',
      'geluGrad',
    ];
    for (const op of ops) {
      for (const n of [1, 2, 3, 5, 15]) {
        const xs = SPECIALS.slice(0, n);
        const got = unary(build, op, xs, 1, 0.1);
        const x = allocF32(n, xs);
        const y = allocF32(n);
        ref.unary(op, contig(x, n), y, 'float32', 0.1);
        assertClose(got, readF32(y, n), 2e-6, 1e-30, `${build} ${op} n=${n}`);
      }
    }
  });

  test(`unary (${build}): strided inputs and 1 vs N threads`, () => {
    const kern = loadKernels(build);
    const xs = randoms(300 * 301, 9, -3, 3);
    const x = allocF32(xs.length, xs);
    // transposed (301, 300) view, and every other column
    for (const view of [
      { shape: [301, 300], strides: [1, 301] },
      { shape: [300, 150], strides: [301, 2] },
    ]) {
      const n = view.shape[0] * view.shape[1];
      const sx: Strided = { ptr: x, dtype: 'float32', ...view };
      const y1 = allocF32(n);
      const y2 = allocF32(n);
      assert.ok(wasmUnary(kern, 'tanh', sx, y1, 'float32', 0));
      ref.unary('tanh', sx, y2, 'float32', 0);
      assertClose(readF32(y1, n), readF32(y2, n), 1e-6, 0, `${build} strided tanh`);
    }
    for (const op of ['gelu', 'exp', 'relu'] as UnaryOp[]) {
      const big = randoms(300_001, 4, -5, 5);
      assertIdentical(unary(build, op, big, 1), unary(build, op, big, 2), `${build} ${op} threads`);
      assertIdentical(unary(build, op, big, 1), unary(build, op, big, 3), `${build} ${op} threads`);
    }
  });

  test(`binary (${build}): contiguous, broadcast and strided layouts equal the reference exactly`, () => {
    const kern = loadKernels(build);
    const an = 7 * 33 * 5;
    const a = allocF32(an, randoms(an, 1, -2, 2));
    const b = allocF32(an, randoms(an, 2, 0.5, 2));
    const layouts: [string, number[], number[], number[]][] = [
      ['contiguous', [7, 33, 5], [165, 5, 1], [165, 5, 1]],
      ['scalar b', [7, 33, 5], [165, 5, 1], [0, 0, 0]],
      ['scalar a', [7, 33, 5], [0, 0, 0], [165, 5, 1]],
      ['row broadcast (B,N)+(N)', [231, 5], [5, 1], [0, 1]],
      ['column broadcast (B,N)+(B,1)', [33, 35], [35, 1], [1, 0]],
      ['middle broadcast', [7, 33, 5], [165, 5, 1], [5, 0, 1]],
      ['transposed a', [33, 35], [1, 33], [35, 1]],
      ['both strided', [7, 5, 33], [1, 7, 35], [165, 1, 5]],
      ['single element', [1], [1], [0]],
      ['empty', [0, 5], [5, 1], [5, 1]],
    ];
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluGrad'];
    for (const [name, shape, sa, sb] of layouts) {
      const n = shape.reduce((x, y) => x * y, 1);
      for (const op of ops) {
        const A: Strided = { ptr: a, dtype: 'float32', shape, strides: sa };
        const B: Strided = { ptr: b, dtype: 'float32', shape, strides: sb };
        const y1 = allocF32(n);
        const y2 = allocF32(n);
        assert.ok(wasmBinary(kern, op, A, B, y1, 'float32'));
        ref.binary(op, A, B, y2, 'float32');
        assertIdentical(readF32(y1, n), readF32(y2, n), `${build} ${op} ${name}`);
      }
    }
  });

  test(`binary (${build}): big broadcasts give identical results on 1 and N threads`, () => {
    const kern = loadKernels(build);
    const rows = 600;
    const cols = 1001;
    const a = allocF32(rows * cols, randoms(rows * cols, 5));
    const b = allocF32(cols, randoms(cols, 6));
    for (const [shape, sa, sb] of [
      [
        [rows, cols],
        [cols, 1],
        [0, 1],
      ],
      [[rows * cols], [1], [0]],
      [
        [1, rows * cols],
        [0, 1],
        [0, 0],
      ],
    ]) {
      const n = rows * cols;
      const A: Strided = { ptr: a, dtype: 'float32', shape, strides: sa };
      const B: Strided = { ptr: b, dtype: 'float32', shape, strides: sb };
      const outs = [1, 2, 3].map((t) => {
        const y = allocF32(n);
        assert.ok(wasmBinary(kern, 'mul', A, B, y, 'float32', t));
        return readF32(y, n);
      });
      assertIdentical(outs[0], outs[1], `${build} 2 threads`);
      assertIdentical(outs[0], outs[2], `${build} 3 threads`);
    }
  });

  test(`binary (${build}): a per-channel broadcast over a batch (many blocks, shared out in one dispatch)`, () => {
    const kern = loadKernels(build);
    const av = randoms(600 * 1001, 7);
    const bv = randoms(1001, 8);
    const a = allocF32(av.length, av);
    const b = allocF32(bv.length, bv);
    // (images, channels, positions) + bias (channels): 20 blocks, then 2 blocks (fewer than 3 threads)
    for (const [n, c, hw] of [
      [20, 30, 1000],
      [2, 300, 1000],
    ]) {
      const shape = [n, c, hw];
      const A: Strided = { ptr: a, dtype: 'float32', shape, strides: [c * hw, hw, 1] };
      const B: Strided = { ptr: b, dtype: 'float32', shape, strides: [0, 1, 0] };
      const size = n * c * hw;
      const want = new Float32Array(size);
      for (let i = 0; i < size; i++) want[i] = av[i] + bv[Math.floor(i / hw) % c];
      for (const t of [1, 2, 3]) {
        const y = allocF32(size);
        assert.ok(wasmBinary(kern, 'add', A, B, y, 'float32', t));
        assertIdentical(readF32(y, size), want, `${build} (${n}, ${c}, ${hw}) on ${t} threads`);
      }
    }
  });
}

test('copy: strided float32/int32 copies equal the reference; other dtypes are declined', () => {
  const kern = loadKernels();
  const n = 6 * 7 * 8 * 9;
  const src = allocF32(n, randoms(n, 8));
  const views: [number[], number[], number[]][] = [
    [
      [6, 7, 8, 9],
      [504, 72, 9, 1],
      [504, 72, 9, 1],
    ],
    [
      [9, 8, 7, 6],
      [1, 9, 72, 504],
      [336, 42, 6, 1],
    ],
    [
      [2, 3, 4, 5, 6],
      [1, 2, 6, 24, 120],
      [360, 120, 30, 6, 1],
    ],
    [
      [6, 3, 8],
      [504, 144, 1],
      [24, 8, 1],
    ],
  ];
  for (const [shape, ss, ds] of views) {
    for (const dtype of ['float32', 'int32'] as DType[]) {
      const d1 = allocF32(n);
      const d2 = allocF32(n);
      const S: Strided = { ptr: src, dtype, shape, strides: ss };
      const handled = wasmCopy(kern, S, { ptr: d1, dtype, shape, strides: ds });
      if (!handled) ref.copy(S, { ptr: d1, dtype, shape, strides: ds });
      ref.copy(S, { ptr: d2, dtype, shape, strides: ds });
      assertIdentical(
        new Float32Array(heap().i32.slice(d1 >>> 2, (d1 >>> 2) + n)),
        new Float32Array(heap().i32.slice(d2 >>> 2, (d2 >>> 2) + n)),
        `${dtype} ${shape}`,
      );
    }
  }
  assert.equal(
    wasmCopy(kern, { ptr: src, dtype: 'float32', shape: [4], strides: [1] }, { ptr: src + 64, dtype: 'int32', shape: [4], strides: [1] }),
    false,
  );
});

test('WasmBackend: int32 and bool elementwise ops fall back to the reference', () => {
  const be = new WasmBackend();
  const h = heap();
  const xb = h.allocate(16);
  const yb = h.allocate(16);
  h.i32.set([3, -2, 0, 7], h.resolve(xb) >>> 2);
  const x = { buffer: xb, offset: 0, dtype: 'int32', shape: [4], strides: [1] } as const;
  be.unary('neg', x, { buffer: yb, offset: 0 }, 'int32', 0);
  const y = h.resolve(yb);
  assert.deepEqual(Array.from(h.i32.slice(y >>> 2, (y >>> 2) + 4)), [-3, 2, 0, -7]);
  be.binary('lt', x, { ...x, strides: [0] }, { buffer: yb, offset: 0 }, 'bool');
  assert.deepEqual(Array.from(h.u8.slice(y, y + 4)), [0, 1, 1, 0]);
});
