// RMSprop (Hinton's lecture 6e), optionally centered and with momentum: PyTorch 1.13's
// torch.optim.RMSprop, update for update.

import type { Tensor } from '../core/tensor.js';
import { zerosLike } from '../ops/creation.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { checkBoolean, checkNonNegative, Optimizer, type ParamGroup, type Params, withDefaults, withTemps } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant of the running average of squared gradients. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment. Default false. */
  centered?: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize?: boolean;
}

type RMSpropGroup = Required<RMSpropOptions>;

/** RMSprop's per-parameter state, created on the parameter's first step. */
export interface RMSpropState extends Record<string, Tensor | number | undefined> {
  step?: number;
  /** Running average of the squared gradient. */
  squareAvg?: Tensor;
  /** Running average of the gradient (centered only). */
  gradAvg?: Tensor;
  /** Momentum buffer (momentum > 0 only). */
  momentumBuffer?: Tensor;
}

/**
 * RMSprop: `v = alpha v + (1 - alpha) g^2`, `avg = sqrt(v - (centered ? gAvg^2 : 0)) + eps`, then
 * `param -= lr * g / avg`, or with momentum `buf = momentum buf + g / avg; param -= lr * buf`.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, options: RMSpropOptions = {}) {
    const defaults: RMSpropGroup = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
    super('RMSprop', params, withDefaults('RMSprop', options, defaults));
  }

  protected validate(g: RMSpropGroup): void {
    checkNonNegative('RMSprop', 'lr', g.lr);
    checkNonNegative('RMSprop', 'alpha', g.alpha);
    checkNonNegative('RMSprop', 'eps', g.eps);
    checkNonNegative('RMSprop', 'weightDecay', g.weightDecay);
    checkNonNegative('RMSprop', 'momentum', g.momentum);
    checkBoolean('RMSprop', 'centered', g.centered);
    checkBoolean('RMSprop', 'maximize', g.maximize);
  }

  protected update(param: Tensor, grad: Tensor, state: RMSpropState, group: ParamGroup<RMSpropOptions>): void {
    rmspropUpdate(param, grad, state, group);
  }
}

/** One RMSprop step of one parameter (PyTorch's _single_tensor_rmsprop); runs under noGrad. */
export function rmspropUpdate(param: Tensor, grad: Tensor, state: RMSpropState, h: RMSpropGroup): void {
  withTemps((t) => {
    let g = h.maximize ? t(neg(grad)) : grad;
    state.step = (state.step ?? 0) + 1;
    if (h.weightDecay !== 0) g = t(add(g, t(mul(param, h.weightDecay))));
    state.squareAvg ??= zerosLike(param);
    const sq = state.squareAvg;
    sq.copy_(t(add(t(mul(sq, h.alpha)), t(mul(t(mul(g, 1 - h.alpha)), g)))));
    let avg: Tensor;
    if (h.centered) {
      state.gradAvg ??= zerosLike(param);
      const ga = state.gradAvg;
      ga.copy_(t(add(t(mul(ga, h.alpha)), t(mul(g, 1 - h.alpha)))));
      avg = t(sqrt(t(sub(sq, t(mul(ga, ga))))));
    } else {
      avg = t(sqrt(sq));
    }
    avg = t(add(avg, h.eps));
    if (h.momentum > 0) {
      state.momentumBuffer ??= zerosLike(param);
      const buf = state.momentumBuffer;
      buf.copy_(t(add(t(mul(buf, h.momentum)), t(div(g, avg)))));
      param.copy_(t(sub(param, t(mul(buf, h.lr)))));
    } else {
      param.copy_(t(sub(param, t(mul(t(div(g, avg)), h.lr)))));
    }
  });
}
