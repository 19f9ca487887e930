// The webgpu matrix product: C (m, n) (+)= A (m, k) @ B (k, n) tiled in workgroup memory with
// register tiles, transposed operands read in place (MatArg.trans).
// Stub: not implemented yet (issue 11).

import type { MatArg, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example matmul(dev, ...) */
export function matmul(
  _dev: WebGpuDevice,
  _m: number,
  _n: number,
  _k: number,
  _a: MatArg,
  _b: MatArg,
  _c: View,
  _ldc: number,
  _accumulate: boolean,
): void {
  throw new Error('webgpu: matmul is not implemented yet');
}
