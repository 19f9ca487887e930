// Fused optimizer steps on the wasm kernels (src/kernels/optim.ts), split over the thread pool in
// chunks of whole vectors; the update is elementwise, so any split gives the same bits.

import type { AdamStepArgs } from '../backend.js';
import { threadsFor } from './elementwise.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel } from './pool.js';

/** Flag bits of the adamStep kernel. */
const DECOUPLED = 1;
const L2 = 2;
const AMSGRAD = 4;
const MAXIMIZE = 8;

/** Backend.adamStep on the wasm kernels. */
export function wasmAdamStep(
  kern: Kernels,
  p: number,
  g: number,
  m: number,
  v: number,
  vmax: number,
  n: number,
  a: AdamStepArgs,
  threads = poolThreads(),
): void {
  if (n === 0) return;
  const flags = (a.decoupled ? DECOUPLED : 0) | (a.l2 ? L2 : 0) | (a.amsgrad ? AMSGRAD : 0) | (a.maximize ? MAXIMIZE : 0);
  const scalars = [a.beta1, a.c1, a.beta2, a.c2, a.stepSize, a.bc2, a.eps, a.decay, a.wd, flags];
  // a square root and a division per element: split from the transcendental ops' size, not the
  // memory-bound ones' (the MLP's 784x256 weight, 200k elements, then runs on both threads)
  const t = threadsFor(n, false, threads);
  const chunk = Math.ceil(n / t / 4) * 4;
  const parts: number[][] = [];
  for (let s = 0; s < n; s += chunk) {
    const o = 4 * s;
    parts.push([p + o, g + o, m + o, v + o, vmax === 0 ? 0 : vmax + o, Math.min(chunk, n - s), ...scalars]);
  }
  runParallel(kern, 'adamStep', parts);
}
