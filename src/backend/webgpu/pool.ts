// The webgpu pooling kernels: max and average pooling of NCHW planes, forward and backward.
// Forward: one invocation per output, over its window's in-bounds taps (ties: the first max in
// row-major tap order wins; a NaN wins and stops the scan, as the reference device does).
// Backward: one invocation per input pixel, gathering over the windows that cover it in ascending
// output order, so every gx element is written once (no float atomics: WGSL has none) and the sums
// are added in the reference device's order.

import type { Pool2dGeom, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { grid1d } from './device.js';
import { ROW, WG } from './wgsl.js';

/** Params words 0..12: the geometry (countIncludePad as 0/1); the kernel's view offsets follow from word 13. */
function geomParams(g: Pool2dGeom): number[] {
  return [g.n * g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.countIncludePad ? 1 : 0, 0];
}

/** The bindings (params, then `outs` read_write, then `ins` read) and the geometry lets of a pool kernel. */
function prelude(outs: readonly string[], ins: readonly string[]): string {
  const names = [...outs, ...ins];
  const binds = names
    .map((nm, k) => `@group(0) @binding(${k + 1}) var<storage, ${k < outs.length ? 'read_write' : 'read'}> ${nm}: array<u32>;`)
    .join('\n');
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
${binds}
struct Geom { planes: u32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, cip: bool }
fn geom() -> Geom {
  return Geom(p[0], i32(p[1]), i32(p[2]), i32(p[3]), i32(p[4]), i32(p[5]), i32(p[6]), i32(p[7]), i32(p[8]), i32(p[9]), i32(p[10]), p[11] != 0u);
}
// the divisor of window (oy, ox): the window clipped to the padded input, or its in-bounds taps
fn count(q: Geom, oy: i32, ox: i32) -> f32 {
  let y0 = oy * q.sh - q.ph;
  let x0 = ox * q.sw - q.pw;
  if (q.cip) { return f32((min(y0 + q.kh, q.h + q.ph) - y0) * (min(x0 + q.kw, q.w + q.pw) - x0)); }
  return f32((min(y0 + q.kh, q.h) - max(y0, 0)) * (min(x0 + q.kw, q.w) - max(x0, 0)));
}
// the first and last output row (or column) whose window covers input row i
fn covering(i: i32, k: i32, s: i32, pad: i32, o: i32) -> vec2i {
  let num = i + pad - k + 1;
  let lo = select(0, (num + s - 1) / s, num > 0);
  return vec2i(lo, min((i + pad) / s, o - 1));
}
`;
}

const THREAD = `@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * ${ROW}u;
  let q = geom();`;

const MAX_FWD = /* wgsl */ `${prelude(['y', 'ix'], ['x'])}
${THREAD}
  let outPlane = u32(q.oh * q.ow);
  if (t >= q.planes * outPlane) { return; }
  let pl = t / outPlane;
  let j = i32(t % outPlane);
  let oy = j / q.ow;
  let ox = j % q.ow;
  let y0 = oy * q.sh - q.ph;
  let x0 = ox * q.sw - q.pw;
  let base = p[13] + pl * u32(q.h * q.w);
  var ninf = 0xff800000u;
  var best = bitcast<f32>(ninf);
  var at = -1;
  var done = false;
  for (var ky = 0; ky < q.kh && !done; ky++) {
    let iy = y0 + ky;
    if (iy < 0 || iy >= q.h) { continue; }
    for (var kx = 0; kx < q.kw; kx++) {
      let xx = x0 + kx;
      if (xx < 0 || xx >= q.w) { continue; }
      let tap = iy * q.w + xx;
      if (at < 0) { at = tap; }
      let v = bitcast<f32>(x[base + u32(tap)]);
      let isnan = (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
      if (v > best || isnan) {
        best = v;
        at = tap;
        if (isnan) { done = true; break; }
      }
    }
  }
  y[p[14] + t] = bitcast<u32>(best);
  ix[p[15] + t] = bitcast<u32>(max(at, 0));
}
`;

const MAX_BWD = /* wgsl */ `${prelude(['gx'], ['gy', 'ix'])}
${THREAD}
  let plane = u32(q.h * q.w);
  if (t >= q.planes * plane) { return; }
  let pl = t / plane;
  let k = i32(t % plane);
  let iy = k / q.w;
  let xx = k % q.w;
  let ry = covering(iy, q.kh, q.sh, q.ph, q.oh);
  let rx = covering(xx, q.kw, q.sw, q.pw, q.ow);
  let base = pl * u32(q.oh * q.ow);
  var acc = 0.0;
  for (var oy = ry.x; oy <= ry.y; oy++) {
    for (var ox = rx.x; ox <= rx.y; ox++) {
      let yi = base + u32(oy * q.ow + ox);
      if (bitcast<i32>(ix[p[15] + yi]) == k) { acc += bitcast<f32>(gy[p[13] + yi]); }
    }
  }
  gx[p[14] + t] = bitcast<u32>(acc);
}
`;

const AVG_FWD = /* wgsl */ `${prelude(['y'], ['x'])}
${THREAD}
  let outPlane = u32(q.oh * q.ow);
  if (t >= q.planes * outPlane) { return; }
  let pl = t / outPlane;
  let j = i32(t % outPlane);
  let oy = j / q.ow;
  let ox = j % q.ow;
  let y0 = oy * q.sh - q.ph;
  let x0 = ox * q.sw - q.pw;
  let base = p[13] + pl * u32(q.h * q.w);
  var s = 0.0;
  for (var iy = max(y0, 0); iy < min(y0 + q.kh, q.h); iy++) {
    for (var xx = max(x0, 0); xx < min(x0 + q.kw, q.w); xx++) {
      s += bitcast<f32>(x[base + u32(iy * q.w + xx)]);
    }
  }
  y[p[14] + t] = bitcast<u32>(s / count(q, oy, ox));
}
`;

const AVG_BWD = /* wgsl */ `${prelude(['gx'], ['gy'])}
${THREAD}
  let plane = u32(q.h * q.w);
  if (t >= q.planes * plane) { return; }
  let pl = t / plane;
  let k = i32(t % plane);
  let iy = k / q.w;
  let xx = k % q.w;
  let ry = covering(iy, q.kh, q.sh, q.ph, q.oh);
  let rx = covering(xx, q.kw, q.sw, q.pw, q.ow);
  let base = p[13] + pl * u32(q.oh * q.ow);
  var acc = 0.0;
  for (var oy = ry.x; oy <= ry.y; oy++) {
    for (var ox = rx.x; ox <= rx.y; ox++) {
      acc += bitcast<f32>(gy[base + u32(oy * q.ow + ox)]) / count(q, oy, ox);
    }
  }
  gx[p[14] + t] = bitcast<u32>(acc);
}
`;

/**
 * y (N, C, OH, OW) = the max of each window of x (N, C, H, W), and `indices` (int32) the flat
 * position within its (n, c) plane of that max: the first in row-major order on ties, the first
 * NaN if any. `y` and `indices` must be distinct buffers.
 * @example maxPool2d(dev, x, y, indices, { n: 1, c: 1, h: 4, w: 4, oh: 2, ow: 2, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, countIncludePad: true })
 */
export function maxPool2d(dev: WebGpuDevice, x: View, y: View, indices: View, g: Pool2dGeom): void {
  const params = [...geomParams(g), x.offset, y.offset, indices.offset];
  dev.run({
    code: MAX_FWD,
    params,
    outputs: [y.buffer as GpuBuf, indices.buffer as GpuBuf],
    inputs: [x.buffer as GpuBuf],
    groups: grid1d(g.n * g.c * g.oh * g.ow),
  });
}

/**
 * gx (N, C, H, W) = the sum of gy over the outputs whose max index is each input pixel (gx is
 * written whole: no zeroing needed). The indices must be maxPool2d's (each inside its window).
 * @example maxPool2dBackward(dev, gy, indices, gx, geom)
 */
export function maxPool2dBackward(dev: WebGpuDevice, gy: View, indices: View, gx: View, g: Pool2dGeom): void {
  const params = [...geomParams(g), gy.offset, gx.offset, indices.offset];
  dev.run({
    code: MAX_BWD,
    params,
    outputs: [gx.buffer as GpuBuf],
    inputs: [gy.buffer as GpuBuf, indices.buffer as GpuBuf],
    groups: grid1d(g.n * g.c * g.h * g.w),
  });
}

/**
 * y = the mean of each window of x: divided by the window clipped to the padded input when
 * countIncludePad, else by its in-bounds taps.
 * @example avgPool2d(dev, x, y, geom)
 */
export function avgPool2d(dev: WebGpuDevice, x: View, y: View, g: Pool2dGeom): void {
  const params = [...geomParams(g), x.offset, y.offset];
  dev.run({ code: AVG_FWD, params, outputs: [y.buffer as GpuBuf], inputs: [x.buffer as GpuBuf], groups: grid1d(g.n * g.c * g.oh * g.ow) });
}

/**
 * gx = the sum over the windows covering each input pixel of gy / that window's divisor (gx written whole).
 * @example avgPool2dBackward(dev, gy, gx, geom)
 */
export function avgPool2dBackward(dev: WebGpuDevice, gy: View, gx: View, g: Pool2dGeom): void {
  const params = [...geomParams(g), gy.offset, gx.offset];
  dev.run({ code: AVG_BWD, params, outputs: [gx.buffer as GpuBuf], inputs: [gy.buffer as GpuBuf], groups: grid1d(g.n * g.c * g.h * g.w) });
}
