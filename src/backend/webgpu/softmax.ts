// The webgpu row kernels: softmax and log-softmax of (rows, cols), and the fused cross-entropy
// (loss, target weight and gradient of each row in one pass).
// Stub: not implemented yet (issue 11).

import type { CrossEntropyRowsArgs, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example softmax(dev, ...) */
export function softmax(_dev: WebGpuDevice, _x: View, _rows: number, _cols: number, _out: View, _log: boolean): void {
  throw new Error('webgpu: softmax is not implemented yet');
}

/** Not implemented yet. @example crossEntropyRows(dev, ...) */
export function crossEntropyRows(_dev: WebGpuDevice, _a: CrossEntropyRowsArgs): void {
  throw new Error('webgpu: crossEntropyRows is not implemented yet');
}
