// Fused optimizer steps in plain TypeScript: every operation rounded to f32 (Math.fround) in the
// order the unfused composition of elementwise ops uses, so all three agree bit for bit.

import { heap } from '../../core/heap.js';
import type { AdamStepArgs } from '../backend.js';

const f = Math.fround;

/** Backend.adamStep: one Adam/AdamW step over n contiguous float32 elements, in place. */
export function refAdamStep(p: number, g: number, m: number, v: number, vmax: number, n: number, a: AdamStepArgs): void {
  const h = heap().f32;
  const [pi, gi, mi, vi, xi] = [p >>> 2, g >>> 2, m >>> 2, v >>> 2, vmax >>> 2];
  const [beta1, c1, beta2, c2, stepSize, bc2, eps, decay, wd] = [a.beta1, a.c1, a.beta2, a.c2, a.stepSize, a.bc2, a.eps, a.decay, a.wd].map(
    f,
  );
  for (let i = 0; i < n; i++) {
    let grad = h[gi + i];
    let param = h[pi + i];
    if (a.maximize) grad = -grad;
    if (a.decoupled) param = f(param * decay);
    if (a.l2) grad = f(grad + f(param * wd));
    const m1 = f(f(h[mi + i] * beta1) + f(grad * c1));
    let v1 = f(f(h[vi + i] * beta2) + f(f(grad * c2) * grad));
    h[mi + i] = m1;
    h[vi + i] = v1;
    if (a.amsgrad) {
      const old = h[xi + i];
      v1 = Number.isNaN(old) || Number.isNaN(v1) ? Number.NaN : Math.max(old, v1);
      h[xi + i] = v1;
    }
    const denom = f(f(f(Math.sqrt(v1)) / bc2) + eps);
    h[pi + i] = f(param - f(f(m1 / denom) * stepSize));
  }
}
