// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay:
// PyTorch 1.13's torch.optim.SGD, update for update.

import type { Tensor } from '../core/tensor.js';
import { add, clone, mul, neg, sub } from '../ops/elementwise.js';
import { checkBoolean, checkNonNegative, Optimizer, type ParamGroup, type Params, withDefaults, withTemps } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required, here or in every parameter group: SGD has no sensible default). */
  lr?: number;
  /** Momentum factor. Default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the gradient's contribution to the momentum buffer. Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient: grad + weightDecay * param. Default 0. */
  weightDecay?: number;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize?: boolean;
}

/** SGD's per-parameter state: the momentum buffer, created on the first step with momentum. */
export interface SGDState extends Record<string, Tensor | number | undefined> {
  momentumBuffer?: Tensor;
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum. With momentum m, dampening d:
 * `buf = m * buf + (1 - d) * grad` (buf = grad on the first step), then
 * `param -= lr * (nesterov ? grad + m * buf : buf)`.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Params<SGDOptions>, options: SGDOptions = {}) {
    const defaults = { lr: options?.lr as number, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };
    super('SGD', params, withDefaults('SGD', options, defaults));
  }

  protected validate(g: Required<SGDOptions>): void {
    if (g.lr === undefined)
      throw new TypeError('SGD: give a learning rate, e.g. new SGD(params, { lr: 0.01 }), or an lr in every parameter group');
    checkNonNegative('SGD', 'lr', g.lr);
    checkNonNegative('SGD', 'momentum', g.momentum);
    checkNonNegative('SGD', 'dampening', g.dampening);
    checkNonNegative('SGD', 'weightDecay', g.weightDecay);
    checkBoolean('SGD', 'nesterov', g.nesterov);
    checkBoolean('SGD', 'maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(`SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${g.momentum} and dampening ${g.dampening}`);
    }
  }

  protected update(param: Tensor, grad: Tensor, state: SGDState, group: ParamGroup<SGDOptions>): void {
    sgdUpdate(param, grad, state, group);
  }
}

/** One SGD step of one parameter (PyTorch's _single_tensor_sgd); runs under noGrad. */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDState, h: Required<SGDOptions>): void {
  withTemps((t) => {
    let d = h.maximize ? t(neg(grad)) : grad;
    if (h.weightDecay !== 0) d = t(add(d, t(mul(param, h.weightDecay))));
    if (h.momentum !== 0) {
      let buf = state.momentumBuffer;
      if (buf === undefined) {
        buf = clone(d);
        state.momentumBuffer = buf;
      } else {
        const fresh = h.dampening === 0 ? d : t(mul(d, 1 - h.dampening));
        buf.copy_(t(add(t(mul(buf, h.momentum)), fresh)));
      }
      d = h.nesterov ? t(add(d, t(mul(buf, h.momentum)))) : buf;
    }
    param.copy_(t(sub(param, t(mul(d, h.lr)))));
  });
}
