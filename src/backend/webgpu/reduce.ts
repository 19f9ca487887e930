// The webgpu reductions: sum/max/min/prod and argmax/argmin of contiguous (outer, r, inner) over r.

import type { DType } from '../../core/dtype.js';
import type { ReduceOp, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { reduceWgsl } from './wgsl.js';

/** out (outer, inner) = op over r of x (outer, r, inner). @example reduce(dev, 'sum', x, 'float32', 1, 8, 1, out) */
export function reduce(dev: WebGpuDevice, op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
  if (dtype === 'bool') throw new Error('webgpu: reduce of bool is not implemented yet');
  const code = reduceWgsl(op, dtype);
  dev.dispatch(code, [outer, r, inner, x.offset, out.offset], out.buffer as GpuBuf, [x.buffer as GpuBuf], outer * inner);
}

/** Not implemented yet. @example argReduce(dev, 'argmax', x, 'float32', 1, 8, 1, out) */
export function argReduce(
  _dev: WebGpuDevice,
  _op: 'argmax' | 'argmin',
  _x: View,
  _dtype: DType,
  _outer: number,
  _r: number,
  _inner: number,
  _out: View,
): void {
  throw new Error('webgpu: argReduce is not implemented yet');
}
