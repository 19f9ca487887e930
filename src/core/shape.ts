// Shape arithmetic: sizes, contiguous strides, axis normalisation and NumPy broadcasting.

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2, 3]` for error messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Turns a possibly negative axis into `0..rank-1`, or throws naming the op. */
export function normAxis(op: string, axis: number, rank: number, arg = 'dim'): number {
  if (!Number.isInteger(axis)) throw new TypeError(`${op}: ${arg} must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new RangeError(`${op}: ${arg} ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return a;
}

/** Normalised, sorted, de-duplicated axes; `undefined` means all axes. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = new Set<number>();
  for (const a of list) {
    const n = normAxis(op, a, rank);
    if (out.has(n)) throw new RangeError(`${op}: dim ${a} appears more than once in ${fmt(list)}`);
    out.add(n);
  }
  return [...out].sort((x, y) => x - y);
}

/** The broadcast of two shapes (NumPy rules), or a clear error. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast (dim ${i - rank}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that view a tensor of `shape`/`strides` as the larger broadcast `target` shape (0 on repeated dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Validates a user-given shape: non-negative integers. */
export function checkShape(op: string, shape: readonly unknown[], arg = 'shape'): number[] {
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new TypeError(`${op}: ${arg} must be a list of non-negative integers, got [${shape.map(String).join(', ')}]`);
    }
  }
  return shape as number[];
}

/** True when `strides` describe a dense row-major layout of `shape` (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}
