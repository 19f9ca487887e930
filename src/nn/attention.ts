// MultiheadAttention, like torch.nn.MultiheadAttention: PyTorch's arguments, parameter names and
// layout (in_proj_weight (3E, E), or q/k/v_proj_weight when kdim/vdim differ from E; in_proj_bias;
// out_proj.weight/bias; bias_k, bias_v), so state dicts load both ways. The heads run through
// nn.functional's scaledDotProductAttention (src/nn/functional/attention.ts).

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { add, maskedFill } from '../ops/elementwise.js';
import { matmul } from '../ops/linalg.js';
import { concat, expand, narrow, reshape, transpose, unsqueeze } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import { attentionWeights, causalMask, scaledDotProductAttention } from './functional/attention.js';
import { linear } from './functional/linear.js';
import { constant, xavierNormal, xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, numberArg, tensorArg } from './validate.js';

export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training. Default 0. */
  dropout?: number;
  /** Biases on the input and output projections. Default true. */
  bias?: boolean;
  /** Learned bias_k, bias_v (1, 1, E) appended to the keys and values as one extra position. Default false. */
  addBiasKv?: boolean;
  /** Features of the key. Default embedDim. */
  kdim?: number | null;
  /** Features of the value. Default embedDim. */
  vdim?: number | null;
  /** Inputs and output are (N, L, E) instead of (L, N, E). Default false. */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** (N, S), or (S) unbatched. bool: true marks a key to ignore (padding); float: added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights. Default true (as PyTorch). */
  needWeights?: boolean;
  /**
   * (L, S) or (N * numHeads, L, S). bool: true marks a pair NOT allowed to attend (PyTorch's
   * MultiheadAttention convention); float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads: (N, L, S) instead of (N, numHeads, L, S). Default true. */
  averageAttnWeights?: boolean;
  /** Causal attention. Without attnMask tessera builds the causal mask; with one it is a hint and attnMask rules. */
  isCausal?: boolean;
}

/**
 * Multi-head attention: out = concat(head_1..head_H) W_o^T + b_o, head_i = attention(q W_qi, k W_ki, v W_vi).
 *
 * Args: embedDim, numHeads, `{ dropout = 0, bias = true, addBiasKv = false, kdim, vdim, batchFirst = false }`.
 * Shape: query (L, N, E), key (S, N, kdim), value (S, N, vdim) ((N, L, E) ... with batchFirst;
 * (L, E) ... unbatched) -> output like query, weights (N, L, S) averaged or (N, H, L, S).
 * Init (PyTorch's): in-projection weights xavierUniform, biases 0, out_proj.weight Linear's, bias_k/v xavierNormal.
 * `forward` returns the output alone (the Module contract: one tensor); `attend` is PyTorch's forward.
 *
 * @example
 * const mha = new MultiheadAttention(64, 8, { batchFirst: true });
 * const [out, w] = mha.attend(x, x, x, { attnMask: causal }); // x (N, L, 64): out (N, L, 64), w (N, L, L)
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly inProjWeight: Tensor | null;
  readonly qProjWeight: Tensor | null;
  readonly kProjWeight: Tensor | null;
  readonly vProjWeight: Tensor | null;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;
  readonly biasK: Tensor | null;
  readonly biasV: Tensor | null;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const name = 'MultiheadAttention';
    this.embedDim = intArg(name, 'embedDim', embedDim);
    this.numHeads = intArg(name, 'numHeads', numHeads);
    if (embedDim % numHeads !== 0)
      throw new RangeError(`${name}: embedDim must be divisible by numHeads, got embedDim ${embedDim}, numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim == null ? embedDim : intArg(name, 'kdim', options.kdim);
    this.vdim = options.vdim == null ? embedDim : intArg(name, 'vdim', options.vdim);
    this.dropout = numberArg(name, 'dropout', options.dropout ?? 0, 0, 1);
    this.batchFirst = boolArg(name, 'batchFirst', options.batchFirst ?? false);
    const bias = boolArg(name, 'bias', options.bias ?? true);
    const addBiasKv = boolArg(name, 'addBiasKv', options.addBiasKv ?? false);
    const E = embedDim;
    const same = this.kdim === E && this.vdim === E;
    this.inProjWeight = this.registerParameter('in_proj_weight', same ? zeros([3 * E, E]) : null);
    this.qProjWeight = this.registerParameter('q_proj_weight', same ? null : zeros([E, E]));
    this.kProjWeight = this.registerParameter('k_proj_weight', same ? null : zeros([E, this.kdim]));
    this.vProjWeight = this.registerParameter('v_proj_weight', same ? null : zeros([E, this.vdim]));
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? zeros([3 * E]) : null);
    this.biasK = this.registerParameter('bias_k', addBiasKv ? zeros([1, 1, E]) : null);
    this.biasV = this.registerParameter('bias_v', addBiasKv ? zeros([1, 1, E]) : null);
    this.outProj = this.registerModule('out_proj', new Linear(E, E, { bias }));
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's initialisation (out_proj keeps Linear's weight init). */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w !== null) xavierUniform(w);
    if (this.inProjBias !== null) constant(this.inProjBias, 0);
    if (this.outProj.bias !== null) constant(this.outProj.bias, 0);
    if (this.biasK !== null) xavierNormal(this.biasK);
    if (this.biasV !== null) xavierNormal(this.biasV);
  }

  /**
   * Attention of `query` over `key`/`value` (self-attention when they are omitted), no masks;
   * returns the output only. Use `attend` for masks and the weights.
   * @example mha.forward(x).shape // x's shape
   */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key): Tensor {
    return this.attend(query, key, value, { needWeights: false })[0];
  }

  /**
   * PyTorch's MultiheadAttention.forward: returns [output, weights | null] (weights when needWeights).
   * @example const [out, w] = mha.attend(q, k, v, { keyPaddingMask: pad }); // pad (N, S) bool, true = padding
   */
  attend(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const name = `MultiheadAttention(${this.embedDim}, ${this.numHeads})`;
    const { needWeights = true, averageAttnWeights = true } = options;
    tensorArg(name, query, 'query');
    tensorArg(name, key, 'key');
    tensorArg(name, value, 'value');
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2)
      throw new RangeError(`${name}: query must be (L, N, E), (N, L, E) with batchFirst, or (L, E), got shape ${fmt(query.shape)}`);
    const layout = batched ? (this.batchFirst ? '(N, S, features)' : '(S, N, features)') : '(S, features)';
    for (const [arg, t, f] of [
      ['query', query, this.embedDim],
      ['key', key, this.kdim],
      ['value', value, this.vdim],
    ] as const) {
      if (t.ndim !== query.ndim || t.shape[t.ndim - 1] !== f) {
        throw new RangeError(
          `${name}: ${arg} must be ${layout.replace('S', arg === 'query' ? 'L' : 'S')} with ${f} features, got shape ${fmt(t.shape)}`,
        );
      }
    }
    // to (N, L, E) inside
    const bf = (t: Tensor) => (!batched ? unsqueeze(t, 0) : this.batchFirst ? t : transpose(t, 0, 1));
    const q0 = bf(query);
    const k0 = bf(key);
    const v0 = bf(value);
    const [N, L] = q0.shape;
    const S = k0.shape[1];
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      throw new RangeError(
        `${name}: key and value must have query's batch size and the same length, got query ${fmt(query.shape)}, key ${fmt(key.shape)}, value ${fmt(value.shape)}`,
      );
    }
    const mask = this.#mask(name, options, q0, batched, [N, L, S]);
    // projections: (N, *, E)
    const E = this.embedDim;
    const b = this.inProjBias;
    const bq = b === null ? null : narrow(b, 0, 0, E);
    const bk = b === null ? null : narrow(b, 0, E, E);
    const bv = b === null ? null : narrow(b, 0, 2 * E, E);
    const w = this.inProjWeight;
    let q = linear(q0, w === null ? (this.qProjWeight as Tensor) : narrow(w, 0, 0, E), bq);
    let k = linear(k0, w === null ? (this.kProjWeight as Tensor) : narrow(w, 0, E, E), bk);
    let v = linear(v0, w === null ? (this.vProjWeight as Tensor) : narrow(w, 0, 2 * E, E), bv);
    let attnMask = mask;
    if (this.biasK !== null && this.biasV !== null) {
      k = concat([k, expand(this.biasK, [N, 1, E])], 1);
      v = concat([v, expand(this.biasV, [N, 1, E])], 1);
      if (attnMask !== null)
        attnMask = concat([attnMask, zeros([...attnMask.shape.slice(0, -1), 1], { device: attnMask.storage.device })], -1);
    }
    const Sk = k.shape[1];
    const heads = (t: Tensor, len: number) => transpose(reshape(t, [N, len, this.numHeads, this.headDim]), 1, 2); // (N, H, len, hd)
    q = heads(q, L);
    k = heads(k, Sk);
    v = heads(v, Sk);
    const sdpa = { attnMask, dropoutP: this.training ? this.dropout : 0 };
    let out: Tensor; // (N, H, L, hd)
    let weights: Tensor | null = null;
    if (needWeights) {
      weights = attentionWeights(q, k, sdpa); // (N, H, L, Sk)
      out = matmul(weights, v);
    } else {
      out = scaledDotProductAttention(q, k, v, sdpa);
    }
    let y = this.outProj.forward(reshape(transpose(out, 1, 2), [N, L, E])); // (N, L, E)
    y = !batched ? reshape(y, [L, E]) : this.batchFirst ? y : transpose(y, 0, 1);
    if (weights !== null) {
      if (averageAttnWeights) weights = mean(weights, 1); // (N, L, Sk)
      if (!batched) weights = reshape(weights, weights.shape.slice(1));
    }
    return [y, weights];
  }

  /** attnMask, keyPaddingMask and isCausal merged into one float mask (N or 1, H or 1, L, S), or null. */
  #mask(name: string, o: MultiheadAttentionForwardOptions, like: Tensor, batched: boolean, [N, L, S]: number[]): Tensor | null {
    const H = this.numHeads;
    let m: Tensor | null = null;
    // bool: true = masked out -> -Infinity; float: as given
    const toFloat = (t: Tensor) => (t.dtype === 'bool' ? maskedFill(zeros(t.shape, { device: t.storage.device }), t, -Infinity) : t);
    if (o.attnMask != null) {
      const a = tensorArg(name, o.attnMask, 'attnMask');
      if (a.ndim === 2) {
        if (a.shape[0] !== L || a.shape[1] !== S)
          throw new RangeError(`${name}: attnMask must be (L, S) = [${L}, ${S}] when 2-D, got shape ${fmt(a.shape)}`);
        m = toFloat(a); // (L, S) broadcasts
      } else if (a.ndim === 3) {
        if (a.shape[0] !== N * H || a.shape[1] !== L || a.shape[2] !== S) {
          throw new RangeError(
            `${name}: attnMask must be (N * numHeads, L, S) = [${N * H}, ${L}, ${S}] when 3-D, got shape ${fmt(a.shape)}`,
          );
        }
        m = reshape(toFloat(a), [N, H, L, S]);
      } else throw new RangeError(`${name}: attnMask must be 2-D (L, S) or 3-D (N * numHeads, L, S), got shape ${fmt(a.shape)}`);
    } else if (o.isCausal) {
      m = toFloat(causalMask(L, S, like).logicalNot()); // true = not allowed
    }
    if (o.keyPaddingMask != null) {
      const p = tensorArg(name, o.keyPaddingMask, 'keyPaddingMask');
      const want = batched ? [N, S] : [S];
      if (p.ndim !== want.length || p.shape.some((d, i) => d !== want[i])) {
        throw new RangeError(`${name}: keyPaddingMask must be ${batched ? '(N, S)' : '(S)'} = ${fmt(want)}, got shape ${fmt(p.shape)}`);
      }
      const p4 = reshape(toFloat(p), [N, 1, 1, S]);
      m = m === null ? p4 : add(m, p4);
    }
    return m;
  }

  override getConfig(): ConfigValues {
    return {
      embedDim: this.embedDim,
      numHeads: this.numHeads,
      dropout: this.dropout,
      bias: this.inProjBias !== null,
      addBiasKv: this.biasK !== null,
      kdim: this.kdim,
      vdim: this.vdim,
      batchFirst: this.batchFirst,
    };
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
