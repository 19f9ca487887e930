// The webgpu index kernels: indexSelect, gather and their adjoints indexAdd and scatterAdd (float
// adds into shared rows by compare-and-swap on the f32 bits: WGSL has no float atomics).
// Stub: not implemented yet (issue 11).

import type { DType } from '../../core/dtype.js';
import type { View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example indexSelect(dev, ...) */
export function indexSelect(
  _dev: WebGpuDevice,
  _x: View,
  _dtype: DType,
  _outer: number,
  _d: number,
  _inner: number,
  _idx: View,
  _n: number,
  _out: View,
): void {
  throw new Error('webgpu: indexSelect is not implemented yet');
}

/** Not implemented yet. @example indexAdd(dev, ...) */
export function indexAdd(
  _dev: WebGpuDevice,
  _src: View,
  _outer: number,
  _n: number,
  _inner: number,
  _idx: View,
  _d: number,
  _out: View,
): void {
  throw new Error('webgpu: indexAdd is not implemented yet');
}

/** Not implemented yet. @example gather(dev, ...) */
export function gather(
  _dev: WebGpuDevice,
  _x: View,
  _dtype: DType,
  _xShape: readonly number[],
  _axis: number,
  _index: View,
  _outShape: readonly number[],
  _out: View,
): void {
  throw new Error('webgpu: gather is not implemented yet');
}

/** Not implemented yet. @example scatterAdd(dev, ...) */
export function scatterAdd(
  _dev: WebGpuDevice,
  _src: View,
  _outShape: readonly number[],
  _axis: number,
  _index: View,
  _xShape: readonly number[],
  _out: View,
): void {
  throw new Error('webgpu: scatterAdd is not implemented yet');
}
