// Comparisons of float32 operands into bool (one byte per element, 0 or 1), and `where`
// selecting between float32 operands by a bool condition, on (rows, cols) blocks with row and
// column strides in elements like the kernels in elementwise.ts; outputs are contiguous.
// Op codes: 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge (COMPARE_CODES in src/backend/wasm/select.ts).
import { at } from './simd';

// @ts-ignore: decorator
@inline function cmp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.eq(a, b);
    case 1: return f32x4.ne(a, b);
    case 2: return f32x4.lt(a, b);
    case 3: return f32x4.le(a, b);
    case 4: return f32x4.gt(a, b);
    default: return f32x4.ge(a, b);
  }
}

// @ts-ignore: decorator
@inline function scmp(op: i32, a: f32, b: f32): bool {
  switch (op) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return a < b;
    case 3: return a <= b;
    case 4: return a > b;
    default: return a >= b;
  }
}

/** Four lanes from p with stride s elements (0: broadcast, 1: contiguous). */
// @ts-ignore: decorator
@inline function lanes(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 0) return v128.load32_splat(p);
  let v = v128.load32_zero(p);
  v = f32x4.replace_lane(v, 1, load<f32>(at(p, s)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(p, 2 * s)));
  return f32x4.replace_lane(v, 3, load<f32>(at(p, 3 * s)));
}

// @ts-ignore: decorator
@inline function compareRow(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m = cmp(op, lanes(at(a, i * as), as), lanes(at(b, i * bs), bs));
    // all-ones lanes to bytes 0xff, then to 1
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m, m), i16x8.splat(0));
    v128.store32_lane(out + <usize>i, v128.and(bytes, i8x16.splat(1)), 0);
  }
  for (; i < n; i++) store<u8>(out + <usize>i, scmp(op, load<f32>(at(a, i * as)), load<f32>(at(b, i * bs))) ? 1 : 0);
}

/** out (rows, cols) bool = op(a, b) for float32 a, b; operand element (r, j) at p + 4 * (r * rs + j * cs). */
export function compare(op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const ap = at(a, r * ars);
    const bp = at(b, r * brs);
    const o = out + <usize>(r * cols);
    switch (op) {
      case 0: compareRow(0, ap, acs, bp, bcs, o, cols); break;
      case 1: compareRow(1, ap, acs, bp, bcs, o, cols); break;
      case 2: compareRow(2, ap, acs, bp, bcs, o, cols); break;
      case 3: compareRow(3, ap, acs, bp, bcs, o, cols); break;
      case 4: compareRow(4, ap, acs, bp, bcs, o, cols); break;
      default: compareRow(5, ap, acs, bp, bcs, o, cols); break;
    }
  }
}

/** Four condition bytes from c with stride s bytes, as all-ones/zero i32 lanes (nonzero = true). */
// @ts-ignore: decorator
@inline function condLanes(c: usize, s: i32): v128 {
  let v: v128;
  if (s == 1) {
    v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(c)));
  } else if (s == 0) {
    v = i32x4.splat(load<u8>(c));
  } else {
    v = i32x4.splat(load<u8>(c));
    v = i32x4.replace_lane(v, 1, load<u8>(c + <usize>s));
    v = i32x4.replace_lane(v, 2, load<u8>(c + <usize>(2 * s)));
    v = i32x4.replace_lane(v, 3, load<u8>(c + <usize>(3 * s)));
  }
  return v128.not(i32x4.eq(v, i32x4.splat(0)));
}

/**
 * out (rows, cols) float32 = cond ? a : b, cond bool with strides in bytes (elements), a and b
 * float32 with strides in elements.
 */
export function where(
  c: usize, crs: i32, ccs: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize, rows: i32, cols: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const cp = c + <usize>(r * crs);
    const ap = at(a, r * ars);
    const bp = at(b, r * brs);
    const o = at(out, r * cols);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const m = condLanes(cp + <usize>(i * ccs), ccs);
      v128.store(at(o, i), v128.bitselect(lanes(at(ap, i * acs), acs), lanes(at(bp, i * bcs), bcs), m));
    }
    for (; i < cols; i++) {
      const t = load<u8>(cp + <usize>(i * ccs)) != 0;
      store<f32>(at(o, i), t ? load<f32>(at(ap, i * acs)) : load<f32>(at(bp, i * bcs)));
    }
  }
}
