// Reductions and row softmax on contiguous float32.
//   reduce: x viewed as (outer, r, inner) reduced over r into out (outer, inner)
//   softmax: rows of (rows, cols), optionally log-softmax
// Op codes: 0 sum, 1 max, 2 min, 3 prod (REDUCE_CODES in src/backend/wasm/reduce.ts).
// max/min propagate NaN like the reference; an empty reduction gives 0, -inf, inf or 1.
// sum and prod accumulate in float64, like the reference: sums of equal values come out exact.
import { at, hmax, hmin, hsum, splat } from './simd';
import { vexp, vlog } from './vmath';

// @ts-ignore: decorator
@inline function initOf(op: i32): f32 {
  return op == 0 ? 0 : op == 1 ? -Infinity : op == 2 ? Infinity : 1;
}

// @ts-ignore: decorator
@inline function vop(op: i32, a: v128, b: v128): v128 {
  return op == 0 ? f32x4.add(a, b) : op == 1 ? f32x4.max(a, b) : op == 2 ? f32x4.min(a, b) : f32x4.mul(a, b);
}

// @ts-ignore: decorator
@inline function sop(op: i32, a: f32, b: f32): f32 {
  return op == 0 ? a + b : op == 1 ? max<f32>(a, b) : op == 2 ? min<f32>(a, b) : a * b;
}

// @ts-ignore: decorator
@inline function hop(op: i32, v: v128): f32 {
  if (op == 0) return hsum(v);
  if (op == 1) return hmax(v);
  if (op == 2) return hmin(v);
  const s = f32x4.mul(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) * f32x4.extract_lane(s, 1);
}

/** op over n contiguous floats, four vector accumulators. */
// @ts-ignore: decorator
@inline function reduceContig(op: i32, x: usize, n: i32): f32 {
  const init = splat(initOf(op));
  let a0 = init, a1 = init, a2 = init, a3 = init;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = at(x, i);
    a0 = vop(op, a0, v128.load(p));
    a1 = vop(op, a1, v128.load(p, 16));
    a2 = vop(op, a2, v128.load(p, 32));
    a3 = vop(op, a3, v128.load(p, 48));
  }
  for (; i + 4 <= n; i += 4) a0 = vop(op, a0, v128.load(at(x, i)));
  let s = hop(op, vop(op, vop(op, a0, a1), vop(op, a2, a3)));
  for (; i < n; i++) s = sop(op, s, load<f32>(at(x, i)));
  return s;
}

/** out[0..cols) = op over r rows of x (row stride ld elements). */
// @ts-ignore: decorator
@inline function reduceRows(op: i32, x: usize, ld: i32, out: usize, r: i32, cols: i32): void {
  const init = initOf(op);
  for (let i = 0; i < cols; i++) store<f32>(at(out, i), init);
  for (let j = 0; j < r; j++) {
    const row = at(x, j * ld);
    let i = 0;
    for (; i + 4 <= cols; i += 4) v128.store(at(out, i), vop(op, v128.load(at(out, i)), v128.load(at(row, i))));
    for (; i < cols; i++) store<f32>(at(out, i), sop(op, load<f32>(at(out, i)), load<f32>(at(row, i))));
  }
}

// @ts-ignore: decorator
@inline function vop64(op: i32, a: v128, b: v128): v128 {
  return op == 0 ? f64x2.add(a, b) : f64x2.mul(a, b);
}

/** sum (op 0) or prod (op 3) over n contiguous floats, in float64. */
// @ts-ignore: decorator
@inline function reduceContig64(op: i32, x: usize, n: i32): f64 {
  const init = f64x2.splat(op == 0 ? 0 : 1);
  let a0 = init, a1 = init, a2 = init, a3 = init;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(x, i);
    const v0 = v128.load(p), v1 = v128.load(p, 16);
    a0 = vop64(op, a0, f64x2.promote_low_f32x4(v0));
    a1 = vop64(op, a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v0, v0, 2, 3, 0, 1)));
    a2 = vop64(op, a2, f64x2.promote_low_f32x4(v1));
    a3 = vop64(op, a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(v1, v1, 2, 3, 0, 1)));
  }
  const t = vop64(op, vop64(op, a0, a1), vop64(op, a2, a3));
  let s = op == 0 ? f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1) : f64x2.extract_lane(t, 0) * f64x2.extract_lane(t, 1);
  for (; i < n; i++) s = op == 0 ? s + <f64>load<f32>(at(x, i)) : s * <f64>load<f32>(at(x, i));
  return s;
}

/** out[0..cols) = sum (op 0) or prod (op 3) over r rows of x (row stride ld), in float64, 8 columns at a time. */
// @ts-ignore: decorator
@inline function reduceRows64(op: i32, x: usize, ld: i32, out: usize, r: i32, cols: i32): void {
  const init = f64x2.splat(op == 0 ? 0 : 1);
  let i = 0;
  for (; i + 8 <= cols; i += 8) {
    let a0 = init, a1 = init, a2 = init, a3 = init;
    for (let j = 0; j < r; j++) {
      const p = at(x, j * ld + i);
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      a0 = vop64(op, a0, f64x2.promote_low_f32x4(v0));
      a1 = vop64(op, a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v0, v0, 2, 3, 0, 1)));
      a2 = vop64(op, a2, f64x2.promote_low_f32x4(v1));
      a3 = vop64(op, a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(v1, v1, 2, 3, 0, 1)));
    }
    const o = at(out, i);
    v128.store(o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
    v128.store(o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5), 16);
  }
  for (; i < cols; i++) {
    let s: f64 = op == 0 ? 0 : 1;
    for (let j = 0; j < r; j++) s = op == 0 ? s + <f64>load<f32>(at(x, j * ld + i)) : s * <f64>load<f32>(at(x, j * ld + i));
    store<f32>(at(out, i), <f32>s);
  }
}

/**
 * out (outer, inner) = op over r of x (outer, r, inner), for the `cols` inner columns starting at
 * the given x and out (a thread's share; cols = inner for all of it).
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32, cols: i32): void {
  for (let o = 0; o < outer; o++) {
    const xo = at(x, o * r * inner);
    const oo = at(out, o * inner);
    if (inner == 1) {
      switch (op) {
        case 0: store<f32>(oo, <f32>reduceContig64(0, xo, r)); break;
        case 1: store<f32>(oo, reduceContig(1, xo, r)); break;
        case 2: store<f32>(oo, reduceContig(2, xo, r)); break;
        default: store<f32>(oo, <f32>reduceContig64(3, xo, r)); break;
      }
    } else {
      switch (op) {
        case 0: reduceRows64(0, xo, inner, oo, r, cols); break;
        case 1: reduceRows(1, xo, inner, oo, r, cols); break;
        case 2: reduceRows(2, xo, inner, oo, r, cols); break;
        default: reduceRows64(3, xo, inner, oo, r, cols); break;
      }
    }
  }
}

/** Row-wise softmax (or log-softmax when `log`) of x (rows, cols) into out (rows, cols). */
export function softmax(x: usize, out: usize, rows: i32, cols: i32, log: bool): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols);
    const or = at(out, r * cols);
    const m = splat(reduceContig(1, xr, cols));
    // sum of exp(x - max); softmax keeps the exponentials in out
    let acc = splat(0);
    let acc2 = splat(0);
    let i = 0;
    for (; i + 8 <= cols; i += 8) {
      const e = vexp(f32x4.sub(v128.load(at(xr, i)), m));
      const e2 = vexp(f32x4.sub(v128.load(at(xr, i), 16), m));
      if (!log) {
        v128.store(at(or, i), e);
        v128.store(at(or, i), e2, 16);
      }
      acc = f32x4.add(acc, e);
      acc2 = f32x4.add(acc2, e2);
    }
    acc = f32x4.add(acc, acc2);
    for (; i + 4 <= cols; i += 4) {
      const e = vexp(f32x4.sub(v128.load(at(xr, i)), m));
      if (!log) v128.store(at(or, i), e);
      acc = f32x4.add(acc, e);
    }
    let sum = hsum(acc);
    for (; i < cols; i++) {
      const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(at(xr, i)) - f32x4.extract_lane(m, 0))), 0);
      if (!log) store<f32>(at(or, i), e);
      sum += e;
    }
    if (log) {
      // (x - max) - log(sum), never x - (max + log(sum)): max + log(sum) rounds to a float32 step
      // at the size of max (half of 6e-5 at 1000), which would swamp the small log-probabilities
      const ls = vlog(f32x4.splat(sum));
      i = 0;
      for (; i + 4 <= cols; i += 4) v128.store(at(or, i), f32x4.sub(f32x4.sub(v128.load(at(xr, i)), m), ls));
      for (; i < cols; i++) store<f32>(at(or, i), load<f32>(at(xr, i)) - f32x4.extract_lane(m, 0) - f32x4.extract_lane(ls, 0));
    } else {
      const inv = splat(1 / sum);
      i = 0;
      for (; i + 4 <= cols; i += 4) v128.store(at(or, i), f32x4.mul(v128.load(at(or, i)), inv));
      for (; i < cols; i++) store<f32>(at(or, i), load<f32>(at(or, i)) * f32x4.extract_lane(inv, 0));
    }
  }
}
