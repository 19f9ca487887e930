// The webgpu convolutions: conv2d forward and both backward passes as implicit GEMMs (no im2col
// buffer), NCHW input, OIHW weight, groups, stride, padding and dilation.
// Stub: not implemented yet (issue 11).

import type { Conv2dGeom, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example conv2d(dev, ...) */
export function conv2d(_dev: WebGpuDevice, _x: View, _w: View, _bias: View | null, _y: View, _g: Conv2dGeom): void {
  throw new Error('webgpu: conv2d is not implemented yet');
}

/** Not implemented yet. @example conv2dBackwardInput(dev, ...) */
export function conv2dBackwardInput(_dev: WebGpuDevice, _gy: View, _w: View, _gx: View, _g: Conv2dGeom): void {
  throw new Error('webgpu: conv2dBackwardInput is not implemented yet');
}

/** Not implemented yet. @example conv2dBackwardWeight(dev, ...) */
export function conv2dBackwardWeight(_dev: WebGpuDevice, _x: View, _gy: View, _gw: View, _g: Conv2dGeom): void {
  throw new Error('webgpu: conv2dBackwardWeight is not implemented yet');
}
