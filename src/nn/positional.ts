// Positional encodings for sequence models: the fixed sinusoidal table of "Attention Is All You
// Need", a learned table of position embeddings, and rotary embeddings (RoPE, RoFormer) that rotate
// pairs of query/key features by position-dependent angles, in both pairings in use.

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { tensor, zeros } from '../ops/creation.js';
import { add, mul, neg } from '../ops/elementwise.js';
import { concat, narrow, reshape } from '../ops/movement.js';
import { Dropout } from './dropout.js';
import { normal } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, numberArg, tensorArg } from './validate.js';

/**
 * The sinusoidal table (length, dModel) of Vaswani et al. (and PyTorch's Transformer tutorial):
 * pe[p, 2i] = sin(p / base^(2i / dModel)), pe[p, 2i + 1] = cos(p / base^(2i / dModel)), rows for
 * positions offset .. offset + length - 1. Computed in float64, stored float32. Odd dModel: the
 * last column is a sine.
 * @example sinusoidalEncoding(64, 128).shape // [64, 128]
 */
export function sinusoidalEncoding(
  length: number,
  dModel: number,
  options: { offset?: number; base?: number; device?: string } = {},
): Tensor {
  const n = intArg('sinusoidalEncoding', 'length', length, 0);
  const d = intArg('sinusoidalEncoding', 'dModel', dModel);
  const offset = intArg('sinusoidalEncoding', 'offset', options.offset ?? 0, 0);
  const base = numberArg('sinusoidalEncoding', 'base', options.base ?? 10000, 0);
  const out = new Float32Array(n * d);
  for (let j = 0; j < d; j++) {
    // the tutorial's div_term: exp(2i * -ln(base) / dModel)
    const freq = Math.exp(2 * Math.floor(j / 2) * (-Math.log(base) / d));
    for (let p = 0; p < n; p++) {
      const a = (p + offset) * freq;
      out[p * d + j] = j % 2 === 0 ? Math.sin(a) : Math.cos(a);
    }
  }
  return reshape(tensor(out, { device: options.device }), [n, d]);
}

export interface SinusoidalPositionalEncodingOptions {
  /** Longest sequence (rows of the table). Default 5000, as the tutorial's. */
  maxLen?: number;
  /** Dropout applied after adding the encoding (the tutorial uses 0.1). Default 0. */
  dropout?: number;
  /** The base of the wavelengths. Default 10000. */
  base?: number;
}

/**
 * Adds the fixed sinusoidal encoding (see `sinusoidalEncoding`) to x, then dropout: PyTorch's
 * Transformer tutorial's PositionalEncoding, positions along dim -2 (batch-first layouts).
 * The table is a non-persistent buffer (not in the state dict; it is recomputed).
 *
 * Args: dModel, `{ maxLen = 5000, dropout = 0, base = 10000 }`.
 * Shape: x (*, T, dModel) -> same. `encode(x, offset)` starts at position `offset` (decoding with a cache).
 *
 * @example new SinusoidalPositionalEncoding(128).forward(randn([4, 64, 128])).shape; // [4, 64, 128]
 */
export class SinusoidalPositionalEncoding extends Module {
  readonly dModel: number;
  readonly maxLen: number;
  readonly base: number;
  readonly pe: Tensor;
  readonly dropout: Dropout;

  constructor(dModel: number, options: SinusoidalPositionalEncodingOptions = {}) {
    super();
    this.dModel = intArg('SinusoidalPositionalEncoding', 'dModel', dModel);
    this.maxLen = intArg('SinusoidalPositionalEncoding', 'maxLen', options.maxLen ?? 5000);
    this.base = numberArg('SinusoidalPositionalEncoding', 'base', options.base ?? 10000, 0);
    this.dropout = this.registerModule('dropout', new Dropout(options.dropout ?? 0));
    this.pe = this.registerBuffer('pe', sinusoidalEncoding(this.maxLen, this.dModel, { base: this.base }), { persistent: false });
  }

  forward(x: Tensor): Tensor {
    return this.encode(x, 0);
  }

  /** x plus the encodings of positions offset .. offset + T - 1 (then dropout). */
  encode(x: Tensor, offset = 0): Tensor {
    const name = `SinusoidalPositionalEncoding(${this.dModel})`;
    tensorArg(name, x);
    const t = checkSequence(name, x, this.dModel, offset, this.maxLen);
    return this.dropout.forward(add(x, narrow(this.pe, 0, offset, t)));
  }

  override getConfig(): ConfigValues {
    return { dModel: this.dModel, maxLen: this.maxLen, dropout: this.dropout.p, base: this.base };
  }

  override extraRepr(): string {
    return `${this.dModel}, maxLen=${this.maxLen}, base=${this.base}`;
  }
}

/**
 * A learned table of position embeddings added to x: GPT-2's `wpe`, an Embedding over positions
 * 0 .. maxLen - 1. The parameter is named `weight` (maxLen, dModel) like nn.Embedding's, so an
 * Embedding's state dict (for example GPT-2's `wpe.weight`) loads into it; initialised N(0, 1)
 * like Embedding (GPT-2 and nanoGPT re-initialise it with std 0.02).
 *
 * Args: maxLen, dModel. Shape: x (*, T, dModel) -> same; `encode(x, offset)` uses rows offset .. offset + T - 1.
 *
 * @example new LearnedPositionalEmbedding(1024, 768).forward(tokEmb).shape; // tokEmb's
 */
export class LearnedPositionalEmbedding extends Module {
  readonly maxLen: number;
  readonly dModel: number;
  readonly weight: Tensor;

  constructor(maxLen: number, dModel: number) {
    super();
    this.maxLen = intArg('LearnedPositionalEmbedding', 'maxLen', maxLen);
    this.dModel = intArg('LearnedPositionalEmbedding', 'dModel', dModel);
    this.weight = this.registerParameter('weight', zeros([this.maxLen, this.dModel]));
    this.resetParameters();
  }

  /** N(0, 1), as nn.Embedding. */
  resetParameters(): void {
    normal(this.weight);
  }

  /** The embeddings of positions offset .. offset + length - 1: (length, dModel). */
  positions(length: number, offset = 0): Tensor {
    const name = `LearnedPositionalEmbedding(${this.maxLen}, ${this.dModel})`;
    intArg(name, 'length', length, 0);
    intArg(name, 'offset', offset, 0);
    if (offset + length > this.maxLen) {
      throw new RangeError(`${name}: positions ${offset}..${offset + length - 1} run past maxLen ${this.maxLen}`);
    }
    return narrow(this.weight, 0, offset, length);
  }

  forward(x: Tensor): Tensor {
    return this.encode(x, 0);
  }

  /** x plus the embeddings of positions offset .. offset + T - 1. */
  encode(x: Tensor, offset = 0): Tensor {
    const name = `LearnedPositionalEmbedding(${this.maxLen}, ${this.dModel})`;
    tensorArg(name, x);
    const t = checkSequence(name, x, this.dModel, offset, this.maxLen);
    return add(x, narrow(this.weight, 0, offset, t));
  }

  override getConfig(): ConfigValues {
    return { maxLen: this.maxLen, dModel: this.dModel };
  }

  override extraRepr(): string {
    return `${this.maxLen}, ${this.dModel}`;
  }
}

/** Checks x is (*, T, d) with positions offset .. offset + T - 1 inside the table; returns T. */
function checkSequence(name: string, x: Tensor, d: number, offset: number, maxLen: number): number {
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== d) {
    throw new RangeError(`${name}: input must be (*, T, ${d}), got shape ${fmt(x.shape)}`);
  }
  intArg(name, 'offset', offset, 0);
  const t = x.shape[x.ndim - 2];
  if (offset + t > maxLen) throw new RangeError(`${name}: positions ${offset}..${offset + t - 1} run past maxLen ${maxLen}`);
  return t;
}

// ---- rotary ---------------------------------------------------------------------------------

export interface RotaryOptions {
  /** The base of the angles theta_i = base^(-2i / D). Default 10000. */
  base?: number;
  /**
   * How features pair up. false (default): the half-split pairing of GPT-NeoX and LLaMA (Hugging
   * Face's rotate_half), feature i with feature i + D/2. true: RoFormer's original interleaved
   * pairing (GPT-J, Mesh Transformer JAX), feature 2i with feature 2i + 1.
   */
  interleaved?: boolean;
}

/** Positions as a list: an offset (offset .. offset + T - 1) or one integer per row. */
function positionList(name: string, positions: number | readonly number[] | Int32Array, t: number): readonly number[] | Int32Array {
  if (typeof positions === 'number') {
    intArg(name, 'positions', positions, 0);
    return Array.from({ length: t }, (_, i) => positions + i);
  }
  if (positions.length !== t) throw new RangeError(`${name}: positions must have one entry per row (${t}), got ${positions.length}`);
  for (const p of positions) {
    if (!Number.isInteger(p)) throw new TypeError(`${name}: positions must be integers, got ${p}`);
  }
  return positions;
}

/**
 * The (T, D) cos and sin tables of rotary embeddings for the given positions, laid out for the
 * pairing: half-split repeats the D/2 angles ([t0..t_{D/2-1}, t0..t_{D/2-1}]), interleaved
 * repeats each ([t0, t0, t1, t1, ...]). theta_i = base^(-2i/D), angle = position * theta_i, in float64.
 * @example const { cos, sin } = rotaryTables([0, 1, 2], 64);
 */
export function rotaryTables(
  positions: readonly number[] | Int32Array,
  dim: number,
  options: RotaryOptions & { device?: string } = {},
): { cos: Tensor; sin: Tensor } {
  const d = intArg('rotaryTables', 'dim', dim);
  if (d % 2 !== 0) throw new RangeError(`rotaryTables: dim must be even, got ${d}`);
  const base = numberArg('rotaryTables', 'base', options.base ?? 10000, 0);
  const interleaved = boolArg('rotaryTables', 'interleaved', options.interleaved ?? false);
  const t = positions.length;
  const cos = new Float32Array(t * d);
  const sin = new Float32Array(t * d);
  const half = d / 2;
  for (let r = 0; r < t; r++) {
    for (let i = 0; i < half; i++) {
      const a = positions[r] * base ** ((-2 * i) / d);
      const [c, s] = [Math.cos(a), Math.sin(a)];
      const [j0, j1] = interleaved ? [2 * i, 2 * i + 1] : [i, i + half];
      cos[r * d + j0] = c;
      cos[r * d + j1] = c;
      sin[r * d + j0] = s;
      sin[r * d + j1] = s;
    }
  }
  return {
    cos: reshape(tensor(cos, { device: options.device }), [t, d]),
    sin: reshape(tensor(sin, { device: options.device }), [t, d]),
  };
}

/**
 * Applies rotary position embeddings (RoPE; Su et al., RoFormer, eq. 34) to queries or keys x
 * (*, T, D): each pair of features (a, b) at position p is rotated by the angle p * theta_i,
 * theta_i = base^(-2i/D): (a cos - b sin, b cos + a sin). `options.interleaved` picks the
 * pairing: false (default) pairs i with i + D/2 (GPT-NeoX, LLaMA), true pairs 2i with 2i + 1
 * (RoFormer's, GPT-J). `positions`: the first position (default 0; rows are consecutive) or one
 * integer per row. Differentiable in x; dot products of rotated q and k depend only on p_q - p_k.
 * @example applyRotary(q, 0) // q (B, H, T, 64)
 * @example applyRotary(k, cacheLength, { interleaved: true })
 */
export function applyRotary(x: Tensor, positions: number | readonly number[] | Int32Array = 0, options: RotaryOptions = {}): Tensor {
  tensorArg('applyRotary', x);
  if (x.ndim < 2) throw new RangeError(`applyRotary: x must be (*, T, D), got shape ${fmt(x.shape)}`);
  const d = x.shape[x.ndim - 1];
  const t = x.shape[x.ndim - 2];
  if (d % 2 !== 0) throw new RangeError(`applyRotary: the feature dim D must be even, got shape ${fmt(x.shape)}`);
  const interleaved = options.interleaved ?? false;
  const { cos, sin } = rotaryTables(positionList('applyRotary', positions, t), d, { ...options, device: x.device });
  return add(mul(x, cos), mul(rotatePairs(x, interleaved), sin));
}

/** The partner of each feature with the sign of the rotation: (a, b) -> (-b, a) in each pair. */
function rotatePairs(x: Tensor, interleaved: boolean): Tensor {
  const last = x.ndim - 1;
  const d = x.shape[last];
  if (!interleaved) {
    const x1 = narrow(x, last, 0, d / 2);
    const x2 = narrow(x, last, d / 2, d / 2);
    return concat([neg(x2), x1], last);
  }
  const pairs = reshape(x, [...x.shape.slice(0, last), d / 2, 2]);
  const even = narrow(pairs, last + 1, 0, 1);
  const odd = narrow(pairs, last + 1, 1, 1);
  return reshape(concat([neg(odd), even], last + 1), x.shape);
}

/**
 * Rotary position embeddings as a module with no parameters: `rotate(x, positions)` (forward: positions 0) is
 * `applyRotary(x, positions, { base, interleaved })` for x (*, T, dim).
 *
 * Args: dim (even), `{ base = 10000, interleaved = false }` (see RotaryOptions).
 *
 * @example const rope = new RotaryEmbedding(64); const [qr, kr] = [rope.forward(q), rope.forward(k)];
 */
export class RotaryEmbedding extends Module {
  readonly dim: number;
  readonly base: number;
  readonly interleaved: boolean;

  constructor(dim: number, options: RotaryOptions = {}) {
    super();
    this.dim = intArg('RotaryEmbedding', 'dim', dim);
    if (this.dim % 2 !== 0) throw new RangeError(`RotaryEmbedding: dim must be even, got ${dim}`);
    this.base = numberArg('RotaryEmbedding', 'base', options.base ?? 10000, 0);
    this.interleaved = boolArg('RotaryEmbedding', 'interleaved', options.interleaved ?? false);
  }

  forward(x: Tensor): Tensor {
    return this.rotate(x, 0);
  }

  /** x rotated for `positions`: a first position (rows consecutive) or one integer per row. */
  rotate(x: Tensor, positions: number | readonly number[] | Int32Array = 0): Tensor {
    const name = `RotaryEmbedding(${this.dim})`;
    tensorArg(name, x);
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.dim)
      throw new RangeError(`${name}: input must be (*, T, ${this.dim}), got shape ${fmt(x.shape)}`);
    return applyRotary(x, positions, { base: this.base, interleaved: this.interleaved });
  }

  override getConfig(): ConfigValues {
    return { dim: this.dim, base: this.base, interleaved: this.interleaved };
  }

  override extraRepr(): string {
    return `${this.dim}, base=${this.base}, interleaved=${this.interleaved}`;
  }
}
