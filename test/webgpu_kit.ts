// Shared by the webgpu kernel tests: the device (skipped, or failed under CI=true, without an
// adapter), the reference device as the oracle, inputs placed in both at an offset with any
// strides, and the comparison of an output within a relative plus absolute tolerance.

import assert from 'node:assert/strict';
import type { Strided, View } from '../src/backend/backend.js';
import { ReferenceDevice } from '../src/backend/reference/device.js';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import { registerWebGpu } from '../src/backend/webgpu/register.js';
import type { DType } from '../src/core/dtype.js';
import { Rng, skipUnlessAvailable } from './helpers.js';

export const WHAT =
  'a WebGPU adapter (npm install webgpu; on Linux without a GPU: apt-get install -t bookworm-backports mesa-vulkan-drivers)';

let gpuDev: WebGpuDevice | null | undefined;
export async function gpu(t: { skip(m?: string): void }): Promise<WebGpuDevice | null> {
  if (gpuDev === undefined) gpuDev = await registerWebGpu().catch(() => null);
  return skipUnlessAvailable(t, gpuDev !== null, WHAT) ? null : gpuDev;
}

export const ref = new ReferenceDevice();
export const PAD = 4; // every input starts at element 4 of its buffer (a multiple of 4 for bool)

/** The same values in a buffer of each device at element offset PAD, viewed with `shape`/`strides`. */
export interface Pair {
  g: Strided;
  r: Strided;
}

export function put(dev: WebGpuDevice, values: number[], dtype: DType, shape: number[], strides: number[]): Pair {
  const nbytes = (PAD + values.length) * (dtype === 'bool' ? 1 : 4);
  const gb = dev.allocate(nbytes);
  const rb = ref.allocate(nbytes);
  dev.write(gb, dtype, PAD, values);
  ref.write(rb, dtype, PAD, values);
  return { g: { buffer: gb, offset: PAD, dtype, shape, strides }, r: { buffer: rb, offset: PAD, dtype, shape, strides } };
}

export function outs(dev: WebGpuDevice, n: number, dtype: DType): { g: View; r: View } {
  const nbytes = n * (dtype === 'bool' ? 1 : 4);
  return { g: { buffer: dev.allocate(nbytes), offset: 0 }, r: { buffer: ref.allocate(nbytes), offset: 0 } };
}

export async function same(
  dev: WebGpuDevice,
  o: { g: View; r: View },
  dtype: DType,
  n: number,
  label: string,
  rel = 1e-4,
  abs = 1e-5,
): Promise<void> {
  const got = Array.from(await dev.read(o.g.buffer, dtype, o.g.offset, n));
  const want = Array.from(await ref.read(o.r.buffer, dtype, o.r.offset, n));
  for (let i = 0; i < n; i++) {
    const [a, b] = [got[i], want[i]];
    const ok = (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= abs + rel * Math.abs(b);
    assert.ok(ok, `${label}[${i}]: webgpu ${a}, reference ${b}`);
  }
}

export const rng = new Rng(11);
export const floats = (n: number, lo = -3, hi = 3) => Array.from({ length: n }, () => rng.uniform(lo, hi));
export const ints = (n: number, lo = -20, hi = 20) => Array.from({ length: n }, () => rng.int(lo, hi));
export const bools = (n: number) => Array.from({ length: n }, () => (rng.chance(0.5) ? 1 : 0));
export const gen = (dtype: DType, n: number) => (dtype === 'float32' ? floats(n) : dtype === 'int32' ? ints(n) : bools(n));

/** Views of an output of n elements of `dtype` at element `at` of a buffer whose other elements are 1 (whole: the buffer, total elements). */
export function outAt(dev: WebGpuDevice, n: number, dtype: DType, at: number) {
  const total = at + n + 5;
  const whole = outs(dev, total, dtype);
  const ones = new Array<number>(total).fill(1);
  dev.write(whole.g.buffer, dtype, 0, ones);
  ref.write(whole.r.buffer, dtype, 0, ones);
  return { g: { buffer: whole.g.buffer, offset: at }, r: { buffer: whole.r.buffer, offset: at }, whole, total };
}

/** The absolute tolerance of a reduction over `k` terms: 1e-5 scaled by sqrt(k/256) (at least 1e-5). */
export const sumTol = (k: number) => 1e-5 * Math.max(1, Math.sqrt(k / 256));

/** Asserts `got` equals `want` element by element within `abs + rel * |want|` (NaN equals NaN). */
export function closeTo(got: ArrayLike<number>, want: ArrayLike<number>, label: string, rel = 1e-4, abs = 1e-5): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const [a, b] = [got[i], want[i]];
    const ok = (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= abs + rel * Math.abs(b);
    assert.ok(ok, `${label}[${i}]: webgpu ${a}, reference ${b}`);
  }
}
