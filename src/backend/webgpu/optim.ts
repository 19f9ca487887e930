// The webgpu fused optimizer update: one Adam/AdamW (and AMSGrad) step per parameter in one dispatch.
// Stub: not implemented yet (issue 11).

import type { AdamStepArgs, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example adamStep(dev, ...) */
export function adamStep(
  _dev: WebGpuDevice,
  _p: View,
  _g: View,
  _m: View,
  _v: View,
  _vmax: View | null,
  _n: number,
  _a: AdamStepArgs,
): void {
  throw new Error('webgpu: adamStep is not implemented yet');
}
