// The webgpu pooling kernels: max and average pooling of NCHW planes, forward and backward.
// Stub: not implemented yet (issue 11).

import type { Pool2dGeom, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example maxPool2d(dev, ...) */
export function maxPool2d(_dev: WebGpuDevice, _x: View, _y: View, _indices: View, _g: Pool2dGeom): void {
  throw new Error('webgpu: maxPool2d is not implemented yet');
}

/** Not implemented yet. @example maxPool2dBackward(dev, ...) */
export function maxPool2dBackward(_dev: WebGpuDevice, _gy: View, _indices: View, _gx: View, _g: Pool2dGeom): void {
  throw new Error('webgpu: maxPool2dBackward is not implemented yet');
}

/** Not implemented yet. @example avgPool2d(dev, ...) */
export function avgPool2d(_dev: WebGpuDevice, _x: View, _y: View, _g: Pool2dGeom): void {
  throw new Error('webgpu: avgPool2d is not implemented yet');
}

/** Not implemented yet. @example avgPool2dBackward(dev, ...) */
export function avgPool2dBackward(_dev: WebGpuDevice, _gy: View, _gx: View, _g: Pool2dGeom): void {
  throw new Error('webgpu: avgPool2dBackward is not implemented yet');
}
