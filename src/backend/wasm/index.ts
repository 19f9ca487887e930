// The WebAssembly backend of the CPU device: SIMD kernels (src/kernels) on every core for the
// primitives that dominate training time (matmul, elementwise float32 math, reductions, softmax,
// conv, pooling), and the reference compute functions for everything else (int32/bool data,
// gather/scatter, odd layouts), run on views of the same heap.
//
// Views become heap addresses here, at the boundary: every operand's address is resolved first
// (which pins its block for the op and may upload a spilled one, growing the memory), and only
// then are typed views of the heap taken, since growth replaces them.

import type { DType, TypedArray } from '../../core/dtype.js';
import type { AdamStepArgs, Backend, BinaryOp, Conv2dGeom, MatArg, Pool2dGeom, ReduceOp, Strided, UnaryOp, View } from '../backend.js';
import { refArgReduce, refGather, refIndexAdd, refIndexSelect, refReduce, refScatterAdd } from '../reference/compute.js';
import { type ArrayStrided, refBinary, refCopy, refFill, refUnary, refWhere } from '../reference/elementwise.js';
import type { AddrStrided } from './args.js';
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
import { type Block, type Heap, heap } from './heap.js';
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

/** The heap, looked up once (it is created on first use, never at import). */
let theHeap: Heap | null = null;

/** Byte address of a view's element 0 (float32 / int32 / bool elements); pins the block. */
function addr(v: View, dtype: DType = 'float32'): number {
  if (theHeap === null) theHeap = heap();
  const p = theHeap.resolve(v.buffer as Block);
  return dtype === 'bool' ? p + v.offset : p + 4 * v.offset;
}

function addrStrided(s: Strided): AddrStrided {
  return { ptr: addr(s, s.dtype), dtype: s.dtype, shape: s.shape, strides: s.strides };
}

/** A typed view of the whole heap for a dtype; take it only after every address is resolved. */
function heapArray(dtype: DType): TypedArray {
  const h = heap();
  return dtype === 'float32' ? h.f32 : dtype === 'int32' ? h.i32 : h.u8;
}

/** Element index in heapArray(dtype) of byte address `p`. */
function elem(p: number, dtype: DType): number {
  return dtype === 'bool' ? p : p >>> 2;
}

function arrayStrided(s: AddrStrided): ArrayStrided {
  return { data: heapArray(s.dtype), at: elem(s.ptr, s.dtype), dtype: s.dtype, shape: s.shape, strides: s.strides };
}

/**
 * WebAssembly SIMD backend, multi-threaded over the shared heap. Kernels load on first use.
 * @example new CpuDevice({ backend: new WasmBackend({ build: 'simd' }) })
 */
export class WasmBackend implements Backend {
  readonly name: string = 'wasm';
  private kern: Kernels | null = null;

  constructor(private readonly options: WasmBackendOptions = {}) {}

  /** The kernel module this backend runs (loaded on first call). */
  get kernels(): Kernels {
    if (this.kern === null) this.kern = loadKernels(this.options.build);
    return this.kern;
  }

  fill(out: View, dtype: DType, n: number, value: number): void {
    // TypedArray.fill is already a native memset
    const p = addr(out, dtype);
    refFill(heapArray(dtype), elem(p, dtype), dtype, n, value);
  }

  copy(src: Strided, dst: Strided): void {
    const s = addrStrided(src);
    const d = addrStrided(dst);
    if (!wasmCopy(this.kernels, s, d)) refCopy(arrayStrided(s), arrayStrided(d));
  }

  unary(op: UnaryOp, x: Strided, out: View, outDtype: DType, alpha: number): void {
    const sx = addrStrided(x);
    const o = addr(out, outDtype);
    if (!wasmUnary(this.kernels, op, sx, o, outDtype, alpha)) refUnary(op, arrayStrided(sx), heapArray(outDtype), elem(o, outDtype), alpha);
  }

  binary(op: BinaryOp, a: Strided, b: Strided, out: View, outDtype: DType): void {
    const sa = addrStrided(a);
    const sb = addrStrided(b);
    const o = addr(out, outDtype);
    if (wasmBinary(this.kernels, op, sa, sb, o, outDtype) || wasmCompare(this.kernels, op, sa, sb, o, outDtype)) return;
    refBinary(op, arrayStrided(sa), arrayStrided(sb), heapArray(outDtype), elem(o, outDtype), outDtype);
  }

  where(cond: Strided, a: Strided, b: Strided, out: View, outDtype: DType): void {
    const sc = addrStrided(cond);
    const sa = addrStrided(a);
    const sb = addrStrided(b);
    const o = addr(out, outDtype);
    if (!wasmWhere(this.kernels, sc, sa, sb, o, outDtype)) {
      refWhere(arrayStrided(sc), arrayStrided(sa), arrayStrided(sb), heapArray(outDtype), elem(o, outDtype));
    }
  }

  reduce(op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    const outDtype: DType = dtype === 'bool' && (op === 'sum' || op === 'prod') ? 'int32' : dtype;
    const px = addr(x, dtype);
    const po = addr(out, outDtype);
    if (wasmReduce(this.kernels, op, px, dtype, outer, r, inner, po)) return;
    refReduce(op, heapArray(dtype), elem(px, dtype), outer, r, inner, heapArray(outDtype), elem(po, outDtype));
  }

  argReduce(op: 'argmax' | 'argmin', x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    const px = addr(x, dtype);
    const po = addr(out, 'int32');
    refArgReduce(op, heapArray(dtype), elem(px, dtype), outer, r, inner, heap().i32, po >>> 2);
  }

  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: View, ldc: number, accumulate: boolean): void {
    const pa = { ptr: addr(a), ld: a.ld, trans: a.trans };
    const pb = { ptr: addr(b), ld: b.ld, trans: b.trans };
    wasmMatmul(this.kernels, m, n, k, pa, pb, addr(c), ldc, accumulate);
  }

  softmax(x: View, rows: number, cols: number, out: View, log: boolean): void {
    const px = addr(x);
    wasmSoftmax(this.kernels, px, rows, cols, addr(out), log);
  }

  conv2d(x: View, w: View, bias: View | null, y: View, g: Conv2dGeom): void {
    const px = addr(x);
    const pw = addr(w);
    const pb = bias === null ? 0 : addr(bias);
    wasmConv2d(this.kernels, px, pw, pb, addr(y), g);
  }

  conv2dBackwardInput(gy: View, w: View, gx: View, g: Conv2dGeom): void {
    const pgy = addr(gy);
    const pw = addr(w);
    wasmConv2dBackwardInput(this.kernels, pgy, pw, addr(gx), g);
  }

  conv2dBackwardWeight(x: View, gy: View, gw: View, g: Conv2dGeom): void {
    const px = addr(x);
    const pgy = addr(gy);
    wasmConv2dBackwardWeight(this.kernels, px, pgy, addr(gw), g);
  }

  maxPool2d(x: View, y: View, indices: View, g: Pool2dGeom): void {
    const px = addr(x);
    const pi = addr(indices);
    wasmMaxPool2d(this.kernels, px, addr(y), pi, g);
  }

  maxPool2dBackward(gy: View, indices: View, gx: View, g: Pool2dGeom): void {
    const pgy = addr(gy);
    const pi = addr(indices);
    wasmMaxPool2dBackward(this.kernels, pgy, pi, addr(gx), g);
  }

  avgPool2d(x: View, y: View, g: Pool2dGeom): void {
    const px = addr(x);
    wasmAvgPool2d(this.kernels, px, addr(y), g);
  }

  avgPool2dBackward(gy: View, gx: View, g: Pool2dGeom): void {
    const pgy = addr(gy);
    wasmAvgPool2dBackward(this.kernels, pgy, addr(gx), g);
  }

  indexSelect(x: View, dtype: DType, outer: number, d: number, inner: number, idx: View, n: number, out: View): void {
    const px = addr(x, dtype);
    const pi = addr(idx, 'int32');
    const po = addr(out, dtype);
    refIndexSelect(heapArray(dtype), elem(px, dtype), outer, d, inner, heap().i32, pi >>> 2, n, heapArray(dtype), elem(po, dtype));
  }

  indexAdd(src: View, outer: number, n: number, inner: number, idx: View, d: number, out: View): void {
    const ps = addr(src);
    const pi = addr(idx, 'int32');
    const po = addr(out);
    const h = heap();
    refIndexAdd(h.f32, ps >>> 2, outer, n, inner, h.i32, pi >>> 2, d, h.f32, po >>> 2);
  }

  gather(x: View, dtype: DType, xShape: readonly number[], axis: number, index: View, outShape: readonly number[], out: View): void {
    const px = addr(x, dtype);
    const pi = addr(index, 'int32');
    const po = addr(out, dtype);
    refGather(heapArray(dtype), elem(px, dtype), xShape, axis, heap().i32, pi >>> 2, outShape, heapArray(dtype), elem(po, dtype));
  }

  scatterAdd(src: View, outShape: readonly number[], axis: number, index: View, xShape: readonly number[], out: View): void {
    const ps = addr(src);
    const pi = addr(index, 'int32');
    const po = addr(out);
    const h = heap();
    refScatterAdd(h.f32, ps >>> 2, outShape, axis, h.i32, pi >>> 2, xShape, h.f32, po >>> 2);
  }

  adamStep(p: View, g: View, m: View, v: View, vmax: View | null, n: number, a: AdamStepArgs): void {
    const pp = addr(p);
    const pg = addr(g);
    const pm = addr(m);
    const pv = addr(v);
    const px = vmax === null ? 0 : addr(vmax);
    wasmAdamStep(this.kernels, pp, pg, pm, pv, px, n, a);
  }
}
