// Fused optimizer steps in plain TypeScript: every operation rounded to f32 (Math.fround) in the
// order the unfused composition of elementwise ops uses, so all three agree bit for bit.

import type { AdamStepArgs } from '../backend.js';

const f = Math.fround;

/**
 * Backend.adamStep: one Adam/AdamW step over n contiguous float32 elements, in place. Each tensor
 * is a (typed array, element offset) pair; `vs`/`xs` is vmax, used only when amsgrad.
 */
export function refAdamStep(
  ps: Float32Array,
  pi: number,
  gs: Float32Array,
  gi: number,
  ms: Float32Array,
  mi: number,
  vs: Float32Array,
  vi: number,
  xs: Float32Array | null,
  xi: number,
  n: number,
  a: AdamStepArgs,
): void {
  const [beta1, c1, beta2, c2, stepSize, bc2, eps, decay, wd] = [a.beta1, a.c1, a.beta2, a.c2, a.stepSize, a.bc2, a.eps, a.decay, a.wd].map(
    f,
  );
  for (let i = 0; i < n; i++) {
    let grad = gs[gi + i];
    let param = ps[pi + i];
    if (a.maximize) grad = -grad;
    if (a.decoupled) param = f(param * decay);
    if (a.l2) grad = f(grad + f(param * wd));
    const m1 = f(f(ms[mi + i] * beta1) + f(grad * c1));
    let v1 = f(f(vs[vi + i] * beta2) + f(f(grad * c2) * grad));
    ms[mi + i] = m1;
    vs[vi + i] = v1;
    if (a.amsgrad) {
      const old = (xs as Float32Array)[xi + i];
      v1 = Number.isNaN(old) || Number.isNaN(v1) ? Number.NaN : Math.max(old, v1);
      (xs as Float32Array)[xi + i] = v1;
    }
    const denom = f(f(f(Math.sqrt(v1)) / bc2) + eps);
    ps[pi + i] = f(param - f(f(m1 / denom) * stepSize));
  }
}
