// Fused optimizer updates: one pass over a parameter and its state instead of a dozen elementwise
// kernels. Each lane does exactly the f32 operations, in the same order, as the unfused composition
// in src/optim (so the fused and unfused updates are bit-identical), without FMA.

/** adamStep flags. */
const DECOUPLED: i32 = 1; // AdamW: p *= decay before the step
const L2: i32 = 2; // Adam: g += wd * p
const AMSGRAD: i32 = 4; // use max(vmax, v), kept in vmax
const MAXIMIZE: i32 = 8; // g = -g

/**
 * One Adam/AdamW step over elements [0, n) of contiguous float32 p, g, m, v (and vmax when
 * AMSGRAD): c1 = 1 - beta1, c2 = 1 - beta2, stepSize = lr / (1 - beta1^t), bc2 = sqrt(1 - beta2^t),
 * decay = 1 - lr * wd (AdamW) and wd (Adam's L2 term).
 */
export function adamStep(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vmax: usize,
  n: i32,
  beta1: f32,
  c1: f32,
  beta2: f32,
  c2: f32,
  stepSize: f32,
  bc2: f32,
  eps: f32,
  decay: f32,
  wd: f32,
  flags: i32,
): void {
  const vb1 = f32x4.splat(beta1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(beta2);
  const vc2 = f32x4.splat(c2);
  const vstep = f32x4.splat(stepSize);
  const vbc2 = f32x4.splat(bc2);
  const veps = f32x4.splat(eps);
  const vdecay = f32x4.splat(decay);
  const vwd = f32x4.splat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    let gi = v128.load(g + o);
    let pi = v128.load(p + o);
    if (flags & MAXIMIZE) gi = f32x4.neg(gi);
    if (flags & DECOUPLED) pi = f32x4.mul(pi, vdecay);
    if (flags & L2) gi = f32x4.add(gi, f32x4.mul(pi, vwd));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, vc1));
    let vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, vc2), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    if (flags & AMSGRAD) {
      vi = f32x4.max(v128.load(vmax + o), vi);
      v128.store(vmax + o, vi);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), vbc2), veps);
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(f32x4.div(mi, denom), vstep)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    let gi = load<f32>(g + o);
    let pi = load<f32>(p + o);
    if (flags & MAXIMIZE) gi = -gi;
    if (flags & DECOUPLED) pi = pi * decay;
    if (flags & L2) gi = gi + pi * wd;
    const mi = load<f32>(m + o) * beta1 + gi * c1;
    let vi = load<f32>(v + o) * beta2 + gi * c2 * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    if (flags & AMSGRAD) {
      vi = max<f32>(load<f32>(vmax + o), vi); // wasm's f32.max, like f32x4.max, propagates NaN
      store<f32>(vmax + o, vi);
    }
    const denom = sqrt<f32>(vi) / bc2 + eps;
    store<f32>(p + o, pi - (mi / denom) * stepSize);
  }
}
