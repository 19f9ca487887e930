// Vectorised float32 transcendentals on four lanes, accurate to a few ulp (about 1e-7 relative):
// exp, log, log1p, expm1, tanh, sigmoid and the exact (erf) GELU and its derivative.
// Polynomials are the Cephes single-precision ones; erfc is Numerical Recipes' Chebyshev fit
// (fractional error < 1.2e-7) with the exp(-x^2/2) factor computed from an exact x^2 split.
import { madd, nmadd, splat } from './simd';

// biome-ignore lint/suspicious/noApproximativeNumericConstant: an f32 constant (Math.LOG2E is an f64 global in AssemblyScript)
const LOG2E: f32 = 1.4426950408889634;
const LN2HI: f32 = 0.693359375;
const LN2LO: f32 = -2.12194440e-4;
/** 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer held in the low mantissa bits. */
const MAGIC: f32 = 12582912;

// Clamps use pmin/pmax (one x86 instruction each, NaN in the first operand passes through);
// f32x4.min/max are kept where NaN must win from either side.

/** exp(a + b) for a + b split for extra precision: a - n*ln2 must be exact (a has <= 17 bits
 * below the binary point at |a| < 128, as any f32 does), b small. Lanes of f32. */
// @ts-ignore: decorator
@inline export function vexp2(a: v128, b: v128): v128 {
  const sum = f32x4.add(a, b);
  const s = f32x4.pmax(f32x4.pmin(sum, splat(89)), splat(-104));
  // out-of-range (or NaN) lanes continue from the clamped value: 0, inf or NaN after scaling
  const clamped = f32x4.ne(s, sum);
  a = v128.bitselect(s, a, clamped);
  b = v128.andnot(b, clamped);
  // n = round(s / ln2) by the 1.5 * 2^23 trick: the integer lands in the low mantissa bits
  const t = madd(s, splat(LOG2E), splat(MAGIC));
  const fx = f32x4.sub(t, splat(MAGIC));
  const r = nmadd(fx, splat(LN2LO), f32x4.add(nmadd(fx, splat(LN2HI), a), b));
  return expScale(r, i32x4.sub(t, splat(MAGIC)));
}

/** exp(x). NaN stays NaN, large x gives inf, very negative x gives 0. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const s = f32x4.pmax(f32x4.pmin(x, splat(89)), splat(-104));
  const t = madd(s, splat(LOG2E), splat(MAGIC));
  const fx = f32x4.sub(t, splat(MAGIC));
  const r = nmadd(fx, splat(LN2LO), nmadd(fx, splat(LN2HI), s));
  return expScale(r, i32x4.sub(t, splat(MAGIC)));
}

/** exp(r) * 2^n for |r| <= ln2 / 2 and integer lanes n: Cephes polynomial, 2^n in two factors
 * so that results down to the smallest denormal come out right. */
// @ts-ignore: decorator
@inline function expScale(r: v128, n: v128): v128 {
  let p = madd(splat(1.9875691500e-4), r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  const y = f32x4.add(madd(p, f32x4.mul(r, r), r), splat(1));
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const e1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const e2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, e1), e2);
}

/** Natural log: NaN for x < 0, -inf at 0, inf at inf; denormals handled. */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  // scale denormals up by 2^23
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608)), x, tiny);
  const eadj = v128.and(tiny, f32x4.splat(23));
  // x = m * 2^e with m in [0.5, 1)
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(126)));
  e = f32x4.sub(e, eadj);
  const m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // m < sqrt(1/2): use 2m - 1 and e - 1, else m - 1
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: an f32 lane constant (Math.SQRT1_2 is f64)
  const lo = f32x4.lt(m, splat(0.7071067811865476));
  e = f32x4.sub(e, v128.and(lo, splat(1)));
  const f = f32x4.sub(f32x4.add(m, v128.and(lo, m)), splat(1));
  const z = f32x4.mul(f, f);
  let p = madd(splat(7.0376836292e-2), f, splat(-1.1514610310e-1));
  p = madd(p, f, splat(1.1676998740e-1));
  p = madd(p, f, splat(-1.2420140846e-1));
  p = madd(p, f, splat(1.4249322787e-1));
  p = madd(p, f, splat(-1.6668057665e-1));
  p = madd(p, f, splat(2.0000714765e-1));
  p = madd(p, f, splat(-2.4999993993e-1));
  p = madd(p, f, splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, z), f);
  y = madd(e, splat(LN2LO), y);
  y = nmadd(splat(0.5), z, y);
  let r = madd(e, splat(LN2HI), f32x4.add(f, y));
  // specials: x == 0 -> -inf, x < 0 or NaN -> NaN, x == inf -> inf
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0)));
  r = v128.bitselect(splat(NaN), r, v128.not(f32x4.ge(x, splat(0))));
  return v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
}

/** log(1 + x), accurate for small x. */
// @ts-ignore: decorator
@inline export function vlog1p(x: v128): v128 {
  const u = f32x4.add(x, splat(1));
  const d = f32x4.sub(u, splat(1));
  // log(u) * x / (u - 1) corrects the rounding of 1 + x
  const r = f32x4.mul(vlog(u), f32x4.div(x, d));
  const exact = v128.or(f32x4.eq(d, splat(0)), f32x4.eq(u, splat(Infinity)));
  return v128.bitselect(v128.bitselect(x, u, f32x4.eq(d, splat(0))), r, exact);
}

/** exp(x) - 1, accurate for small x. */
// @ts-ignore: decorator
@inline export function vexpm1(x: v128): v128 {
  let p = madd(splat(1.0 / 40320), x, splat(1.0 / 5040));
  p = madd(p, x, splat(1.0 / 720));
  p = madd(p, x, splat(1.0 / 120));
  p = madd(p, x, splat(1.0 / 24));
  p = madd(p, x, splat(1.0 / 6));
  p = madd(p, x, splat(0.5));
  p = madd(f32x4.mul(p, x), x, x);
  const big = f32x4.sub(vexp(x), splat(1));
  return v128.bitselect(p, big, f32x4.lt(f32x4.abs(x), splat(0.5)));
}

/** tanh(x): odd polynomial for |x| < 0.625, else 1 - 2 / (exp(2|x|) + 1) with x's sign. */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = madd(splat(-5.70498872745e-3), z, splat(2.06390887954e-2));
  p = madd(p, z, splat(-5.37397155531e-2));
  p = madd(p, z, splat(1.33314422036e-1));
  p = madd(p, z, splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), x, x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.625)));
}

/** 1 / (1 + exp(-x)), stable for both signs. */
// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, splat(0)));
}

/** exp(-x^2 / 2 + c) with x^2 split exactly (x = hi + lo, hi with 12 significant bits). */
// @ts-ignore: decorator
@inline function vgauss(x: v128, c: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, splat(20)), splat(-20));
  const hi = v128.and(x, i32x4.splat(0xfffff000));
  const lo = f32x4.sub(x, hi);
  const a = f32x4.mul(f32x4.mul(hi, hi), splat(-0.5));
  const b = nmadd(f32x4.mul(f32x4.add(hi, x), splat(0.5)), lo, c);
  return vexp2(a, b);
}

/** Standard normal CDF Phi(x) = 0.5 * erfc(-x / sqrt 2), accurate in both tails. */
// @ts-ignore: decorator
@inline export function vphi(x: v128): v128 {
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: an f32 lane constant (Math.SQRT1_2 is f64)
  const z = f32x4.mul(f32x4.abs(x), splat(0.7071067811865476));
  const t = f32x4.div(splat(1), madd(splat(0.5), z, splat(1)));
  let p = madd(splat(0.17087277), t, splat(-0.82215223));
  p = madd(p, t, splat(1.48851587));
  p = madd(p, t, splat(-1.13520398));
  p = madd(p, t, splat(0.27886807));
  p = madd(p, t, splat(-0.18628806));
  p = madd(p, t, splat(0.09678418));
  p = madd(p, t, splat(0.37409196));
  p = madd(p, t, splat(1.00002368));
  p = madd(p, t, splat(-1.26551223));
  // half erfc(|x| / sqrt 2) = 0.5 * t * exp(-x^2/2 + p)
  const h = f32x4.mul(f32x4.mul(t, splat(0.5)), vgauss(x, p));
  return v128.bitselect(f32x4.sub(splat(1), h), h, f32x4.ge(x, splat(0)));
}

/** GELU with the exact erf form: x * Phi(x). */
// @ts-ignore: decorator
@inline export function vgelu(x: v128): v128 {
  return f32x4.mul(x, vphi(x));
}

/** d/dx GELU = Phi(x) + x * exp(-x^2/2) / sqrt(2 pi). */
// @ts-ignore: decorator
@inline export function vgeluGrad(x: v128): v128 {
  const pdf = f32x4.mul(vgauss(x, splat(0)), splat(0.3989422804014327));
  return madd(x, pdf, vphi(x));
}
