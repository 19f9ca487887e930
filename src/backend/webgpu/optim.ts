// The webgpu fused optimizer update: one Adam/AdamW (and AMSGrad) step per parameter in one
// dispatch, in place over p, m, v (and vmax), one invocation per element, with the f32 operations
// in the order of the unfused update (src/ops/optim.ts, src/backend/reference/optim.ts).

import type { AdamStepArgs, View } from '../backend.js';
import { type GpuBuf, grid1d, type WebGpuDevice } from './device.js';
import { ROW, WG } from './wgsl.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bits(v: number): number {
  f32[0] = v;
  return u32[0];
}

/** The WGSL of one variant (the flags select code; the scalars are params). */
function adamWgsl(a: AdamStepArgs): string {
  const ams = a.amsgrad;
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> ps: array<u32>;
@group(0) @binding(2) var<storage, read_write> ms: array<u32>;
@group(0) @binding(3) var<storage, read_write> vs: array<u32>;
${ams ? '@group(0) @binding(4) var<storage, read_write> xs: array<u32>;' : ''}
@group(0) @binding(${ams ? 5 : 4}) var<storage, read> gs: array<u32>;
fn isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn s(k: u32) -> f32 { return bitcast<f32>(p[k]); }
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * ${ROW}u;
  if (t >= p[0]) { return; }
  let beta1 = s(6u); let c1 = s(7u); let beta2 = s(8u); let c2 = s(9u); let stepSize = s(10u);
  let bc2 = s(11u); let eps = s(12u); let decay = s(13u); let wd = s(14u);
  var grad = bitcast<f32>(gs[p[2] + t]);
  var param = bitcast<f32>(ps[p[1] + t]);
  ${a.maximize ? 'grad = -grad;' : ''}
  ${a.decoupled ? 'param = param * decay;' : ''}
  ${a.l2 ? 'grad = grad + param * wd;' : ''}
  let mm = bitcast<f32>(ms[p[3] + t]) * beta1 + grad * c1;
  var vv = bitcast<f32>(vs[p[4] + t]) * beta2 + (grad * c2) * grad;
  ms[p[3] + t] = bitcast<u32>(mm);
  vs[p[4] + t] = bitcast<u32>(vv);
  ${
    ams
      ? `let old = bitcast<f32>(xs[p[5] + t]);
  vv = select(max(old, vv), old + vv, isnan(old) || isnan(vv));
  xs[p[5] + t] = bitcast<u32>(vv);`
      : ''
  }
  let denom = sqrt(vv) / bc2 + eps;
  ps[p[1] + t] = bitcast<u32>(param - (mm / denom) * stepSize);
}
`;
}

const CODE = new Map<string, string>();

/**
 * One Adam/AdamW step in place over n contiguous float32 elements: m, v (and vmax when amsgrad)
 * and the parameter p from the gradient g. Four (five) distinct buffers; g is only read.
 * @example adamStep(dev, p, g, m, v, null, n, { beta1: 0.9, c1: 0.1, beta2: 0.999, c2: 0.001, stepSize: 1e-3, bc2: 1, eps: 1e-8, decay: 1, wd: 0, decoupled: false, l2: false, amsgrad: false, maximize: false })
 */
export function adamStep(dev: WebGpuDevice, p: View, g: View, m: View, v: View, vmax: View | null, n: number, a: AdamStepArgs): void {
  const amsgrad = a.amsgrad && vmax !== null;
  if (a.amsgrad && vmax === null) throw new TypeError('webgpu adamStep: vmax must be a view when amsgrad, got null');
  const key = `${a.maximize}${a.decoupled}${a.l2}${amsgrad}`;
  let code = CODE.get(key);
  if (code === undefined) {
    code = adamWgsl({ ...a, amsgrad });
    CODE.set(key, code);
  }
  const params = [n, p.offset, g.offset, m.offset, v.offset, vmax?.offset ?? 0];
  params.push(...[a.beta1, a.c1, a.beta2, a.c2, a.stepSize, a.bc2, a.eps, a.decay, a.wd].map(bits));
  const outputs = [p, m, v, ...(amsgrad ? [vmax as View] : [])].map((x) => x.buffer as GpuBuf);
  dev.run({ code, params, outputs, inputs: [g.buffer as GpuBuf], groups: grid1d(n) });
}
