// Index ops: gather (torch.gather), indexSelect and embedding lookup, with scatter-add gradients.
// Indices must lie in [0, size) as in PyTorch: a negative index is an error, never the last row.
// On a device that cannot be read synchronously (a GPU) the indices cannot be checked on the host:
// there an out-of-range index reads index 0 instead (never memory outside the tensor) and its
// float32 outputs are NaN, so a wrong index shows in the result rather than passing silently.

import { attach } from '../core/autograd.js';
import { position } from '../core/dtype.js';
import { emptyTensor, filled, launch, readsOnHost, readValues, sameDevice } from '../core/exec.js';
import { fmt, normAxis, sizeOf } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { ge, logicalAnd, logicalNot, lt, where } from './elementwise.js';
import { contiguous, reshape } from './movement.js';

/**
 * Checks an index tensor's dtype and that every index lies in [0, n), like PyTorch, which raises
 * for negative indices here ("index out of range in self"); the error names the op, the
 * argument, the first bad index with its position, and the valid range (`of` says of what).
 * Returns the index as a contiguous tensor. On a device that cannot be read synchronously only
 * the dtype is checked (the ops clamp and mark out-of-range indices there, see `boundIndex`).
 * @example checkIndex('indexSelect', tensor([0, -1], { dtype: 'int32' }), 3, 0) // RangeError: indexSelect: index -1 at [1] ...
 */
export function checkIndex(op: string, index: Tensor, n: number, dim: number, arg = 'index', of = `dim ${dim} of size ${n}`): Tensor {
  if (index.dtype !== 'int32') throw new TypeError(`${op}: ${arg} must be an int32 tensor, got ${index.dtype}`);
  const c = contiguous(index);
  if (index.size === 0 || !readsOnHost(index.storage.device)) return c;
  const flat = readValues(c, op);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (v < 0 || v >= n) {
      const valid = n === 0 ? 'none: the dim is empty' : `0 to ${n - 1}`;
      const at = index.ndim === 0 ? '' : ` at ${position(i, index.shape)}`;
      throw new RangeError(`${op}: ${arg} ${v}${at} is out of range for ${of} (valid: ${valid}; negative indices are not allowed)`);
    }
  }
  return c;
}

/** A checked index, and where it was out of range (null when checked on the host). */
interface BoundIndex {
  /** Contiguous int32, every value in [0, n). */
  idx: Tensor;
  /** Bool of the index's shape, true where the given index was out of range (then idx is 0 there). */
  bad: Tensor | null;
}

/**
 * An index every op may use: checked on the host (checkIndex's errors) where the device reads
 * synchronously; elsewhere clamped on the device, out-of-range entries replaced by 0 and marked.
 */
function boundIndex(op: string, index: Tensor, n: number, dim: number, arg = 'index', of?: string): BoundIndex {
  const c = checkIndex(op, index, n, dim, arg, of);
  if (c.size === 0 || readsOnHost(c.storage.device)) return { idx: c, bad: null };
  const ok = logicalAnd(ge(c, 0), lt(c, n));
  const idx = where(ok, c, 0);
  const bad = logicalNot(ok);
  ok.dispose();
  return { idx, bad };
}

/** `y` with NaN where `bad` (broadcast to y's shape) is set, for float32 outputs; other dtypes as they are. */
function markBad(y: Tensor, bad: Tensor | null): Tensor {
  if (bad === null || y.dtype !== 'float32') return y;
  return where(bad, Number.NaN, y);
}

/**
 * Rows of `x` along `dim` picked by a 1-D int32 `index` (torch.index_select). An index out of
 * range throws; on a device that cannot be read synchronously its row is NaN instead (float32).
 * @example indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' }))
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('indexSelect', x);
  assertTensor('indexSelect', index, 'index');
  const d = normAxis('indexSelect', dim, x.ndim);
  if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${fmt(index.shape)}`);
  const { idx, bad } = boundIndex('indexSelect', index, x.shape[d], d);
  return markBad(
    selectRows(x, d, idx),
    bad === null
      ? null
      : reshape(
          bad,
          x.shape.map((_, k) => (k === d ? idx.size : 1)),
        ),
  );
}

/**
 * indexSelect on a contiguous 1-D int32 index known to be in range (nothing is checked): for
 * tessera's own ops that built the index themselves. @internal
 * @example selectRows(weight, 0, where(ok, target, 0)) // (R, ...) rows of weight
 */
export function selectRows(x: Tensor, d: number, idx: Tensor): Tensor {
  const cx = contiguous(x);
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.size;
  const dev = sameDevice('indexSelect', x, idx, 'input', 'index');
  const y = launch(dev, (b) => {
    const out = emptyTensor(shape, x.dtype, 'indexSelect', dev);
    b.indexSelect(cx, x.dtype, outer, x.shape[d], inner, idx, idx.size, out);
    return out;
  });
  return attach(y, 'indexSelect', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0, 'float32', 'indexSelect', dev);
    launch(dev, (b) => b.indexAdd(cg, outer, idx.size, inner, idx, x.shape[d], gx));
    return [gx];
  });
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims).
 * `index` is int32 with x's rank; its size may be smaller than x's in any dim. An index out of
 * range throws; on a device that cannot be read synchronously it gives NaN there instead (float32).
 * @example gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], { dtype: 'int32' })) // [[2], [3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('gather', x);
  assertTensor('gather', index, 'index');
  const d = normAxis('gather', dim, x.ndim);
  if (index.ndim !== x.ndim)
    throw new RangeError(`gather: index must have the same rank as input (${x.ndim}), got shape ${fmt(index.shape)}`);
  index.shape.forEach((n, k) => {
    if (k !== d && n > x.shape[k])
      throw new RangeError(`gather: index shape ${fmt(index.shape)} exceeds input shape ${fmt(x.shape)} at dim ${k}`);
  });
  const { idx, bad } = boundIndex('gather', index, x.shape[d], d);
  return markBad(gatherRows(x, d, idx), bad);
}

/**
 * gather on a contiguous int32 index known to be in range (nothing is checked): for tessera's own
 * ops that built the index themselves. @internal
 * @example gatherRows(logp, 1, reshape(safeTarget, [rows, 1])) // (rows, 1)
 */
export function gatherRows(x: Tensor, d: number, idx: Tensor): Tensor {
  const cx = contiguous(x);
  // x viewed at the index's extent in the other dims: gather over a cropped contiguous source
  const dev = sameDevice('gather', x, idx, 'input', 'index');
  const y = launch(dev, (b) => {
    const out = emptyTensor(idx.shape, x.dtype, 'gather', dev);
    b.gather(cx, x.dtype, x.shape, d, idx, idx.shape, out);
    return out;
  });
  return attach(y, 'gather', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0, 'float32', 'gather', dev);
    launch(dev, (b) => b.scatterAdd(cg, idx.shape, d, idx, x.shape, gx));
    return [gx];
  });
}

/**
 * Looks up rows of `weight` (numEmbeddings, dim) for int32 `indices` of any shape: out (...indices, dim).
 * An index out of range throws; on a device that cannot be read synchronously its row is NaN instead.
 * @example embedding(tensor([[1, 3]], { dtype: 'int32' }), weight) // (1, 2, dim)
 */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  assertTensor('embedding', indices, 'indices');
  assertTensor('embedding', weight, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D (numEmbeddings, dim), got shape ${fmt(weight.shape)}`);
  const of = `weight ${fmt(weight.shape)} with ${weight.shape[0]} rows`;
  const { idx, bad } = boundIndex('embedding', indices, weight.shape[0], 0, 'indices', of);
  const rows = selectRows(weight, 0, reshape(idx, [indices.size]));
  return markBad(reshape(rows, [...indices.shape, weight.shape[1]]), bad === null ? null : reshape(bad, [...indices.shape, 1]));
}
