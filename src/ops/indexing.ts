// Index ops: gather (torch.gather), indexSelect and embedding lookup, with scatter-add gradients.

import { attach } from '../core/autograd.js';
import { emptyTensor, filled, fromArray, launch } from '../core/exec.js';
import { fmt, normAxis, sizeOf } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { contiguous, reshape } from './movement.js';
import { max, min } from './reduce.js';

/** Checks an index tensor's dtype and that every index lies in [0, n) (negative ones count from the end). */
function checkIndex(op: string, index: Tensor, n: number, dim: number): Tensor {
  if (index.dtype !== 'int32') throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  if (index.size === 0) return contiguous(index);
  const lo = min(index).item();
  const hi = max(index).item();
  if (lo < -n || hi >= n) {
    throw new RangeError(`${op}: index ${lo < -n ? lo : hi} is out of range for dim ${dim} of size ${n}`);
  }
  if (lo >= 0) return contiguous(index);
  // wrap negative indices
  const flat = index.toTypedArray();
  for (let i = 0; i < flat.length; i++) if (flat[i] < 0) flat[i] += n;
  return fromArray(index.shape, flat, 'int32');
}

/**
 * Rows of `x` along `dim` picked by a 1-D int32 `index` (torch.index_select).
 * @example indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' }))
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('indexSelect', x);
  assertTensor('indexSelect', index, 'index');
  const d = normAxis('indexSelect', dim, x.ndim);
  if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${fmt(index.shape)}`);
  const idx = checkIndex('indexSelect', index, x.shape[d], d);
  const cx = contiguous(x);
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.size;
  const y = launch((b) => {
    const px = cx.ptr();
    const pi = idx.ptr();
    const out = emptyTensor(shape, x.dtype);
    b.indexSelect(px, x.dtype, outer, x.shape[d], inner, pi, idx.size, out.ptr());
    return out;
  });
  return attach(y, 'indexSelect', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0);
    launch((b) => b.indexAdd(cg.ptr(), outer, idx.size, inner, idx.ptr(), x.shape[d], gx.ptr()));
    return [gx];
  });
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims).
 * `index` is int32 with x's rank; its size may be smaller than x's in any dim.
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
  const idx = checkIndex('gather', index, x.shape[d], d);
  const cx = contiguous(x);
  // x viewed at the index's extent in the other dims: gather over a cropped contiguous source
  const y = launch((b) => {
    const px = cx.ptr();
    const pi = idx.ptr();
    const out = emptyTensor(idx.shape, x.dtype);
    b.gather(px, x.dtype, x.shape, d, pi, idx.shape, out.ptr());
    return out;
  });
  return attach(y, 'gather', [cx], (g) => {
    const cg = contiguous(g);
    const gx = filled(x.shape, 0);
    launch((b) => b.scatterAdd(cg.ptr(), idx.shape, d, idx.ptr(), x.shape, gx.ptr()));
    return [gx];
  });
}

/**
 * Looks up rows of `weight` (numEmbeddings, dim) for int32 `indices` of any shape: out (...indices, dim).
 * @example embedding(tensor([[1, 3]], { dtype: 'int32' }), weight) // (1, 2, dim)
 */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  assertTensor('embedding', indices, 'indices');
  assertTensor('embedding', weight, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D (numEmbeddings, dim), got shape ${fmt(weight.shape)}`);
  checkIndex('embedding', indices, weight.shape[0], 0);
  const flat = reshape(indices, [indices.size]);
  const rows = indexSelect(weight, 0, flat);
  return reshape(rows, [...indices.shape, weight.shape[1]]);
}
