// The WebAssembly backend: SIMD kernels (src/kernels) on every core for the primitives that
// dominate training time (matmul, elementwise float32 math, reductions, softmax, conv, pooling),
// and the reference backend for everything else (int32/bool data, gather/scatter, odd layouts).

import type { DType } from '../../core/dtype.js';
import type { AdamStepArgs, Backend, BinaryOp, Conv2dGeom, MatArg, Pool2dGeom, ReduceOp, Strided, UnaryOp } from '../backend.js';
import { ReferenceBackend } from '../reference/index.js';
import {
  wasmAvgPool2d,
  wasmAvgPool2dBackward,
  wasmConv2d,
  wasmConv2dBackwardInput,
  wasmConv2dBackwardWeight,
  wasmMaxPool2d,
  wasmMaxPool2dBackward,
} from './conv.js';
import { wasmBinary, wasmCopy, wasmUnary } from './elementwise.js';
import { type KernelBuild, type Kernels, loadKernels } from './loader.js';
import { wasmMatmul } from './matmul.js';
import { wasmAdamStep } from './optim.js';
import { wasmReduce, wasmSoftmax } from './reduce.js';
import { wasmCompare, wasmWhere } from './select.js';

export type { KernelBuild } from './loader.js';
export { prepareKernels } from './loader.js';
export { getNumThreads, setNumThreads } from './pool.js';

/** Options of a WasmBackend. */
export interface WasmBackendOptions {
  /** Kernel build: `'relaxed'` (FMA) or `'simd'`; default the best this engine runs. */
  build?: KernelBuild;
}

/**
 * WebAssembly SIMD backend, multi-threaded over the shared heap. Kernels load on first use.
 * @example registerBackend('wasm', () => new WasmBackend())
 */
export class WasmBackend implements Backend {
  readonly name: string = 'wasm';
  private readonly ref = new ReferenceBackend();
  private kern: Kernels | null = null;

  constructor(private readonly options: WasmBackendOptions = {}) {}

  /** The kernel module this backend runs (loaded on first call). */
  get kernels(): Kernels {
    if (this.kern === null) this.kern = loadKernels(this.options.build);
    return this.kern;
  }

  fill(out: number, dtype: DType, n: number, value: number): void {
    // TypedArray.fill is already a native memset
    this.ref.fill(out, dtype, n, value);
  }

  copy(src: Strided, dst: Strided): void {
    if (!wasmCopy(this.kernels, src, dst)) this.ref.copy(src, dst);
  }

  unary(op: UnaryOp, x: Strided, out: number, outDtype: DType, alpha: number): void {
    if (!wasmUnary(this.kernels, op, x, out, outDtype, alpha)) this.ref.unary(op, x, out, outDtype, alpha);
  }

  binary(op: BinaryOp, a: Strided, b: Strided, out: number, outDtype: DType): void {
    if (wasmBinary(this.kernels, op, a, b, out, outDtype) || wasmCompare(this.kernels, op, a, b, out, outDtype)) return;
    this.ref.binary(op, a, b, out, outDtype);
  }

  where(cond: Strided, a: Strided, b: Strided, out: number, outDtype: DType): void {
    if (!wasmWhere(this.kernels, cond, a, b, out, outDtype)) this.ref.where(cond, a, b, out, outDtype);
  }

  reduce(op: ReduceOp, x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void {
    if (!wasmReduce(this.kernels, op, x, dtype, outer, r, inner, out)) this.ref.reduce(op, x, dtype, outer, r, inner, out);
  }

  argReduce(op: 'argmax' | 'argmin', x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void {
    this.ref.argReduce(op, x, dtype, outer, r, inner, out);
  }

  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: number, ldc: number, accumulate: boolean): void {
    wasmMatmul(this.kernels, m, n, k, a, b, c, ldc, accumulate);
  }

  softmax(x: number, rows: number, cols: number, out: number, log: boolean): void {
    wasmSoftmax(this.kernels, x, rows, cols, out, log);
  }

  conv2d(x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
    wasmConv2d(this.kernels, x, w, bias, y, g);
  }

  conv2dBackwardInput(gy: number, w: number, gx: number, g: Conv2dGeom): void {
    wasmConv2dBackwardInput(this.kernels, gy, w, gx, g);
  }

  conv2dBackwardWeight(x: number, gy: number, gw: number, g: Conv2dGeom): void {
    wasmConv2dBackwardWeight(this.kernels, x, gy, gw, g);
  }

  maxPool2d(x: number, y: number, indices: number, g: Pool2dGeom): void {
    wasmMaxPool2d(this.kernels, x, y, indices, g);
  }

  maxPool2dBackward(gy: number, indices: number, gx: number, g: Pool2dGeom): void {
    wasmMaxPool2dBackward(this.kernels, gy, indices, gx, g);
  }

  avgPool2d(x: number, y: number, g: Pool2dGeom): void {
    wasmAvgPool2d(this.kernels, x, y, g);
  }

  avgPool2dBackward(gy: number, gx: number, g: Pool2dGeom): void {
    wasmAvgPool2dBackward(this.kernels, gy, gx, g);
  }

  indexSelect(x: number, dtype: DType, outer: number, d: number, inner: number, idx: number, n: number, out: number): void {
    this.ref.indexSelect(x, dtype, outer, d, inner, idx, n, out);
  }

  indexAdd(src: number, outer: number, n: number, inner: number, idx: number, d: number, out: number): void {
    this.ref.indexAdd(src, outer, n, inner, idx, d, out);
  }

  gather(x: number, dtype: DType, xShape: readonly number[], axis: number, index: number, outShape: readonly number[], out: number): void {
    this.ref.gather(x, dtype, xShape, axis, index, outShape, out);
  }

  scatterAdd(src: number, outShape: readonly number[], axis: number, index: number, xShape: readonly number[], out: number): void {
    this.ref.scatterAdd(src, outShape, axis, index, xShape, out);
  }

  adamStep(p: number, g: number, m: number, v: number, vmax: number, n: number, a: AdamStepArgs): void {
    wasmAdamStep(this.kernels, p, g, m, v, vmax, n, a);
  }
}
