// The webgpu random numbers: a counter-based generator (each element a function of the seed and
// its index), so a draw is one dispatch and reproducible per device from manualSeed.
// Stub: not implemented yet (issue 11).

import type { RandomDist, View } from '../backend.js';
import type { WebGpuDevice } from './device.js';

/** Not implemented yet. @example random(dev, ...) */
export function random(
  _dev: WebGpuDevice,
  _out: View,
  _n: number,
  _dist: RandomDist,
  _seed: readonly [number, number],
  _low: number,
  _high: number,
): void {
  throw new Error('webgpu: random is not implemented yet');
}
