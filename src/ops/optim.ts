// Fused optimizer updates: one primitive per parameter instead of a dozen elementwise ops, for
// the optimizers in src/optim. Each applies only to dense float32 tensors with their own memory;
// for anything else, or on a device whose backend lacks the fused kernel (it is optional), it
// returns false and the optimizer composes the same update from ops.

import type { AdamStepArgs } from '../backend/backend.js';
import { devicesOf, sameShape } from '../core/exec.js';
import type { Tensor } from '../core/tensor.js';

export type { AdamStepArgs } from '../backend/backend.js';

const NAMES = ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'];

/** Whether every tensor is dense float32 of `shape`, and no two share storage. */
function fusable(shape: readonly number[], ts: readonly Tensor[]): boolean {
  const storages = new Set();
  for (const t of ts) {
    if (t.dtype !== 'float32' || !t.isContiguous() || !sameShape(t.shape, shape) || storages.has(t.storage)) return false;
    storages.add(t.storage);
  }
  return true;
}

/**
 * One Adam/AdamW step in place: `m`, `v` (and `vmax` for AMSGrad) and `param` updated from `grad`
 * in one pass, bit-identical to the unfused update (src/optim/adam.ts). Returns false, touching
 * nothing, when the tensors are not dense float32 of one shape with separate memory, or their
 * device's backend has no fused adamStep. Throws when they are not all on one device.
 *
 * @example
 * adamStep_(p, p.grad!, state.expAvg, state.expAvgSq, null, { beta1: 0.9, c1: 0.1, ... });
 */
export function adamStep_(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, vmax: Tensor | null, args: AdamStepArgs): boolean {
  const ts = vmax === null ? [param, grad, m, v] : [param, grad, m, v, vmax];
  const dev = devicesOf('adamStep', ts, NAMES);
  const be = dev.backend;
  if (be.adamStep === undefined || !fusable(param.shape, ts)) return false;
  dev.beginOp();
  be.adamStep(param, grad, m, v, vmax, param.size, args);
  return true;
}
