// Elementwise primitives on the wasm kernels: float32 unary math, binary arithmetic with
// broadcasting, and strided copies. Operands are coalesced to as few dims as possible; the last
// two become a (rows, cols) kernel call (leading dims loop here). Big arrays are split across
// threads by rows, or by columns of a single row. Returns false for what the reference must do.

import type { DType } from '../../core/dtype.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import type { AddrStrided as Strided } from './args.js';
import { heap } from './heap.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel } from './pool.js';

/**
 * The unary primitives with a SIMD kernel: each one's code in the `unary` kernel's switch
 * (src/kernels/elementwise.ts). Every other primitive runs its scalar definition from the
 * primitive table over the heap (the reference's), so the wasm backend lacks none and a new
 * primitive needs no line here; a kernel is an optional speed-up. (A backend with no generic
 * fallback, such as a GPU's, states every primitive in a total Record instead, so the compiler
 * reports one it lacks.) The type rejects a name that is no primitive;
 * kernel_codes.test.ts checks each code against the primitive's definition.
 */
export const UNARY_CODES: Readonly<Partial<Record<UnaryOp, number>>> = {
  neg: 0,
  exp: 1,
  log: 2,
  log1p: 3,
  expm1: 4,
  sqrt: 5,
  rsqrt: 6,
  abs: 7,
  sign: 8,
  tanh: 9,
  sigmoid: 10,
  relu: 11,
  leakyRelu: 12,
  elu: 13,
  gelu: 14,
  silu: 15,
  softplus: 16,
  reciprocal: 17,
  square: 18,
  floor: 19,
  ceil: 20,
  round: 21,
  geluGrad: 22,
  hardswish: 23,
  mish: 24,
};

/**
 * The binary primitives with a SIMD kernel: `binary` (float32 out, src/kernels/elementwise.ts) or
 * `compare` (bool out, src/kernels/select.ts) and its code there; the others run the table's
 * scalar definition, as for UNARY_CODES.
 */
export const BINARY_CODES: Readonly<Partial<Record<BinaryOp, { kernel: 'binary' | 'compare'; code: number }>>> = {
  add: { kernel: 'binary', code: 0 },
  sub: { kernel: 'binary', code: 1 },
  mul: { kernel: 'binary', code: 2 },
  div: { kernel: 'binary', code: 3 },
  maximum: { kernel: 'binary', code: 4 },
  minimum: { kernel: 'binary', code: 5 },
  reluGrad: { kernel: 'binary', code: 6 },
  eq: { kernel: 'compare', code: 0 },
  ne: { kernel: 'compare', code: 1 },
  lt: { kernel: 'compare', code: 2 },
  le: { kernel: 'compare', code: 3 },
  gt: { kernel: 'compare', code: 4 },
  ge: { kernel: 'compare', code: 5 },
};
/** Unary ops cheap enough to be memory-bound. */
const CHEAP_UNARY = new Set<UnaryOp>(['neg', 'abs', 'sign', 'relu', 'leakyRelu', 'hardswish', 'square', 'floor', 'ceil', 'round']);

/** Elements from which a memory-bound op is split across threads (~100 us of work). */
const PARALLEL_MIN_CHEAP = 1 << 18;
/** Elements from which an op with transcendentals is split. */
const PARALLEL_MIN_MATH = 1 << 15;

/** Shape and per-operand strides with size-1 dims dropped and mergeable neighbours merged. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      for (let i = 0; i < strides.length; i++) outStrides[i][last] = strides[i][d];
    } else {
      outShape.push(shape[d]);
      for (let i = 0; i < strides.length; i++) outStrides[i].push(strides[i][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `block(offsets, rows, cols, rowStrides, colStrides, outOffset)` for each (rows, cols) block
 * of a coalesced iteration space; offsets in elements per operand, outOffset into a contiguous output.
 */
export function forEachBlock(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  block: (offs: number[], rows: number, cols: number, rs: number[], cs: number[], outOff: number) => void,
): void {
  const { shape: sh, strides: st } = coalesce(shape, strides);
  while (sh.length < 2) {
    sh.unshift(1);
    for (const s of st) s.unshift(0);
  }
  const r = sh.length;
  const rows = sh[r - 2];
  const cols = sh[r - 1];
  const rs = st.map((s) => s[r - 2]);
  const cs = st.map((s) => s[r - 1]);
  const lead = sh.slice(0, r - 2);
  const count = lead.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(lead.length).fill(0);
  for (let i = 0; i < count; i++) {
    const offs = st.map((s) => idx.reduce((acc, v, d) => acc + v * s[d], 0));
    block(offs, rows, cols, rs, cs, i * rows * cols);
    for (let d = lead.length - 1; d >= 0; d--) {
      if (++idx[d] < lead[d]) break;
      idx[d] = 0;
    }
  }
}

/**
 * Argument lists splitting a (rows, cols) block over threads: whole rows, or for a single row,
 * column ranges in multiples of 16. `make(r0, nrows, c0, ncols)` builds one thread's arguments.
 */
export function splitBlock(
  rows: number,
  cols: number,
  threads: number,
  make: (r0: number, nr: number, c0: number, nc: number) => number[],
): number[][] {
  const parts: number[][] = [];
  if (threads <= 1) return [make(0, rows, 0, cols)];
  if (rows > 1) {
    const per = Math.ceil(rows / Math.min(threads, rows));
    for (let r0 = 0; r0 < rows; r0 += per) parts.push(make(r0, Math.min(per, rows - r0), 0, cols));
  } else {
    const per = Math.ceil(cols / threads / 16) * 16;
    for (let c0 = 0; c0 < cols; c0 += per) parts.push(make(0, 1, c0, Math.min(per, cols - c0)));
  }
  return parts;
}

/** An operand of a strided elementwise kernel: heap address, element size in bytes, strides. */
export interface KernelOperand {
  ptr: number;
  bytes: number;
  strides: readonly number[];
}

/**
 * Runs elementwise kernel `fn` over the broadcast iteration space `shape`, each (rows, cols) block
 * split over `threads`. A call's arguments: `head`, then (address, row stride, column stride) per
 * operand, then the contiguous output's address, the rows and the columns, then `tail`.
 */
export function runElementwise(
  kern: Kernels,
  fn: string,
  shape: readonly number[],
  operands: readonly KernelOperand[],
  out: { ptr: number; bytes: number },
  threads: number,
  head: readonly number[],
  tail: readonly number[] = [],
): void {
  const blocks: { offs: number[]; rows: number; cols: number; rs: number[]; cs: number[]; outOff: number }[] = [];
  forEachBlock(
    shape,
    operands.map((o) => o.strides),
    (offs, rows, cols, rs, cs, outOff) => blocks.push({ offs, rows, cols, rs, cs, outOff }),
  );
  // Several blocks (e.g. a per-channel bias over a batch of images): the threads share them out in
  // one dispatch; a single block is split by rows or columns instead.
  const split = blocks.length >= threads ? 1 : threads;
  const parts: number[][] = [];
  for (const { offs, rows, cols, rs, cs, outOff } of blocks) {
    const blockParts = splitBlock(rows, cols, split, (r0, nr, c0, nc) => {
      const args = [...head];
      operands.forEach((o, i) => {
        args.push(o.ptr + o.bytes * (offs[i] + r0 * rs[i] + c0 * cs[i]), rs[i], cs[i]);
      });
      args.push(out.ptr + out.bytes * (outOff + r0 * cols + c0), nr, nc, ...tail);
      return args;
    });
    for (const p of blockParts) parts.push(p);
  }
  if (threads > 1) runParallel(kern, fn, parts);
  else for (const p of parts) runParallel(kern, fn, [p]); // one part: runs here, no dispatch
}

/** Column stride of a 1-D walk over all of `shape`: 1 if dense row-major, 0 if all strides are 0, else -1. */
export function flatStride(shape: readonly number[], strides: readonly number[]): number {
  let dense = true;
  let zero = true;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) dense = false;
    if (strides[d] !== 0) zero = false;
    expected *= shape[d];
  }
  return dense ? 1 : zero ? 0 : -1;
}

/** Threads for an elementwise op over n elements (memory-bound when `cheap`). */
export function threadsFor(n: number, cheap: boolean, threads: number): number {
  return n >= (cheap ? PARALLEL_MIN_CHEAP : PARALLEL_MIN_MATH) ? threads : 1;
}

/** out = op(x) for float32 x and out; false when the reference must handle it. */
export function wasmUnary(
  kern: Kernels,
  op: UnaryOp,
  x: Strided,
  out: number,
  outDtype: DType,
  alpha: number,
  threads = poolThreads(),
): boolean {
  const code = UNARY_CODES[op];
  if (code === undefined || x.dtype !== 'float32' || outDtype !== 'float32') return false;
  const n = x.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return true;
  const t = threadsFor(n, CHEAP_UNARY.has(op), threads);
  if (t === 1 && flatStride(x.shape, x.strides) === 1) {
    kern.exports.unary(code, x.ptr, 0, 1, out, 1, n, alpha);
    return true;
  }
  runElementwise(kern, 'unary', x.shape, [{ ptr: x.ptr, bytes: 4, strides: x.strides }], { ptr: out, bytes: 4 }, t, [code], [alpha]);
  return true;
}

/** out = op(a, b) for float32 operands broadcast to one shape; false when the reference must. */
export function wasmBinary(
  kern: Kernels,
  op: BinaryOp,
  a: Strided,
  b: Strided,
  out: number,
  outDtype: DType,
  threads = poolThreads(),
): boolean {
  const k = BINARY_CODES[op];
  if (k === undefined || k.kernel !== 'binary' || a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== 'float32') return false;
  runPairwise(kern, 'binary', k.code, a, b, { ptr: out, bytes: 4 }, threads);
  return true;
}

/**
 * A float32 two-operand kernel (binary, compare) over a and b broadcast to one shape: one flat
 * call when a single thread walks both operands flat, else runElementwise over blocks.
 */
export function runPairwise(
  kern: Kernels,
  fn: 'binary' | 'compare',
  code: number,
  a: Strided,
  b: Strided,
  out: { ptr: number; bytes: number },
  threads: number,
): void {
  const n = a.shape.reduce((x, y) => x * y, 1);
  if (n === 0) return;
  const t = threadsFor(n, true, threads);
  if (t === 1) {
    const as = flatStride(a.shape, a.strides);
    const bs = flatStride(b.shape, b.strides);
    if (as >= 0 && bs >= 0) {
      kern.exports[fn](code, a.ptr, 0, as, b.ptr, 0, bs, out.ptr, 1, n);
      return;
    }
  }
  const operands = [
    { ptr: a.ptr, bytes: 4, strides: a.strides },
    { ptr: b.ptr, bytes: 4, strides: b.strides },
  ];
  runElementwise(kern, fn, a.shape, operands, out, t, [code]);
}

/** dst = src for same-dtype 4-byte elements: memmove when both are dense, else strided kernel. */
export function wasmCopy(kern: Kernels, src: Strided, dst: Strided, threads = poolThreads()): boolean {
  if (src.dtype !== dst.dtype || src.dtype === 'bool') return false;
  const n = src.shape.reduce((x, y) => x * y, 1);
  if (n === 0) return true;
  const { shape, strides } = coalesce(src.shape, [src.strides, dst.strides]);
  if (shape.length <= 1 && (shape.length === 0 || (strides[0][0] === 1 && strides[1][0] === 1))) {
    heap().u8.copyWithin(dst.ptr, src.ptr, src.ptr + 4 * n);
    return true;
  }
  if (shape.length > 4) return false;
  while (shape.length < 4) {
    shape.unshift(1);
    for (const s of strides) s.unshift(0);
  }
  const [s, d] = strides;
  // split the outermost dim that has more than one index
  const k = shape.findIndex((v) => v > 1);
  const t = Math.min(n >= PARALLEL_MIN_CHEAP ? threads : 1, shape[k]);
  const per = Math.ceil(shape[k] / t);
  const parts: number[][] = [];
  for (let i = 0; i < shape[k]; i += per) {
    const sh = shape.slice();
    sh[k] = Math.min(per, shape[k] - i);
    parts.push([src.ptr + 4 * i * s[k], dst.ptr + 4 * i * d[k], ...sh, ...s, ...d]);
  }
  runParallel(kern, 'copy4', parts);
  return true;
}
