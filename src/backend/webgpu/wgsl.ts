// WGSL source for the webgpu device's kernels: each elementwise primitive's expression (maps typed
// by the primitive table's op names, so a new primitive is a compile error here until it has its
// WGSL), the scalar helpers they call, and the generator of the elementwise shaders.
//
// Every buffer is bound as array<u32>: float32 and int32 elements are bitcast, bool elements are
// bytes packed four to a word (a bool output is written a whole word per invocation).

import type { DType } from '../../core/dtype.js';
import type { BinaryOp } from '../../core/primitives/binary.js';
import type { UnaryOp } from '../../core/primitives/unary.js';

/** The type an expression computes in: f32, i32, or a WGSL bool (a mask). */
export type WgslType = 'f32' | 'i32' | 'bool';

/** Each unary op on f32 `x` (and `alpha`): an f32 expression, or bool for the masks. */
export const UNARY_F32: Record<UnaryOp, string> = {
  geluGrad: '0.5 * (1.0 + t_erf(x * 0.70710678118)) + x * exp(-0.5 * x * x) * 0.39894228040',
  geluTanhGrad:
    '0.5 * (1.0 + t_tanh(0.79788456080 * (x + 0.044715 * x * x * x))) + 0.5 * x * (1.0 - t_tanh(0.79788456080 * (x + 0.044715 * x * x * x)) * t_tanh(0.79788456080 * (x + 0.044715 * x * x * x))) * 0.79788456080 * (1.0 + 0.134145 * x * x)',
  neg: '-x',
  exp: 'exp(x)',
  log: 't_log(x)',
  log1p: 't_log1p(x)',
  expm1: 't_expm1(x)',
  sqrt: 'select(sqrt(x), t_nan(), x < 0.0)',
  rsqrt: 'select(1.0 / sqrt(x), t_nan(), x < 0.0)',
  abs: 'abs(x)',
  sign: 'select(select(select(t_nan(), 0.0, x == 0.0), -1.0, x < 0.0), 1.0, x > 0.0)',
  sin: 'sin(x)',
  cos: 'cos(x)',
  tanh: 't_tanh(x)',
  sigmoid: 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)',
  relu: 'select(x, 0.0, x < 0.0)',
  leakyRelu: 'select(alpha * x, x, x > 0.0)',
  elu: 'select(alpha * t_expm1(x), x, x > 0.0)',
  gelu: '0.5 * x * (1.0 + t_erf(x * 0.70710678118))',
  geluTanh: '0.5 * x * (1.0 + t_tanh(0.79788456080 * (x + 0.044715 * x * x * x)))',
  silu: 'x / (1.0 + exp(-x))',
  softplus: 'select(t_log1p(exp(x)), x, x > 20.0)',
  hardswish: 'x * (clamp(x + 3.0, 0.0, 6.0) / 6.0)',
  mish: 'x * t_tanh(t_log1p(exp(x)))',
  reciprocal: '1.0 / x',
  square: 'x * x',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL's round is half to even, as the definition
  not: 'x == 0.0',
  isnan: 't_isnan(x)',
};

/** The unary ops that keep int32 (dtype rule 'keepInt'), on i32 `x`. */
export const UNARY_I32: Partial<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign(x)',
  square: 'x * x',
  floor: 'x',
  ceil: 'x',
  round: 'x',
};

/** Each binary op on f32 `a`, `b`: an f32 expression, or bool for comparisons and logic. */
export const BINARY_F32: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 't_pow(a, b)',
  maximum: 'select(max(a, b), t_nan(), t_isnan(a) || t_isnan(b))',
  minimum: 'select(min(a, b), t_nan(), t_isnan(a) || t_isnan(b))',
  eq: 'a == b',
  ne: '(a != b) || t_isnan(a) || t_isnan(b)', // Vulkan's != is ordered (false with a NaN): IEEE's is unordered
  lt: 'a < b',
  le: 'a <= b',
  gt: 'a > b',
  ge: 'a >= b',
  // truthiness: NaN is true, and Vulkan's != is ordered (false with a NaN), so by bits too
  and: '(a != 0.0 || t_isnan(a)) && (b != 0.0 || t_isnan(b))',
  or: 'a != 0.0 || t_isnan(a) || b != 0.0 || t_isnan(b)',
  xor: '(a != 0.0 || t_isnan(a)) != (b != 0.0 || t_isnan(b))',
  reluGrad: 'select(0.0, b, a > 0.0)',
};

/** The binary ops computed in i32 when both operands are int32 or bool (wrapping like PyTorch's int32). */
export const BINARY_I32: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  eq: 'a == b',
  ne: 'a != b',
  lt: 'a < b',
  le: 'a <= b',
  gt: 'a > b',
  ge: 'a >= b',
  and: 'a != 0 && b != 0',
  or: 'a != 0 || b != 0',
  xor: '(a != 0) != (b != 0)',
};

/** Scalar helpers (NaN and infinity are made at run time: a constant one is a shader error). */
const HELPERS = /* wgsl */ `
fn t_nan() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }
fn t_inf() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }
fn t_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn t_log(x: f32) -> f32 { if (x < 0.0) { return t_nan(); } if (x == 0.0) { return -t_inf(); } return log(x); }
fn t_log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (u == t_inf() || u <= 0.0) { return t_log(u); }
  return log(u) * x / (u - 1.0);
}
fn t_expm1(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  if (u == t_inf()) { return u; }
  return um1 * x / log(u);
}
fn t_tanh(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); let t = (1.0 - e) / (1.0 + e); return select(t, -t, x < 0.0); }
fn t_erf(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn t_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (t_isnan(a) || t_isnan(b)) { return t_nan(); }
  if (a == 0.0) { return select(0.0, t_inf(), b < 0.0); }
  if (a < 0.0) {
    if (floor(b) != b) { return t_nan(); }
    let m = pow(-a, b);
    return select(m, -m, abs(b) % 2.0 == 1.0);
  }
  return pow(a, b);
}
`;

/** One input of an elementwise kernel: its name in the expression, dtype, and the type it is converted to. */
export interface EwInput {
  name: string;
  dtype: DType;
  as: 'f32' | 'i32';
}

/** What an elementwise kernel computes: inputs, an expression of them (and `alpha`), the output dtype. */
export interface EwSpec {
  inputs: readonly EwInput[];
  expr: string;
  exprType: WgslType;
  outDtype: DType;
  /**
   * How a bool output is stored: 'words', a whole word (4 elements) per invocation (a contiguous
   * output at a multiple of 4 whose last word holds no other tensor's bytes); 'bytes', one element
   * per invocation into its byte by atomicAnd/atomicOr (any offset and strides; the neighbouring
   * bytes kept); null for float32/int32 outputs.
   */
  boolOut: 'words' | 'bytes' | null;
}

/** Invocations per workgroup, and the x-extent of a 2-D dispatch (65535 workgroups). */
export const WG = 256;
export const ROW = 65535 * WG;

function load(k: number, dtype: DType): string {
  if (dtype === 'bool') return `f32((x${k}[u32(i) >> 2u] >> ((u32(i) & 3u) * 8u)) & 0xffu)`;
  return dtype === 'int32' ? `f32(bitcast<i32>(x${k}[i]))` : `bitcast<f32>(x${k}[i])`;
}

function loadAs(k: number, dtype: DType, as: 'f32' | 'i32'): string {
  if (as === 'f32') return load(k, dtype);
  if (dtype === 'bool') return `i32((x${k}[u32(i) >> 2u] >> ((u32(i) & 3u) * 8u)) & 0xffu)`;
  return dtype === 'int32' ? `bitcast<i32>(x${k}[i])` : `i32(bitcast<f32>(x${k}[i]))`;
}

/** `v` of type `t` as the output dtype's value: a u32 word for f32/i32, a bool for bool. */
function store(t: WgslType, out: DType): string {
  if (out === 'bool') return t === 'bool' ? 'v' : t === 'f32' ? '(v != 0.0 || t_isnan(v))' : 'v != 0';
  if (out === 'int32') return `bitcast<u32>(${t === 'bool' ? 'select(0, 1, v)' : t === 'f32' ? 'i32(v)' : 'v'})`;
  return `bitcast<u32>(${t === 'bool' ? 'select(0.0, 1.0, v)' : t === 'f32' ? 'v' : 'f32(v)'})`;
}

/**
 * The WGSL of one elementwise kernel. Params (array<u32>): n, rank, out offset, alpha (f32 bits),
 * input offsets [4..8), shape at 8, then output strides and each input's strides (i32 bits).
 * @example elementwiseWgsl({ inputs: [{ name: 'x', dtype: 'float32', as: 'f32' }], expr: 'exp(x)', exprType: 'f32', outDtype: 'float32', boolOut: null })
 */
export function elementwiseWgsl(s: EwSpec): string {
  const bindings = s.inputs.map((_, k) => `@group(0) @binding(${k + 2}) var<storage, read> x${k}: array<u32>;`).join('\n');
  const loads = s.inputs
    .map((inp, k) => `  { let i = bitcast<i32>(p[${4 + k}u]) + offs(li, ${k + 1}u); ${inp.name} = ${loadAs(k, inp.dtype, inp.as)}; }`)
    .join('\n');
  const decls = s.inputs.map((inp) => `  var ${inp.name}: ${inp.as};`).join('\n');
  const rt = s.exprType;
  const main =
    s.boolOut === 'bytes'
      ? `  if (t >= n) { return; }
  let v = val(t);
  let e = u32(bitcast<i32>(p[2]) + offs(t, 0u));
  let sh = (e & 3u) * 8u;
  atomicAnd(&o[e >> 2u], ~(0xffu << sh));
  atomicOr(&o[e >> 2u], select(0u, 1u, ${store(rt, 'bool')}) << sh);`
      : s.boolOut === 'words'
        ? `  if (t * 4u >= n) { return; }
  var w = 0u;
  for (var j = 0u; j < 4u; j++) { let li = t * 4u + j; if (li < n) { let v = val(li); w |= select(0u, 1u, ${store(rt, 'bool')}) << (8u * j); } }
  o[p[2] / 4u + t] = w;`
        : `  if (t >= n) { return; }
  let v = val(t);
  o[bitcast<i32>(p[2]) + offs(t, 0u)] = ${store(rt, s.outDtype)};`;
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<${s.boolOut === 'bytes' ? 'atomic<u32>' : 'u32'}>;
${bindings}
${HELPERS}
fn offs(li: u32, k: u32) -> i32 {
  let rank = p[1];
  var r = li;
  var off = 0i;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let s = p[8u + u32(d)];
    off += i32(r % s) * bitcast<i32>(p[8u + rank * (1u + k) + u32(d)]);
    r = r / s;
  }
  return off;
}
fn val(li: u32) -> ${rt} {
  let alpha = bitcast<f32>(p[3]);
${decls}
${loads}
  return ${s.expr};
}
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x + g.y * ${ROW}u;
  let n = p[0];
${main}
}
`;
}
