// The one place where tensors meet the backend: allocate outputs on the heap, pin inputs for the
// duration of a primitive, describe layouts as Strided arguments, and call the active backend.
// ops/ compose these calls; they never touch the heap or a backend directly.

import { type Backend, backend, type Strided } from '../backend/backend.js';
import { type DType, itemSize } from './dtype.js';
import { heap } from './heap.js';
import { broadcastStrides, contiguousStrides, type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** A new contiguous tensor with uninitialised contents. */
export function emptyTensor(shape: Shape, dtype: DType = 'float32'): Tensor {
  const storage = heap().allocate(Math.max(1, sizeOf(shape)) * itemSize(dtype));
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * Runs one primitive: starts an op epoch (so its inputs cannot be spilled while it runs), resolves
 * the input tensors' addresses, allocates the output, and calls `fn`.
 */
export function launch<T>(fn: (b: Backend) => T): T {
  heap().beginOp();
  return fn(backend());
}

/** The strided description of `t` (optionally broadcast to `target`). Pins `t` for the current op. */
export function strided(t: Tensor, target?: Shape): Strided {
  const ptr = t.ptr();
  if (target === undefined || sameShape(t.shape, target)) return { ptr, dtype: t.dtype, shape: t.shape, strides: t.strides };
  return { ptr, dtype: t.dtype, shape: target, strides: broadcastStrides(t.shape, t.strides, target) };
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `t` itself when dense row-major from its offset, else a contiguous copy. */
export function contiguous(t: Tensor): Tensor {
  return t.isContiguous() ? t : copyOf(t);
}

/** A contiguous copy of `t`, optionally converted to `dtype`. */
export function copyOf(t: Tensor, dtype: DType = t.dtype): Tensor {
  return launch((b) => {
    const src = strided(t);
    const out = emptyTensor(t.shape, dtype);
    b.copy(src, strided(out));
    return out;
  });
}

/** Writes `src` (broadcast to dst's shape) into the possibly strided view `dst`. */
export function copyInto(src: Tensor, dst: Tensor): void {
  launch((b) => {
    const s = strided(src, dst.shape);
    b.copy(s, strided(dst));
  });
}

/** A contiguous tensor of `shape` filled with `value`. */
export function filled(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  return launch((b) => {
    const out = emptyTensor(shape, dtype);
    b.fill(out.ptr(), dtype, sizeOf(shape), value);
    return out;
  });
}

/** A contiguous tensor holding `data` (converted to `dtype`). */
export function fromArray(shape: Shape, data: ArrayLike<number>, dtype: DType = 'float32'): Tensor {
  const out = launch(() => emptyTensor(shape, dtype));
  const h = heap();
  const p = out.ptr();
  const view = dtype === 'float32' ? h.f32 : dtype === 'int32' ? h.i32 : h.u8;
  const base = dtype === 'bool' ? p : p >>> 2;
  if (dtype === 'bool')
    for (let i = 0; i < data.length; i++) view[base + i] = data[i] !== 0 ? 1 : 0; // NaN is true
  else view.set(data, base);
  return out;
}
