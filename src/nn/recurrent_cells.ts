// Single-step recurrent cells: RNNCell (tanh/relu), LSTMCell and GRUCell, with PyTorch's
// parameter names (weight_ih, weight_hh, bias_ih, bias_hh), gate order and initialisation.

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { squeeze, unsqueeze } from '../ops/movement.js';
import { cellStep, inputProjection, type RecurrentMode, type RecurrentState, type RecurrentWeights } from './functional/recurrent.js';
import { uniform } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, choiceArg, inputArg, intArg, tensorArg } from './validate.js';

abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly weight_ih: Tensor;
  readonly weight_hh: Tensor;
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;
  protected readonly cellMode: RecurrentMode;

  protected constructor(name: string, mode: RecurrentMode, inputSize: number, hiddenSize: number, bias: boolean) {
    super();
    this.cellMode = mode;
    this.inputSize = intArg(name, 'inputSize', inputSize);
    this.hiddenSize = intArg(name, 'hiddenSize', hiddenSize);
    this.bias = boolArg(name, 'bias', bias);
    const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * this.hiddenSize;
    this.weight_ih = this.registerParameter('weight_ih', zeros([G, this.inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', zeros([G, this.hiddenSize]));
    this.bias_ih = this.registerParameter('bias_ih', this.bias ? zeros([G]) : null);
    this.bias_hh = this.registerParameter('bias_hh', this.bias ? zeros([G]) : null);
    this.resetParameters();
  }

  /** Re-draws every parameter from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch does. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -k, k);
  }

  /** One step: x (B, I) or (I), state tensors (B, H) or (H) (zeros when absent). */
  protected step(x: Tensor, h?: Tensor | null, c?: Tensor | null): RecurrentState {
    const name = `${this.constructor.name}(${this.inputSize}, ${this.hiddenSize})`;
    inputArg(name, x, [1, 2], '(B, inputSize) or (inputSize)');
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${name}: input must have inputSize=${this.inputSize} features in its last dim, got shape ${fmt(x.shape)}`);
    }
    const batched = x.ndim === 2;
    const xb = batched ? x : unsqueeze(x, 0);
    const B = xb.shape[0];
    const st = (arg: string, v: Tensor | null | undefined): Tensor => {
      if (v == null) return zeros([B, this.hiddenSize]);
      tensorArg(name, v, arg);
      const want = batched ? [B, this.hiddenSize] : [this.hiddenSize];
      if (v.ndim !== want.length || v.shape.some((s, i) => s !== want[i])) {
        throw new RangeError(`${name}: ${arg} must have shape ${fmt(want)}, got ${fmt(v.shape)}`);
      }
      return batched ? v : unsqueeze(v, 0);
    };
    const w: RecurrentWeights = { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
    const state: RecurrentState = { h: st('h', h) };
    if (this.cellMode === 'LSTM') state.c = st('c', c);
    const xp = squeeze(inputProjection(unsqueeze(xb, 0), w), 0); // (B, G*H)
    const next = cellStep(this.cellMode, xp, state, w);
    if (batched) return next;
    return next.c ? { h: squeeze(next.h, 0), c: squeeze(next.c, 0) } : { h: squeeze(next.h, 0) };
  }

  override getConfig(): ConfigValues {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
  }

  override extraRepr(): string {
    return `inputSize=${this.inputSize}, hiddenSize=${this.hiddenSize}, bias=${this.bias}`;
  }
}

/**
 * h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
 * Shape: x (B, inputSize) or (inputSize), h (B, hiddenSize) -> h' (B, hiddenSize).
 * @example const h1 = new RNNCell(10, 20).forward(randn([3, 10])); // [3, 20]
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = choiceArg('RNNCell', 'nonlinearity', options.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
    super('RNNCell', nl === 'relu' ? 'RNN_RELU' : 'RNN_TANH', inputSize, hiddenSize, options.bias ?? true);
    this.nonlinearity = nl;
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.step(x, h).h;
  }

  override getConfig(): ConfigValues {
    return { ...super.getConfig(), nonlinearity: this.nonlinearity };
  }
}

/**
 * LSTM cell, gates (i, f, g o). `forward` returns h'; `forwardState` returns [h', c'].
 * Shape: x (B, inputSize), h, c (B, hiddenSize) -> h', c' (B, hiddenSize).
 * @example const [h1, c1] = new LSTMCell(10, 20).forwardState(randn([3, 10]));
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, options.bias ?? true);
  }

  /** One step returning both states. @example const [h, c] = cell.forwardState(x, h0, c0); */
  forwardState(x: Tensor, h?: Tensor | null, c?: Tensor | null): [Tensor, Tensor] {
    const s = this.step(x, h, c);
    return [s.h, s.c as Tensor];
  }

  forward(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    return this.step(x, h, c).h;
  }
}

/**
 * GRU cell, gates (r, z, n).
 * Shape: x (B, inputSize), h (B, hiddenSize) -> h' (B, hiddenSize).
 * @example const h1 = new GRUCell(10, 20).forward(randn([3, 10]), h0);
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('GRUCell', 'GRU', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.step(x, h).h;
  }
}
