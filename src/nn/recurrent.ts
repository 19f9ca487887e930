// Multi-layer recurrent networks: RNN (tanh/relu), LSTM (with projSize) and GRU, with PyTorch's
// arguments, parameter names (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0) and layouts, so state
// dicts load both ways. Initial states in, final states out, and per-sequence lengths.

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { tensor, zeros } from '../ops/creation.js';
import { concat, reshape, select, squeeze, stack, transpose, unsqueeze } from '../ops/movement.js';
import { dropout } from '../ops/nn.js';
import { type RecurrentMode, type RecurrentState, type RecurrentWeights, recurrentLayer } from './functional/recurrent.js';
import { uniform } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, choiceArg, inputArg, intArg, numberArg, tensorArg } from './validate.js';

/** Options shared by RNN, LSTM and GRU (PyTorch's keyword arguments). */
export interface RecurrentOptions {
  /** Stacked layers. Default 1. */
  numLayers?: number;
  /** Learn b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are (B, T, *) instead of (T, B, *); states stay (L*D, B, H). Default false. */
  batchFirst?: boolean;
  /** Dropout on every layer's output but the last, in training only. Default 0. */
  dropout?: number;
  /** Run a second pass from the end; outputs concatenate [forward, backward]. Default false. */
  bidirectional?: boolean;
}

/** RNN options: the nonlinearity too. */
export interface RNNOptions extends RecurrentOptions {
  /** Default 'tanh'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** LSTM options: an optional projection of h (LSTMP). */
export interface LSTMOptions extends RecurrentOptions {
  /** If > 0, h is projected to this size by weight_hr (projSize < hiddenSize). Default 0. */
  projSize?: number;
}

/** Optional arguments of a recurrent forward call. */
export interface RecurrentInputs {
  /** Initial hidden state (L*D, B, P or H), or (L*D, P or H) for unbatched input. Default zeros. */
  h0?: Tensor | null;
  /** LSTM's initial cell state (L*D, B, H). Default zeros. */
  c0?: Tensor | null;
  /** Each sequence's length (B values in 1..T): outputs are zero past it and final states taken at it. */
  lengths?: Tensor | readonly number[] | null;
}

/** What a recurrent forward call returns: output (T, B, D*P) (batchFirst: (B, T, D*P)), hN, and cN for LSTM. */
export interface RecurrentResult {
  output: Tensor;
  hN: Tensor;
  cN?: Tensor;
}

abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  protected abstract readonly mode: RecurrentMode;
  readonly #weights: RecurrentWeights[] = [];

  protected constructor(name: string, mode: RecurrentMode, inputSize: number, hiddenSize: number, o: LSTMOptions) {
    super();
    this.inputSize = intArg(name, 'inputSize', inputSize);
    this.hiddenSize = intArg(name, 'hiddenSize', hiddenSize);
    this.numLayers = intArg(name, 'numLayers', o.numLayers ?? 1);
    this.bias = boolArg(name, 'bias', o.bias ?? true);
    this.batchFirst = boolArg(name, 'batchFirst', o.batchFirst ?? false);
    this.dropout = numberArg(name, 'dropout', o.dropout ?? 0, 0, 1);
    this.bidirectional = boolArg(name, 'bidirectional', o.bidirectional ?? false);
    this.projSize = intArg(name, 'projSize', o.projSize ?? 0, 0);
    if (this.projSize >= this.hiddenSize) {
      throw new RangeError(`${name}: projSize must be smaller than hiddenSize (${this.hiddenSize}), got ${this.projSize}`);
    }
    const gates = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
    const G = gates * this.hiddenSize;
    const out = this.projSize > 0 ? this.projSize : this.hiddenSize;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? this.inputSize : out * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const w: RecurrentWeights = {
          wIh: this.registerParameter(`weight_ih${sfx}`, zeros([G, inSize])),
          wHh: this.registerParameter(`weight_hh${sfx}`, zeros([G, out])),
          bIh: this.registerParameter(`bias_ih${sfx}`, this.bias ? zeros([G]) : null),
          bHh: this.registerParameter(`bias_hh${sfx}`, this.bias ? zeros([G]) : null),
        };
        if (this.projSize > 0) w.wHr = this.registerParameter(`weight_hr${sfx}`, zeros([this.projSize, this.hiddenSize]));
        this.#weights.push(w);
      }
    }
    this.resetParameters();
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Re-draws every weight and bias from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch does. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -k, k);
  }

  protected get layerName(): string {
    return `${this.constructor.name}(${this.inputSize}, ${this.hiddenSize})`;
  }

  /**
   * The full forward pass: output, final hidden state hN (L*D, B, P or H) and, for LSTM, cN (L*D, B, H).
   * @example const { output, hN } = gru.forwardState(x, { lengths: [5, 3] });
   */
  forwardState(input: Tensor, inputs: RecurrentInputs = {}): RecurrentResult {
    const name = this.layerName;
    const x0 = inputArg(
      name,
      input,
      [2, 3],
      this.batchFirst ? '(B, T, inputSize) or (T, inputSize)' : '(T, B, inputSize) or (T, inputSize)',
    );
    if (x0.shape[x0.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${name}: input must have inputSize=${this.inputSize} features in its last dim, got shape ${fmt(x0.shape)}`);
    }
    const batched = x0.ndim === 3;
    let x = batched ? (this.batchFirst ? transpose(x0, 0, 1) : x0) : unsqueeze(x0, 1); // (T, B, I)
    const [T, B] = x.shape;
    const LD = this.numLayers * this.numDirections;
    const out = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const h0 = this.#state(name, 'h0', inputs.h0, [LD, B, out], batched);
    const c0 = this.mode === 'LSTM' ? this.#state(name, 'c0', inputs.c0, [LD, B, this.hiddenSize], batched) : null;
    if (this.mode !== 'LSTM' && inputs.c0 != null) throw new TypeError(`${name}: c0 is only for LSTM`);
    const mask = this.#mask(name, inputs.lengths, T, B, x.storage.device);
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0 && this.dropout > 0 && this.training) x = dropout(x, this.dropout, true);
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const i = l * this.numDirections + d;
        const s0: RecurrentState = { h: select(h0, 0, i) };
        if (c0 !== null) s0.c = select(c0, 0, i);
        const { output, state } = recurrentLayer(this.mode, x, s0, this.#weights[i], mask, d === 1);
        dirOuts.push(output);
        hs.push(state.h);
        if (state.c) cs.push(state.c);
      }
      x = dirOuts.length === 1 ? dirOuts[0] : concat(dirOuts, 2);
    }
    let hN = stack(hs, 0);
    let cN = cs.length > 0 ? stack(cs, 0) : undefined;
    const output = batched ? (this.batchFirst ? transpose(x, 0, 1) : x) : squeeze(x, 1);
    if (!batched) {
      hN = squeeze(hN, 1);
      if (cN) cN = squeeze(cN, 1);
    }
    return cN ? { output, hN, cN } : { output, hN };
  }

  /**
   * The output sequence only (use `forwardState` for the final states and lengths).
   * @example lstm.forward(x).shape; // [T, B, D * hiddenSize]
   */
  forward(input: Tensor, h0?: Tensor, c0?: Tensor): Tensor {
    return this.forwardState(input, { h0, c0 }).output;
  }

  #state(name: string, arg: string, value: Tensor | null | undefined, shape: number[], batched: boolean): Tensor {
    const want = batched ? shape : [shape[0], shape[2]];
    if (value == null) return zeros(shape);
    tensorArg(name, value, arg);
    if (value.ndim !== want.length || value.shape.some((s, i) => s !== want[i])) {
      throw new RangeError(
        `${name}: ${arg} must have shape ${fmt(want)} (numLayers*numDirections, ${batched ? 'B, ' : ''}size), got ${fmt(value.shape)}`,
      );
    }
    return batched ? value : unsqueeze(value, 1);
  }

  #mask(name: string, lengths: RecurrentInputs['lengths'], T: number, B: number, device: Tensor['storage']['device']): Tensor | null {
    if (lengths == null) return null;
    let lens: number[];
    if (Array.isArray(lengths)) lens = [...(lengths as number[])];
    else {
      const t = tensorArg(name, lengths, 'lengths');
      if (t.ndim !== 1) throw new RangeError(`${name}: lengths must be 1-D (B), got shape ${fmt(t.shape)}`);
      lens = Array.from(t.toTypedArray(), Number);
    }
    if (lens.length !== B) throw new RangeError(`${name}: lengths must have B=${B} entries, got ${lens.length}`);
    lens.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 1 || n > T) throw new RangeError(`${name}: lengths[${b}] must be an integer in 1..${T}, got ${n}`);
    });
    const m = new Float32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = t < lens[b] ? 1 : 0;
    if (lens.every((n) => n === T)) return null;
    return reshape(tensor(m, { device }), [T, B, 1]);
  }

  override getConfig(): ConfigValues {
    const c: ConfigValues = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
    };
    if (this.mode === 'LSTM') c.projSize = this.projSize;
    if (this.mode === 'RNN_RELU' || this.mode === 'RNN_TANH') c.nonlinearity = this.mode === 'RNN_RELU' ? 'relu' : 'tanh';
    return c;
  }

  override extraRepr(): string {
    return Object.entries(this.getConfig())
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  }
}

/**
 * Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).
 *
 * Shape: input (T, B, inputSize) (batchFirst: (B, T, inputSize)) or unbatched (T, inputSize) ->
 * output (T, B, D*hiddenSize); hN (numLayers*D, B, hiddenSize).
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const { output, hN } = rnn.forwardState(randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RecurrentBase {
  protected readonly mode: RecurrentMode;
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nl = choiceArg('RNN', 'nonlinearity', options.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
    super('RNN', nl === 'relu' ? 'RNN_RELU' : 'RNN_TANH', inputSize, hiddenSize, { ...options, projSize: 0 });
    this.mode = nl === 'relu' ? 'RNN_RELU' : 'RNN_TANH';
  }
}

/**
 * LSTM, gates ordered (i, f, g, o) in weight_ih/weight_hh as PyTorch does; with projSize > 0, h is
 * projected by weight_hr_l{k} (projSize, hiddenSize).
 *
 * Shape: input (T, B, inputSize) -> output (T, B, D*P), hN (numLayers*D, B, P), cN (numLayers*D, B, H),
 * with P = projSize || hiddenSize.
 *
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const { output, hN, cN } = lstm.forwardState(randn([3, 5, 10]), { lengths: [5, 4, 2] });
 */
export class LSTM extends RecurrentBase {
  protected readonly mode: RecurrentMode = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, options);
  }
}

/**
 * GRU, gates ordered (r, z, n): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) n + z h.
 *
 * Shape: as RNN.
 *
 * @example
 * const gru = new GRU(10, 20, { bidirectional: true });
 * gru.forward(randn([5, 3, 10])).shape; // [5, 3, 40]
 */
export class GRU extends RecurrentBase {
  protected readonly mode: RecurrentMode = 'GRU';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, { ...options, projSize: 0 });
  }
}
