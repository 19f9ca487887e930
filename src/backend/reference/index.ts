// The reference backend: every primitive in plain TypeScript, written for clarity, not speed, on
// the reference device's buffers (device.ts). It is the oracle the conformance suite checks the
// CPU device against; the CPU device reuses the same compute functions as its fallback.

import type { DType, TypedArray } from '../../core/dtype.js';
import type { AdamStepArgs, Backend, BinaryOp, Conv2dGeom, MatArg, Pool2dGeom, ReduceOp, Strided, UnaryOp, View } from '../backend.js';
import {
  type ArrayMat,
  refArgReduce,
  refGather,
  refIndexAdd,
  refIndexSelect,
  refMatmul,
  refReduce,
  refScatterAdd,
  refSoftmax,
} from './compute.js';
import {
  refAvgPool2d,
  refAvgPool2dBackward,
  refConv2d,
  refConv2dBackwardInput,
  refConv2dBackwardWeight,
  refMaxPool2d,
  refMaxPool2dBackward,
} from './conv.js';
import type { RefBuffer } from './device.js';
import { type ArrayStrided, refBinary, refCopy, refFill, refUnary, refWhere } from './elementwise.js';
import { refAdamStep } from './optim.js';

export type { ReferenceDeviceOptions } from './device.js';
export { RefBuffer, ReferenceDevice } from './device.js';

/** The buffer of a view, refusing one that was released. */
function buf(v: View): RefBuffer {
  const b = v.buffer as RefBuffer;
  if (b.released) throw new Error('tensor used after dispose(): its memory was released');
  return b;
}

/** The typed view of a buffer for a dtype. @example arr(buffer, 'int32')[0] */
export function arr(b: RefBuffer, dtype: DType): TypedArray {
  return dtype === 'float32' ? b.f32 : dtype === 'int32' ? b.i32 : b.u8;
}

function strided(s: Strided): ArrayStrided {
  return { data: arr(buf(s), s.dtype), at: s.offset, dtype: s.dtype, shape: s.shape, strides: s.strides };
}

function mat(m: MatArg): ArrayMat {
  return { data: buf(m).f32, at: m.offset, ld: m.ld, trans: m.trans };
}

const f32 = (v: View) => buf(v).f32;
const i32 = (v: View) => buf(v).i32;

/** Every primitive in plain TypeScript over RefBuffers. */
export class ReferenceBackend implements Backend {
  readonly name: string = 'reference';
  fill(out: View, dtype: DType, n: number, value: number): void {
    refFill(arr(buf(out), dtype), out.offset, dtype, n, value);
  }
  copy(src: Strided, dst: Strided): void {
    refCopy(strided(src), strided(dst));
  }
  unary(op: UnaryOp, x: Strided, out: View, outDtype: DType, alpha: number): void {
    refUnary(op, strided(x), arr(buf(out), outDtype), out.offset, alpha);
  }
  binary(op: BinaryOp, a: Strided, b: Strided, out: View, outDtype: DType): void {
    refBinary(op, strided(a), strided(b), arr(buf(out), outDtype), out.offset, outDtype);
  }
  where(cond: Strided, a: Strided, b: Strided, out: View, outDtype: DType): void {
    refWhere(strided(cond), strided(a), strided(b), arr(buf(out), outDtype), out.offset);
  }
  reduce(op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    const outDtype: DType = dtype === 'bool' && (op === 'sum' || op === 'prod') ? 'int32' : dtype;
    refReduce(op, arr(buf(x), dtype), x.offset, outer, r, inner, arr(buf(out), outDtype), out.offset);
  }
  argReduce(op: 'argmax' | 'argmin', x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
    refArgReduce(op, arr(buf(x), dtype), x.offset, outer, r, inner, i32(out), out.offset);
  }
  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: View, ldc: number, accumulate: boolean): void {
    refMatmul(m, n, k, mat(a), mat(b), f32(c), c.offset, ldc, accumulate);
  }
  softmax(x: View, rows: number, cols: number, out: View, log: boolean): void {
    refSoftmax(f32(x), x.offset, rows, cols, f32(out), out.offset, log);
  }
  conv2d(x: View, w: View, bias: View | null, y: View, g: Conv2dGeom): void {
    refConv2d(f32(x), x.offset, f32(w), w.offset, bias === null ? null : f32(bias), bias?.offset ?? 0, f32(y), y.offset, g);
  }
  conv2dBackwardInput(gy: View, w: View, gx: View, g: Conv2dGeom): void {
    refConv2dBackwardInput(f32(gy), gy.offset, f32(w), w.offset, f32(gx), gx.offset, g);
  }
  conv2dBackwardWeight(x: View, gy: View, gw: View, g: Conv2dGeom): void {
    refConv2dBackwardWeight(f32(x), x.offset, f32(gy), gy.offset, f32(gw), gw.offset, g);
  }
  maxPool2d(x: View, y: View, indices: View, g: Pool2dGeom): void {
    refMaxPool2d(f32(x), x.offset, f32(y), y.offset, i32(indices), indices.offset, g);
  }
  maxPool2dBackward(gy: View, indices: View, gx: View, g: Pool2dGeom): void {
    refMaxPool2dBackward(f32(gy), gy.offset, i32(indices), indices.offset, f32(gx), gx.offset, g);
  }
  avgPool2d(x: View, y: View, g: Pool2dGeom): void {
    refAvgPool2d(f32(x), x.offset, f32(y), y.offset, g);
  }
  avgPool2dBackward(gy: View, gx: View, g: Pool2dGeom): void {
    refAvgPool2dBackward(f32(gy), gy.offset, f32(gx), gx.offset, g);
  }
  indexSelect(x: View, dtype: DType, outer: number, d: number, inner: number, idx: View, n: number, out: View): void {
    refIndexSelect(arr(buf(x), dtype), x.offset, outer, d, inner, i32(idx), idx.offset, n, arr(buf(out), dtype), out.offset);
  }
  indexAdd(src: View, outer: number, n: number, inner: number, idx: View, d: number, out: View): void {
    refIndexAdd(f32(src), src.offset, outer, n, inner, i32(idx), idx.offset, d, f32(out), out.offset);
  }
  gather(x: View, dtype: DType, xShape: readonly number[], axis: number, index: View, outShape: readonly number[], out: View): void {
    refGather(arr(buf(x), dtype), x.offset, xShape, axis, i32(index), index.offset, outShape, arr(buf(out), dtype), out.offset);
  }
  scatterAdd(src: View, outShape: readonly number[], axis: number, index: View, xShape: readonly number[], out: View): void {
    refScatterAdd(f32(src), src.offset, outShape, axis, i32(index), index.offset, xShape, f32(out), out.offset);
  }
  adamStep(p: View, g: View, m: View, v: View, vmax: View | null, n: number, a: AdamStepArgs): void {
    const xs = vmax === null ? null : f32(vmax);
    refAdamStep(f32(p), p.offset, f32(g), g.offset, f32(m), m.offset, f32(v), v.offset, xs, vmax?.offset ?? 0, n, a);
  }
}
