// The webgpu device's compute: each Backend primitive as a WGSL kernel dispatched on the device
// (device.ts). The elementwise family is generated here from the expression maps of wgsl.ts; the
// other families have one file each (reduce, matmul, conv, pool, softmax, select, optim, random),
// mirroring src/backend/wasm. There is no CPU fallback: every primitive has its kernel.

import type { DType } from '../../core/dtype.js';
import { BINARY } from '../../core/primitives/binary.js';
import { UNARY } from '../../core/primitives/unary.js';
import type {
  AdamStepArgs,
  Backend,
  BinaryOp,
  Conv2dGeom,
  CrossEntropyRowsArgs,
  MatArg,
  Pool2dGeom,
  RandomDist,
  ReduceOp,
  Strided,
  UnaryOp,
  View,
} from '../backend.js';
import * as convKernels from './conv.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import * as matmulKernels from './matmul.js';
import * as optimKernels from './optim.js';
import * as poolKernels from './pool.js';
import * as randomKernels from './random.js';
import * as reduceKernels from './reduce.js';
import * as selectKernels from './select.js';
import * as softmaxKernels from './softmax.js';
import { BINARY_F32, BINARY_I32, type EwInput, elementwiseWgsl, UNARY_F32, UNARY_I32, type WgslType } from './wgsl.js';

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d];
  }
  return s;
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const c = contiguousStrides(shape);
  return shape.every((n, d) => n === 1 || strides[d] === c[d]);
}

/** WGSL kernels for the webgpu device. @example new WebGpuBackend(device).fill(view, 'float32', 4, 1) */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  constructor(private readonly dev: WebGpuDevice) {}

  /** One elementwise dispatch: `inputs` strided over `shape`, the output at `out` with `outStrides`. */
  private elementwise(
    inputs: readonly (EwInput & { view: Strided })[],
    expr: string,
    exprType: WgslType,
    shape: readonly number[],
    out: View,
    outDtype: DType,
    outStrides: readonly number[],
    alpha = 0,
    /** The params word of alpha as given (the bits of an int32), instead of alpha's f32 bits. */
    alphaWord?: number,
  ): void {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n === 0) return;
    // a bool output is written a word at a time only where every byte of its words is its own
    const words =
      outDtype === 'bool' &&
      out.offset % 4 === 0 &&
      isContiguous(shape, outStrides) &&
      (n % 4 === 0 || out.offset + n >= out.buffer.nbytes);
    const boolOut = outDtype !== 'bool' ? null : words ? 'words' : 'bytes';
    const packed = boolOut === 'words';
    const code = elementwiseWgsl({ inputs, expr, exprType, outDtype, boolOut });
    const params = [n, shape.length, out.offset, alphaWord ?? f32bits(alpha)];
    for (let k = 0; k < 4; k++) params.push(inputs[k]?.view.offset ?? 0);
    params.push(...shape, ...outStrides.map(i32bits));
    for (const inp of inputs) params.push(...inp.view.strides.map(i32bits));
    this.dev.dispatch(
      code,
      params,
      out.buffer as GpuBuf,
      inputs.map((i) => i.view.buffer as GpuBuf),
      packed ? Math.ceil(n / 4) : n,
    );
  }

  fill(out: View, dtype: DType, n: number, value: number): void {
    // an int32 value travels as its own bits: through f32 it would lose the bits past 2^24
    if (dtype === 'int32') this.elementwise([], 'bitcast<i32>(p[3])', 'i32', [n], out, dtype, [1], 0, (value | 0) >>> 0);
    else this.elementwise([], 'alpha', 'f32', [n], out, dtype, [1], value);
  }

  copy(src: Strided, dst: Strided): void {
    const as: 'f32' | 'i32' = dst.dtype === 'float32' || dst.dtype === 'bool' ? 'f32' : 'i32';
    this.elementwise([{ name: 'x', dtype: src.dtype, as, view: src }], 'x', as, src.shape, dst, dst.dtype, dst.strides);
  }

  unary(op: UnaryOp, x: Strided, out: View, outDtype: DType, alpha: number): void {
    const intExpr = outDtype === 'int32' ? UNARY_I32[op] : undefined;
    const as = intExpr !== undefined ? 'i32' : 'f32';
    const type: WgslType = UNARY[op].dtype === 'bool' ? 'bool' : as;
    const inputs = [{ name: 'x', dtype: x.dtype, as, view: x } as const];
    this.elementwise(inputs, intExpr ?? UNARY_F32[op], type, x.shape, out, outDtype, contiguousStrides(x.shape), alpha);
  }

  binary(op: BinaryOp, a: Strided, b: Strided, out: View, outDtype: DType): void {
    const ints = a.dtype !== 'float32' && b.dtype !== 'float32' && outDtype !== 'float32';
    const intExpr = ints ? BINARY_I32[op] : undefined;
    const as = intExpr !== undefined ? 'i32' : 'f32';
    const type: WgslType = BINARY[op].dtype === 'bool' ? 'bool' : as;
    const inputs = [
      { name: 'a', dtype: a.dtype, as, view: a },
      { name: 'b', dtype: b.dtype, as, view: b },
    ] as const;
    this.elementwise(inputs, intExpr ?? BINARY_F32[op], type, a.shape, out, outDtype, contiguousStrides(a.shape));
  }

  where(cond: Strided, a: Strided, b: Strided, out: View, outDtype: DType): void {
    const as = outDtype === 'float32' ? 'f32' : 'i32';
    const inputs = [
      { name: 'c', dtype: cond.dtype, as: 'f32', view: cond },
      { name: 'a', dtype: a.dtype, as, view: a },
      { name: 'b', dtype: b.dtype, as, view: b },
    ] as const;
    this.elementwise(inputs, 'select(b, a, c != 0.0 || t_isnan(c))', as, a.shape, out, outDtype, contiguousStrides(a.shape));
  }

  reduce(op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    reduceKernels.reduce(this.dev, op, x, dtype, outer, r, inner, out);
  }

  argReduce(op: 'argmax' | 'argmin', x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    reduceKernels.argReduce(this.dev, op, x, dtype, outer, r, inner, out);
  }
  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: View, ldc: number, accumulate: boolean): void {
    matmulKernels.matmul(this.dev, m, n, k, a, b, c, ldc, accumulate);
  }
  softmax(x: View, rows: number, cols: number, out: View, log: boolean): void {
    softmaxKernels.softmax(this.dev, x, rows, cols, out, log);
  }
  crossEntropyRows(a: CrossEntropyRowsArgs): void {
    softmaxKernels.crossEntropyRows(this.dev, a);
  }
  conv2d(x: View, w: View, bias: View | null, y: View, g: Conv2dGeom): void {
    convKernels.conv2d(this.dev, x, w, bias, y, g);
  }
  conv2dBackwardInput(gy: View, w: View, gx: View, g: Conv2dGeom): void {
    convKernels.conv2dBackwardInput(this.dev, gy, w, gx, g);
  }
  conv2dBackwardWeight(x: View, gy: View, gw: View, g: Conv2dGeom): void {
    convKernels.conv2dBackwardWeight(this.dev, x, gy, gw, g);
  }
  maxPool2d(x: View, y: View, indices: View, g: Pool2dGeom): void {
    poolKernels.maxPool2d(this.dev, x, y, indices, g);
  }
  maxPool2dBackward(gy: View, indices: View, gx: View, g: Pool2dGeom): void {
    poolKernels.maxPool2dBackward(this.dev, gy, indices, gx, g);
  }
  avgPool2d(x: View, y: View, g: Pool2dGeom): void {
    poolKernels.avgPool2d(this.dev, x, y, g);
  }
  avgPool2dBackward(gy: View, gx: View, g: Pool2dGeom): void {
    poolKernels.avgPool2dBackward(this.dev, gy, gx, g);
  }
  indexSelect(x: View, dtype: DType, outer: number, d: number, inner: number, idx: View, n: number, out: View): void {
    selectKernels.indexSelect(this.dev, x, dtype, outer, d, inner, idx, n, out);
  }
  indexAdd(src: View, outer: number, n: number, inner: number, idx: View, d: number, out: View): void {
    selectKernels.indexAdd(this.dev, src, outer, n, inner, idx, d, out);
  }
  gather(x: View, dtype: DType, xShape: readonly number[], axis: number, index: View, outShape: readonly number[], out: View): void {
    selectKernels.gather(this.dev, x, dtype, xShape, axis, index, outShape, out);
  }
  scatterAdd(src: View, outShape: readonly number[], axis: number, index: View, xShape: readonly number[], out: View): void {
    selectKernels.scatterAdd(this.dev, src, outShape, axis, index, xShape, out);
  }
  adamStep(p: View, g: View, m: View, v: View, vmax: View | null, n: number, a: AdamStepArgs): void {
    optimKernels.adamStep(this.dev, p, g, m, v, vmax, n, a);
  }
  random(out: View, n: number, dist: RandomDist, seed: readonly [number, number], low: number, high: number): void {
    randomKernels.random(this.dev, out, n, dist, seed, low, high);
  }
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** The bits of `v` as float32, for a params word. */
function f32bits(v: number): number {
  f32buf[0] = v;
  return u32buf[0];
}

/** The bits of int32 `v` as a u32 params word. */
function i32bits(v: number): number {
  return v >>> 0;
}
