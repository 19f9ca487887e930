// The arguments of scaledDotProductAttention (options and their checks), shared by the composed
// (attention.ts) and the tiled (attention_tiled.ts) implementation.

import { fmt } from '../../core/shape.js';
import { assertTensor, type Tensor } from '../../core/tensor.js';

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

/** Checks q (..., L, E), k (..., S, E), v (..., S, Ev) and the options; returns [L, S, E]. @internal */
export function checkAttentionArgs(
  op: string,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: ScaledDotProductAttentionOptions,
): [number, number, number] {
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
