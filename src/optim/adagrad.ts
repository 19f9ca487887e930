// Adagrad (Duchi et al.) with learning-rate decay: PyTorch 1.13's torch.optim.Adagrad, update for
// update (dense gradients).

import type { Tensor } from '../core/tensor.js';
import { fullLike } from '../ops/creation.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { checkBoolean, checkNonNegative, Optimizer, type ParamGroup, type Params, withDefaults, withTemps } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** The learning rate at step t is lr / (1 + (t - 1) * lrDecay). Default 0. */
  lrDecay?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps?: number;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize?: boolean;
}

type AdagradGroup = Required<AdagradOptions>;

/** Adagrad's per-parameter state, created on the parameter's first step. */
export interface AdagradState extends Record<string, Tensor | number | undefined> {
  step?: number;
  /** Sum of squared gradients (from initialAccumulatorValue). */
  sum?: Tensor;
}

/**
 * Adagrad: `sum += g^2`, `param -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)`.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: Params<AdagradOptions>, options: AdagradOptions = {}) {
    const defaults: AdagradGroup = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };
    super('Adagrad', params, withDefaults('Adagrad', options, defaults));
  }

  protected validate(g: AdagradGroup): void {
    checkNonNegative('Adagrad', 'lr', g.lr);
    checkNonNegative('Adagrad', 'lrDecay', g.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', g.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', g.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', g.eps);
    checkBoolean('Adagrad', 'maximize', g.maximize);
  }

  protected update(param: Tensor, grad: Tensor, state: AdagradState, group: ParamGroup<AdagradOptions>): void {
    adagradUpdate(param, grad, state, group);
  }
}

/** One Adagrad step of one parameter (PyTorch's _single_tensor_adagrad); runs under noGrad. */
export function adagradUpdate(param: Tensor, grad: Tensor, state: AdagradState, h: AdagradGroup): void {
  withTemps((t) => {
    const step = (state.step ?? 0) + 1;
    state.step = step;
    let g = h.maximize ? t(neg(grad)) : grad;
    if (h.weightDecay !== 0) g = t(add(g, t(mul(param, h.weightDecay))));
    const clr = h.lr / (1 + (step - 1) * h.lrDecay);
    state.sum ??= fullLike(param, h.initialAccumulatorValue);
    const sum = state.sum;
    sum.copy_(t(add(sum, t(mul(g, g)))));
    const std = t(add(t(sqrt(sum)), h.eps));
    param.copy_(t(sub(param, t(mul(t(div(g, std)), clr)))));
  });
}
