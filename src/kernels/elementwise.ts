// Elementwise float32 kernels on (rows, cols) blocks: unary math and binary arithmetic with
// broadcasting. Inputs have a row stride and a column stride in elements (column stride 1 is the
// fast path, 0 means broadcast along the row, anything else is gathered); the output is
// contiguous (rows, cols). Tails use the same vector code on a partial vector, so every element
// gets bit-identical results wherever a thread split puts it.
//
// Op codes must match UNARY_CODES / BINARY_CODES in src/backend/wasm/elementwise.ts.
import { at, splat } from './simd';
import { vexp, vexpm1, vgelu, vgeluGrad, vlog, vlog1p, vsigmoid, vtanh } from './vmath';

/** Four lanes from p, p+s, p+2s, p+3s (s in elements; 1 and 0 are the cheap cases). */
// @ts-ignore: decorator
@inline function gather(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 0) return v128.load32_splat(p);
  let v = v128.load32_zero(p);
  v = f32x4.replace_lane(v, 1, load<f32>(at(p, s)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(p, 2 * s)));
  return f32x4.replace_lane(v, 3, load<f32>(at(p, 3 * s)));
}

/** The first `k` (1..3) lanes from p with stride s, other lanes 0. */
// @ts-ignore: decorator
@inline function gatherPart(p: usize, s: i32, k: i32): v128 {
  let v = v128.load32_zero(p);
  if (k > 1) v = f32x4.replace_lane(v, 1, load<f32>(at(p, s)));
  if (k > 2) v = f32x4.replace_lane(v, 2, load<f32>(at(p, 2 * s)));
  return v;
}

/** Stores the first `k` (1..3) lanes of v at p. */
// @ts-ignore: decorator
@inline function storePart(p: usize, v: v128, k: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (k > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (k > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---- unary ----------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function unaryOp(op: i32, x: v128, alpha: v128): v128 {
  switch (op) {
    case 0: return f32x4.neg(x);
    case 1: return vexp(x);
    case 2: return vlog(x);
    case 3: return vlog1p(x);
    case 4: return vexpm1(x);
    case 5: return f32x4.sqrt(x);
    case 6: return f32x4.div(splat(1), f32x4.sqrt(x));
    case 7: return f32x4.abs(x);
    case 8: {
      // sign: 1 or -1 where |x| > 0; 0 and NaN pass through
      const one = v128.or(splat(1), v128.and(x, i32x4.splat(0x80000000)));
      return v128.bitselect(one, x, f32x4.gt(f32x4.abs(x), splat(0)));
    }
    case 9: return vtanh(x);
    case 10: return vsigmoid(x);
    case 11: return f32x4.pmax(x, splat(0)); // x < 0 ? 0 : x: NaN stays NaN, as in PyTorch
    case 12: return v128.bitselect(x, f32x4.mul(x, alpha), f32x4.gt(x, splat(0)));
    case 13: return v128.bitselect(x, f32x4.mul(vexpm1(x), alpha), f32x4.gt(x, splat(0)));
    case 14: return vgelu(x);
    case 15: return f32x4.mul(x, vsigmoid(x));
    case 16: {
      // softplus: log1p(exp(x)), and x itself above 20 as PyTorch does
      const sp = f32x4.add(f32x4.pmax(x, splat(0)), vlog1p(vexp(f32x4.neg(f32x4.abs(x)))));
      return v128.bitselect(x, sp, f32x4.gt(x, splat(20)));
    }
    case 17: return f32x4.div(splat(1), x);
    case 18: return f32x4.mul(x, x);
    case 19: return f32x4.floor(x);
    case 20: return f32x4.ceil(x);
    case 21: return f32x4.nearest(x);
    case 22: return vgeluGrad(x);
    case 23: {
      // hardswish: x * (min(max(x + 3, 0), 6) / 6), scaled before the product so that x near
      // float32's max does not overflow (NaN propagates; -inf gives NaN, as in PyTorch)
      const r6 = f32x4.min(f32x4.max(f32x4.add(x, splat(3)), splat(0)), splat(6));
      return f32x4.mul(x, f32x4.div(r6, splat(6)));
    }
    case 24: {
      // mish: x * tanh(softplus(x)), softplus as case 16 (x itself above 20)
      const sp = f32x4.add(f32x4.pmax(x, splat(0)), vlog1p(vexp(f32x4.neg(f32x4.abs(x)))));
      return f32x4.mul(x, vtanh(v128.bitselect(x, sp, f32x4.gt(x, splat(20)))));
    }
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function unaryRow(op: i32, x: usize, xs: i32, out: usize, n: i32, alpha: v128): void {
  let i = 0;
  if (xs == 1) {
    // two independent vectors per iteration keep more of the polynomial chains in flight
    for (; i + 8 <= n; i += 8) {
      const p = at(x, i);
      const a = unaryOp(op, v128.load(p), alpha);
      const b = unaryOp(op, v128.load(p, 16), alpha);
      v128.store(at(out, i), a);
      v128.store(at(out, i), b, 16);
    }
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), unaryOp(op, v128.load(at(x, i)), alpha));
  } else {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), unaryOp(op, gather(at(x, i * xs), xs), alpha));
  }
  if (i < n) storePart(at(out, i), unaryOp(op, gatherPart(at(x, i * xs), xs, n - i), alpha), n - i);
}

/** out (rows, cols) = op(x); x row r, column j at x + 4 * (r * xrs + j * xcs). */
export function unary(op: i32, x: usize, xrs: i32, xcs: i32, out: usize, rows: i32, cols: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  for (let r = 0; r < rows; r++) {
    const xp = at(x, r * xrs);
    const op_ = at(out, r * cols);
    switch (op) {
      case 0: unaryRow(0, xp, xcs, op_, cols, va); break;
      case 1: unaryRow(1, xp, xcs, op_, cols, va); break;
      case 2: unaryRow(2, xp, xcs, op_, cols, va); break;
      case 3: unaryRow(3, xp, xcs, op_, cols, va); break;
      case 4: unaryRow(4, xp, xcs, op_, cols, va); break;
      case 5: unaryRow(5, xp, xcs, op_, cols, va); break;
      case 6: unaryRow(6, xp, xcs, op_, cols, va); break;
      case 7: unaryRow(7, xp, xcs, op_, cols, va); break;
      case 8: unaryRow(8, xp, xcs, op_, cols, va); break;
      case 9: unaryRow(9, xp, xcs, op_, cols, va); break;
      case 10: unaryRow(10, xp, xcs, op_, cols, va); break;
      case 11: unaryRow(11, xp, xcs, op_, cols, va); break;
      case 12: unaryRow(12, xp, xcs, op_, cols, va); break;
      case 13: unaryRow(13, xp, xcs, op_, cols, va); break;
      case 14: unaryRow(14, xp, xcs, op_, cols, va); break;
      case 15: unaryRow(15, xp, xcs, op_, cols, va); break;
      case 16: unaryRow(16, xp, xcs, op_, cols, va); break;
      case 17: unaryRow(17, xp, xcs, op_, cols, va); break;
      case 18: unaryRow(18, xp, xcs, op_, cols, va); break;
      case 19: unaryRow(19, xp, xcs, op_, cols, va); break;
      case 20: unaryRow(20, xp, xcs, op_, cols, va); break;
      case 21: unaryRow(21, xp, xcs, op_, cols, va); break;
      case 22: unaryRow(22, xp, xcs, op_, cols, va); break;
      case 23: unaryRow(23, xp, xcs, op_, cols, va); break;
      case 24: unaryRow(24, xp, xcs, op_, cols, va); break;
      default: break;
    }
  }
}

// ---- binary ---------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function binaryOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.add(a, b);
    case 1: return f32x4.sub(a, b);
    case 2: return f32x4.mul(a, b);
    case 3: return f32x4.div(a, b);
    case 4: return f32x4.max(a, b);
    case 5: return f32x4.min(a, b);
    case 6: return v128.and(b, f32x4.gt(a, splat(0))); // reluGrad: a forward input, b gradient
    default: return a;
  }
}

// @ts-ignore: decorator
@inline function binaryRow(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  let i = 0;
  if (as == 1 && bs == 1) {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), binaryOp(op, v128.load(at(a, i)), v128.load(at(b, i))));
  } else if (as == 1 && bs == 0) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), binaryOp(op, v128.load(at(a, i)), vb));
  } else if (as == 0 && bs == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), binaryOp(op, va, v128.load(at(b, i))));
  } else {
    for (; i + 4 <= n; i += 4) {
      v128.store(at(out, i), binaryOp(op, gather(at(a, i * as), as), gather(at(b, i * bs), bs)));
    }
  }
  if (i < n) {
    const k = n - i;
    storePart(at(out, i), binaryOp(op, gatherPart(at(a, i * as), as, k), gatherPart(at(b, i * bs), bs, k)), k);
  }
}

/** out (rows, cols) = op(a, b); operand row r, column j at p + 4 * (r * rs + j * cs). */
export function binary(
  op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize, rows: i32, cols: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const ap = at(a, r * ars);
    const bp = at(b, r * brs);
    const op_ = at(out, r * cols);
    switch (op) {
      case 0: binaryRow(0, ap, acs, bp, bcs, op_, cols); break;
      case 1: binaryRow(1, ap, acs, bp, bcs, op_, cols); break;
      case 2: binaryRow(2, ap, acs, bp, bcs, op_, cols); break;
      case 3: binaryRow(3, ap, acs, bp, bcs, op_, cols); break;
      case 4: binaryRow(4, ap, acs, bp, bcs, op_, cols); break;
      case 5: binaryRow(5, ap, acs, bp, bcs, op_, cols); break;
      case 6: binaryRow(6, ap, acs, bp, bcs, op_, cols); break;
      default: break;
    }
  }
}

/** Copies 4-byte elements between strided layouts of up to 4 dims (n0..n3, strides in elements). */
export function copy4(
  src: usize, dst: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, d0: i32, d1: i32, d2: i32, d3: i32,
): void {
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const s = at(src, i0 * s0 + i1 * s1 + i2 * s2);
        const d = at(dst, i0 * d0 + i1 * d1 + i2 * d2);
        if (s3 == 1 && d3 == 1) {
          memory.copy(d, s, <usize>n3 << 2);
        } else {
          for (let i = 0; i < n3; i++) store<u32>(at(d, i * d3), load<u32>(at(s, i * s3)));
        }
      }
    }
  }
}
