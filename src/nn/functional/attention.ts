// nn.functional's attention: scaledDotProductAttention with PyTorch 2's semantics
// (torch.nn.functional.scaled_dot_product_attention), composed from engine ops (matmul, masked
// softmax, matmul) so it runs and differentiates on every device. `attentionWeights` is the
// softmax half on its own, which MultiheadAttention (src/nn/attention.ts) needs when it returns
// the weights.

import { fmt } from '../../core/shape.js';
import { assertTensor, type Tensor } from '../../core/tensor.js';
import { arange } from '../../ops/creation.js';
import { add, ge, logicalNot, maskedFill, mul } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/movement.js';
import { dropout, softmax } from '../../ops/nn.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to (..., L, S). bool: true where a query may attend to a key (PyTorch 2's
   * convention, the opposite of MultiheadAttention's); float: added to the scores. Default none.
   */
  attnMask?: Tensor | null;
  /** Lower-triangular (causal) mask: query i sees keys 0..i. Not together with attnMask. Default false. */
  isCausal?: boolean;
  /** Dropout probability on the attention weights, applied whenever it is > 0 (as PyTorch does). Default 0. */
  dropoutP?: number;
  /** Multiplies q k^T. Default 1 / sqrt(E). */
  scale?: number | null;
}

const OP = 'scaledDotProductAttention';

/** Checks q (..., L, E), k (..., S, E), v (..., S, Ev) and the options; returns [L, S, E]. */
function checkArgs(op: string, q: Tensor, k: Tensor, v: Tensor, o: ScaledDotProductAttentionOptions): [number, number, number] {
  assertTensor(op, q, 'query');
  assertTensor(op, k, 'key');
  assertTensor(op, v, 'value');
  for (const [name, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const) {
    if (t.ndim < 2) throw new RangeError(`${op}: ${name} must be at least 2-D (..., seq, features), got shape ${fmt(t.shape)}`);
    if (t.dtype !== 'float32') throw new TypeError(`${op}: ${name} must be float32, got ${t.dtype}`);
  }
  const [L, E] = q.shape.slice(-2);
  const [S, Ek] = k.shape.slice(-2);
  if (Ek !== E) throw new RangeError(`${op}: key must have query's ${E} features in its last dim, got key shape ${fmt(k.shape)}`);
  if (v.shape[v.ndim - 2] !== S) {
    throw new RangeError(`${op}: value must have key's ${S} positions in dim -2, got value shape ${fmt(v.shape)} for key ${fmt(k.shape)}`);
  }
  const { attnMask = null, isCausal = false, dropoutP = 0, scale = null } = o;
  if (attnMask != null) {
    assertTensor(op, attnMask, 'attnMask');
    const ok = attnMask.ndim >= 1 && (attnMask.ndim < 2 || [1, L].includes(attnMask.shape[attnMask.ndim - 2]));
    if (!ok || ![1, S].includes(attnMask.shape[attnMask.ndim - 1])) {
      throw new RangeError(
        `${op}: attnMask must broadcast to (..., ${L}, ${S}) (query length, key length), got shape ${fmt(attnMask.shape)}`,
      );
    }
    if (isCausal) throw new RangeError(`${op}: give attnMask or isCausal, not both`);
  }
  if (typeof isCausal !== 'boolean') throw new TypeError(`${op}: isCausal must be a boolean, got ${String(isCausal)}`);
  if (!(typeof dropoutP === 'number' && dropoutP >= 0 && dropoutP <= 1))
    throw new RangeError(`${op}: dropoutP must be in [0, 1], got ${dropoutP}`);
  if (scale != null && !(typeof scale === 'number' && Number.isFinite(scale))) {
    throw new TypeError(`${op}: scale must be a finite number, got ${String(scale)}`);
  }
  return [L, S, E];
}

/**
 * The (L, S) causal mask on `like`'s device: true where key j <= query i.
 * @example causalMask(3, 3, q).toArray() // [[true, false, false], [true, true, false], [true, true, true]]
 */
export function causalMask(L: number, S: number, like: Tensor): Tensor {
  const device = like.storage.device;
  const i = reshape(arange(L, undefined, 1, { dtype: 'int32', device }), [L, 1]);
  const j = reshape(arange(S, undefined, 1, { dtype: 'int32', device }), [1, S]);
  return ge(i, j); // (L, S)
}

/** The scaled, masked scores q k^T * scale (+ mask), before the softmax. (..., L, S) */
function scores(q: Tensor, k: Tensor, o: ScaledDotProductAttentionOptions, L: number, S: number, E: number): Tensor {
  const scale = o.scale ?? 1 / Math.sqrt(E);
  let s = mul(matmul(q, transpose(k, -2, -1)), scale); // (..., L, S)
  let mask = o.attnMask ?? null;
  if (o.isCausal) mask = causalMask(L, S, q);
  if (mask !== null) s = mask.dtype === 'bool' ? maskedFill(s, logicalNot(mask), -Infinity) : add(s, mask);
  return s;
}

/**
 * softmax(q k^T * scale + mask) with dropout: the attention weights (..., L, S) that
 * scaledDotProductAttention multiplies v by. Same arguments and options.
 * @example attentionWeights(q, k, { isCausal: true }).shape // [2, 4, 5, 5] for q, k (2, 4, 5, 8)
 */
export function attentionWeights(q: Tensor, k: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const [L, S, E] = checkArgs('attentionWeights', q, k, k, options);
  const w = softmax(scores(q, k, options, L, S, E), -1);
  return dropout(w, options.dropoutP ?? 0, true);
}

/**
 * Attention, like PyTorch 2's torch.nn.functional.scaled_dot_product_attention:
 * softmax(q k^T * scale + mask) v, composed from engine ops (every device, autograd's backward).
 * A query row whose keys are all masked out gives NaN, as in PyTorch.
 *
 * Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev); leading dims broadcast.
 * @example scaledDotProductAttention(q, k, v, { isCausal: true }).shape // [B, H, L, Ev]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const [L, S, E] = checkArgs(OP, q, k, v, options);
  const w = dropout(softmax(scores(q, k, options, L, S, E), -1), options.dropoutP ?? 0, true);
  return matmul(w, v);
}
