// Adam and AdamW: PyTorch 1.13's torch.optim.Adam and torch.optim.AdamW, update for update
// (bias corrections applied as lr / (1 - beta1^t) and sqrt(v) / sqrt(1 - beta2^t) + eps).
// They differ only in weight decay: Adam adds an L2 term to the gradient, AdamW decays the
// parameter directly (decoupled weight decay, Loshchilov & Hutter).

import type { Tensor } from '../core/tensor.js';
import { zerosLike } from '../ops/creation.js';
import { add, div, maximum, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { adamStep_ } from '../ops/optim.js';
import { checkBoolean, checkNonNegative, Optimizer, type ParamGroup, type Params, withDefaults, withTemps } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay rate. Default 0 (Adam), 1e-2 (AdamW). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad). Default false. */
  amsgrad?: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize?: boolean;
}

/** Adam's resolved hyperparameters for one parameter group. */
export type AdamGroup = Required<AdamOptions> & { lr: number };

/** Adam's per-parameter state, created on the parameter's first step. */
export interface AdamState extends Record<string, Tensor | number | undefined> {
  step?: number;
  /** Running average of the gradient (first moment). */
  expAvg?: Tensor;
  /** Running average of the squared gradient (second moment). */
  expAvgSq?: Tensor;
  /** The maximum of expAvgSq so far (amsgrad only). */
  maxExpAvgSq?: Tensor;
}

function adamDefaults(name: string, options: AdamOptions, weightDecay: number): AdamGroup {
  const defaults: AdamGroup = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false };
  return withDefaults(name, options, defaults);
}

function validateAdam(name: string, g: AdamGroup): void {
  checkNonNegative(name, 'lr', g.lr);
  checkNonNegative(name, 'eps', g.eps);
  if (!Array.isArray(g.betas) || g.betas.length !== 2)
    throw new TypeError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
  checkNonNegative(name, 'betas[0]', g.betas[0], true);
  checkNonNegative(name, 'betas[1]', g.betas[1], true);
  checkNonNegative(name, 'weightDecay', g.weightDecay);
  checkBoolean(name, 'amsgrad', g.amsgrad);
  checkBoolean(name, 'maximize', g.maximize);
}

/**
 * Adam (Kingma & Ba). Per step t: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
 * `param -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`; weightDecay adds
 * `weightDecay * param` to g first (L2; prefer AdamW for decoupled decay).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, options: AdamOptions = {}) {
    super('Adam', params, adamDefaults('Adam', options, 0));
  }

  protected validate(g: AdamGroup): void {
    validateAdam(this.name, g);
  }

  protected update(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    adamUpdate(param, grad, state, group, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, `param *= 1 - lr * weightDecay`
 * before the Adam step. Default weightDecay 1e-2.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, options: AdamOptions = {}) {
    super('AdamW', params, adamDefaults('AdamW', options, 1e-2));
  }

  protected validate(g: AdamGroup): void {
    validateAdam(this.name, g);
  }

  protected update(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    adamUpdate(param, grad, state, group, true);
  }
}

/**
 * One Adam (or, with `decoupled`, AdamW) step of one parameter, as PyTorch's _single_tensor_adam
 * and _single_tensor_adamw; runs under noGrad. Dense float32 parameters take the fused primitive
 * (one pass over the parameter and its state); anything else the same update composed from ops.
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: AdamState, h: AdamGroup, decoupled: boolean): void {
  const [beta1, beta2] = h.betas;
  state.expAvg ??= zerosLike(param);
  state.expAvgSq ??= zerosLike(param);
  if (h.amsgrad) state.maxExpAvgSq ??= zerosLike(param);
  const step = (state.step ?? 0) + 1;
  const fused = adamStep_(param, grad, state.expAvg, state.expAvgSq, h.amsgrad ? (state.maxExpAvgSq as Tensor) : null, {
    beta1,
    c1: 1 - beta1,
    beta2,
    c2: 1 - beta2,
    stepSize: h.lr / (1 - beta1 ** step),
    bc2: Math.sqrt(1 - beta2 ** step),
    eps: h.eps,
    decay: 1 - h.lr * h.weightDecay,
    wd: h.weightDecay,
    decoupled: decoupled && h.weightDecay !== 0,
    l2: !decoupled && h.weightDecay !== 0,
    amsgrad: h.amsgrad,
    maximize: h.maximize,
  });
  if (fused) state.step = step;
  else adamUpdateComposed(param, grad, state, h, decoupled);
}

/** adamUpdate from elementwise ops: the plain path the fused primitive is tested against. */
export function adamUpdateComposed(param: Tensor, grad: Tensor, state: AdamState, h: AdamGroup, decoupled: boolean): void {
  withTemps((t) => {
    const [beta1, beta2] = h.betas;
    let g = h.maximize ? t(neg(grad)) : grad;
    const step = (state.step ?? 0) + 1;
    state.step = step;
    if (decoupled) {
      if (h.weightDecay !== 0) param.copy_(t(mul(param, 1 - h.lr * h.weightDecay)));
    } else if (h.weightDecay !== 0) {
      g = t(add(g, t(mul(param, h.weightDecay))));
    }
    state.expAvg ??= zerosLike(param);
    const m = state.expAvg;
    state.expAvgSq ??= zerosLike(param);
    const v = state.expAvgSq;
    m.copy_(t(add(t(mul(m, beta1)), t(mul(g, 1 - beta1)))));
    v.copy_(t(add(t(mul(v, beta2)), t(mul(t(mul(g, 1 - beta2)), g)))));

    const stepSize = h.lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    let second = v;
    if (h.amsgrad) {
      state.maxExpAvgSq ??= zerosLike(param);
      const vMax = state.maxExpAvgSq;
      vMax.copy_(t(maximum(vMax, v)));
      second = vMax;
    }
    const denom = t(add(t(div(t(sqrt(second)), bc2Sqrt)), h.eps));
    param.copy_(t(sub(param, t(mul(t(div(m, denom)), stepSize)))));
  });
}
