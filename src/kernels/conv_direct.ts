// Direct convolution for few input channels (a network's first layer: C = 1 or 3), forward and
// weight gradient, where im2col + GEMM has too short a K (C * KH * KW = 9 or 27) to run well.
// Any kernel size, stride, padding and dilation; one group.
//
// Geometry: the 16 i32 of conv.ts (n c h w o kh kw oh ow strideH strideW padH padW dilH dilW groups).
// Each image is first copied into the thread's scratch as a zero-padded, stride-phase-split plane
//   xp (C, HP, SW, WQ): xp[c][yp][r][j] = x[c][yp - padH][j * SW + r - padW] (0 outside x)
// with HP = (OH - 1) * SH + (KH - 1) * DH + 1 input rows and WQ = OW + (KW - 1) * DW / SW
// columns per phase, so tap (c, ky, kx) of output (oy, ox) is the contiguous read
//   xp[c][oy * SH + ky * DH][(kx * DW) % SW][ox + (kx * DW) / SW]
// for 4 or 8 consecutive ox whatever the stride.
// The taps' byte offsets from (oy, ox) = (0, 0) go in a table ahead of xp, in weight order
// t = (c * KH + ky) * KW + kx (the row of gw), so the inner loops run over a flat tap index.
//
// Scratch `ws`: table (ceil4(CKK) i32), xp, then for the weight gradient a chunk of im2col rows
// (CKK, <= CHUNK positions) and its accumulators.
import { at, hsum, madd } from './simd';

// @ts-ignore: decorator
@inline function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** Input rows of the padded copy. */
// @ts-ignore: decorator
@inline function padRows(g: usize): i32 {
  return (gi(g, 7) - 1) * gi(g, 9) + (gi(g, 5) - 1) * gi(g, 13) + 1;
}

/** Columns per stride phase of the padded copy. */
// @ts-ignore: decorator
@inline function padCols(g: usize): i32 {
  return gi(g, 8) + ((gi(g, 6) - 1) * gi(g, 14)) / gi(g, 10);
}

/** Taps per output channel, C * KH * KW. */
// @ts-ignore: decorator
@inline function taps(g: usize): i32 {
  return gi(g, 1) * gi(g, 5) * gi(g, 6);
}

/** Floats of the tap table and the padded copy. */
// @ts-ignore: decorator
@inline function planeFloats(g: usize): i32 {
  return ((taps(g) + 3) & ~3) + gi(g, 1) * padRows(g) * gi(g, 10) * padCols(g);
}

/** Bytes of scratch conv2dDirectForward (no = 0) or conv2dDirectBackwardWeight (no output channels) needs. */
export function conv2dDirectScratchBytes(g: usize, no: i32): i32 {
  if (no == 0) return 4 * planeFloats(g);
  return 4 * (planeFloats(g) + chunkFloats(g)) + ((no + 2) / 3) * ((taps(g) + 2) / 3) * 9 * 16 + 16;
}

/** Writes the tap table at ws: byte offset of tap t's input from output (0, 0) in the padded copy. */
function tapTable(g: usize, ws: usize): void {
  const c = gi(g, 1), kh = gi(g, 5), kw = gi(g, 6), sw = gi(g, 10), dh = gi(g, 13), dw = gi(g, 14);
  const hp = padRows(g), wq = padCols(g);
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const off = ((ci * hp + ky * dh) * sw + (kx * dw) % sw) * wq + (kx * dw) / sw;
        store<i32>(ws + (<usize>((ci * kh + ky) * kw + kx) << 2), off << 2);
      }
    }
  }
}

/** xp = the padded, phase-split copy of image x (C, H, W) (layout in the header). */
function padImage(g: usize, x: usize, xp: usize): void {
  const c = gi(g, 1), h = gi(g, 2), w = gi(g, 3), sw = gi(g, 10), ph = gi(g, 11), pw = gi(g, 12);
  const hp = padRows(g), wq = padCols(g);
  // the last padded column a tap reads (later ones, if any, stay 0)
  const last = (gi(g, 8) - 1) * sw + (gi(g, 6) - 1) * gi(g, 14);
  for (let ci = 0; ci < c; ci++) {
    for (let yp = 0; yp < hp; yp++) {
      const iy = yp - ph;
      const row = at(x, (ci * h + iy) * w);
      for (let r = 0; r < sw; r++) {
        const dst = at(xp, ((ci * hp + yp) * sw + r) * wq);
        if (iy < 0 || iy >= h) {
          for (let j = 0; j < wq; j++) store<f32>(at(dst, j), 0);
          continue;
        }
        // ix = j * sw + r - pw is in [0, w) for j in [lo, hi)
        const base = r - pw;
        const lo = min(wq, base >= 0 ? 0 : (-base + sw - 1) / sw);
        const used = r > last ? 0 : (last - r) / sw + 1;
        const hi = max(lo, min(min(wq, used), w - base <= 0 ? 0 : (w - base + sw - 1) / sw));
        let j = 0;
        for (; j < lo; j++) store<f32>(at(dst, j), 0);
        if (sw == 1) {
          for (; j + 4 <= hi; j += 4) v128.store(at(dst, j), v128.load(at(row, j + base)));
        }
        for (; j < hi; j++) store<f32>(at(dst, j), load<f32>(at(row, j * sw + base)));
        for (; j < wq; j++) store<f32>(at(dst, j), 0);
      }
    }
  }
}

/**
 * y[o_i][ox .. ox + 8) for the four channels whose weights (ckk floats each) start at w0..w3 and
 * whose output rows start at y0..y3, starting from their biases (lanes of b); xr = the padded
 * copy at (oy, ox), tab = the tap table.
 */
// @ts-ignore: decorator
@inline function strip8(xr: usize, tab: usize, ckk: i32, w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize, b: v128): void {
  let a0 = f32x4.splat(f32x4.extract_lane(b, 0)), a1 = f32x4.splat(f32x4.extract_lane(b, 1));
  let a2 = f32x4.splat(f32x4.extract_lane(b, 2)), a3 = f32x4.splat(f32x4.extract_lane(b, 3));
  let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
  for (let t = 0; t < ckk; t++) {
    const o = <usize>t << 2;
    const p = xr + <usize>load<i32>(tab + o);
    const x0 = v128.load(p);
    const x1 = v128.load(p, 16);
    let k = v128.load32_splat(w0 + o);
    a0 = madd(x0, k, a0);
    b0 = madd(x1, k, b0);
    k = v128.load32_splat(w1 + o);
    a1 = madd(x0, k, a1);
    b1 = madd(x1, k, b1);
    k = v128.load32_splat(w2 + o);
    a2 = madd(x0, k, a2);
    b2 = madd(x1, k, b2);
    k = v128.load32_splat(w3 + o);
    a3 = madd(x0, k, a3);
    b3 = madd(x1, k, b3);
  }
  v128.store(y0, a0);
  v128.store(y0, b0, 16);
  v128.store(y1, a1);
  v128.store(y1, b1, 16);
  v128.store(y2, a2);
  v128.store(y2, b2, 16);
  v128.store(y3, a3);
  v128.store(y3, b3, 16);
}

/** As strip8 for 4 columns. */
// @ts-ignore: decorator
@inline function strip4(xr: usize, tab: usize, ckk: i32, w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize, b: v128): void {
  let a0 = f32x4.splat(f32x4.extract_lane(b, 0)), a1 = f32x4.splat(f32x4.extract_lane(b, 1));
  let a2 = f32x4.splat(f32x4.extract_lane(b, 2)), a3 = f32x4.splat(f32x4.extract_lane(b, 3));
  for (let t = 0; t < ckk; t++) {
    const o = <usize>t << 2;
    const x0 = v128.load(xr + <usize>load<i32>(tab + o));
    a0 = madd(x0, v128.load32_splat(w0 + o), a0);
    a1 = madd(x0, v128.load32_splat(w1 + o), a1);
    a2 = madd(x0, v128.load32_splat(w2 + o), a2);
    a3 = madd(x0, v128.load32_splat(w3 + o), a3);
  }
  v128.store(y0, a0);
  v128.store(y1, a1);
  v128.store(y2, a2);
  v128.store(y3, a3);
}

/**
 * y[n0:n1, o0:o1] = conv2d(x, w) + bias (0 for none), needs OW >= 4. Channels go in blocks of four, columns in
 * strips of 8 (then one of 4 or 8 ending at OW, overlapping the one before): a channel or column that
 * falls in two blocks is computed twice the same way, so every output is the same sum in the
 * same order however the work is split.
 */
export function conv2dDirectForward(g: usize, x: usize, w: usize, bias: usize, y: usize, n0: i32, n1: i32, o0: i32, o1: i32, ws: usize): void {
  const c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), oh = gi(g, 7), ow = gi(g, 8), sh = gi(g, 9), sw = gi(g, 10);
  const ckk = taps(g), ohw = oh * ow;
  const wq = padCols(g);
  const tab = ws;
  const xp = at(ws, (ckk + 3) & ~3);
  tapTable(g, tab);
  for (let n = n0; n < n1; n++) {
    padImage(g, at(x, n * c * h * wd), xp);
    const yn = at(y, n * o * ohw);
    for (let oy = 0; oy < oh; oy++) {
      const xrow = at(xp, oy * sh * sw * wq);
      for (let ob = o0; ob < o1; ob += 4) {
        const i0 = ob, i1 = min(ob + 1, o1 - 1), i2 = min(ob + 2, o1 - 1), i3 = min(ob + 3, o1 - 1);
        const w0 = at(w, i0 * ckk), w1 = at(w, i1 * ckk), w2 = at(w, i2 * ckk), w3 = at(w, i3 * ckk);
        const y0 = at(yn, i0 * ohw + oy * ow), y1 = at(yn, i1 * ohw + oy * ow);
        const y2 = at(yn, i2 * ohw + oy * ow), y3 = at(yn, i3 * ohw + oy * ow);
        const b =
          bias == 0
            ? f32x4.splat(0)
            : f32x4(load<f32>(at(bias, i0)), load<f32>(at(bias, i1)), load<f32>(at(bias, i2)), load<f32>(at(bias, i3)));
        let ox = 0;
        for (; ox + 8 <= ow; ox += 8) strip8(at(xrow, ox), tab, ckk, w0, w1, w2, w3, at(y0, ox), at(y1, ox), at(y2, ox), at(y3, ox), b);
        const rest = ow - ox;
        if (rest > 4 && ow >= 8) {
          const s = ow - 8;
          strip8(at(xrow, s), tab, ckk, w0, w1, w2, w3, at(y0, s), at(y1, s), at(y2, s), at(y3, s), b);
        } else if (rest > 0) {
          // 4 <= ow < 8 or a tail of 1 to 4 columns: one or two strips of 4, the last ending at ow
          if (rest > 4) strip4(at(xrow, ox), tab, ckk, w0, w1, w2, w3, at(y0, ox), at(y1, ox), at(y2, ox), at(y3, ox), b);
          const s = ow - 4;
          strip4(at(xrow, s), tab, ckk, w0, w1, w2, w3, at(y0, s), at(y1, s), at(y2, s), at(y3, s), b);
        }
      }
    }
  }
}

/** Output positions per weight-gradient chunk (a multiple of 4): its column rows stay in L2. */
const CHUNK: i32 = 2048;

/** Floats of the weight gradient's column chunk. */
// @ts-ignore: decorator
@inline function chunkFloats(g: usize): i32 {
  return taps(g) * min(CHUNK, (gi(g, 7) * gi(g, 8) + 3) & ~3);
}

/**
 * col (CKK, s1 - s0) = the padded copy's taps at output positions s0..s1 (s = oy * OW + ox), rows
 * `ld` apart, zeros from s1 - s0 to the next multiple of 4.
 */
function columns(g: usize, xp: usize, tab: usize, s0: i32, s1: i32, col: usize, ld: i32): void {
  const ow = gi(g, 8), ckk = taps(g);
  const rowStep = gi(g, 9) * gi(g, 10) * padCols(g);
  const n = s1 - s0;
  for (let t = 0; t < ckk; t++) {
    const src = xp + <usize>load<i32>(tab + (<usize>t << 2));
    const dst = at(col, t * ld);
    let s = s0;
    while (s < s1) {
      const oy = s / ow;
      const ox = s - oy * ow;
      const m = min(ow - ox, s1 - s);
      const a = at(src, oy * rowStep + ox);
      const d = at(dst, s - s0);
      let i = 0;
      for (; i + 4 <= m; i += 4) v128.store(at(d, i), v128.load(at(a, i)));
      for (; i < m; i++) store<f32>(at(d, i), load<f32>(at(a, i)));
      s += m;
    }
    for (let i = n; i < ((n + 3) & ~3); i++) store<f32>(at(dst, i), 0);
  }
}

/**
 * gw[o0:o1] = the gradient of conv2d with respect to w, summed over all images: per image and
 * chunk of output positions, the taps' im2col rows, then dot products with gy's planes over the
 * positions in tiles of 3 output channels x 3 taps (the last of each repeated to fill a tile).
 * Accumulators hold four lanes of partial sums (lane = position % 4), added over positions and
 * images in order and across lanes at the end: every gw element is the same sum however the
 * channels are split.
 */
export function conv2dDirectBackwardWeight(g: usize, x: usize, gy: usize, gw: usize, o0: i32, o1: i32, ws: usize): void {
  const nimg = gi(g, 0), c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), oh = gi(g, 7), ow = gi(g, 8);
  const ckk = taps(g), ohw = oh * ow, nt = (ckk + 2) / 3, no = (o1 - o0 + 2) / 3;
  const tab = ws;
  const xp = at(ws, (ckk + 3) & ~3);
  const col = (at(ws, planeFloats(g)) + 15) & ~15;
  const acc = at(col, chunkFloats(g));
  tapTable(g, tab);
  // accumulators: tile (ob, tb) holds 9 vectors, (channel i, tap j) at i * 3 + j
  for (let i = 0; i < no * nt * 9; i++) v128.store(acc + (<usize>i << 4), f32x4.splat(0));
  for (let n = 0; n < nimg; n++) {
    padImage(g, at(x, n * c * h * wd), xp);
    for (let s0 = 0; s0 < ohw; s0 += CHUNK) {
      const s1 = min(ohw, s0 + CHUNK), len = s1 - s0, ld = (len + 3) & ~3, full = len & ~3, tail = len & 3;
      columns(g, xp, tab, s0, s1, col, ld);
      for (let ob = 0; ob < no; ob++) {
        const i0 = o0 + ob * 3, i1 = min(i0 + 1, o1 - 1), i2 = min(i0 + 2, o1 - 1);
        const g0 = at(gy, (n * o + i0) * ohw + s0), g1 = at(gy, (n * o + i1) * ohw + s0), g2 = at(gy, (n * o + i2) * ohw + s0);
        for (let tb = 0; tb < nt; tb++) {
          const c0 = at(col, tb * 3 * ld), c1 = at(col, min(tb * 3 + 1, ckk - 1) * ld), c2 = at(col, min(tb * 3 + 2, ckk - 1) * ld);
          const ap = acc + (<usize>((ob * nt + tb) * 9) << 4);
          let a00 = v128.load(ap), a01 = v128.load(ap, 16), a02 = v128.load(ap, 32);
          let a10 = v128.load(ap, 48), a11 = v128.load(ap, 64), a12 = v128.load(ap, 80);
          let a20 = v128.load(ap, 96), a21 = v128.load(ap, 112), a22 = v128.load(ap, 128);
          for (let i = 0; i < full; i += 4) {
            const d0 = v128.load(at(g0, i)), d1 = v128.load(at(g1, i)), d2 = v128.load(at(g2, i));
            let v = v128.load(at(c0, i));
            a00 = madd(d0, v, a00);
            a10 = madd(d1, v, a10);
            a20 = madd(d2, v, a20);
            v = v128.load(at(c1, i));
            a01 = madd(d0, v, a01);
            a11 = madd(d1, v, a11);
            a21 = madd(d2, v, a21);
            v = v128.load(at(c2, i));
            a02 = madd(d0, v, a02);
            a12 = madd(d1, v, a12);
            a22 = madd(d2, v, a22);
          }
          v128.store(ap, a00);
          v128.store(ap, a01, 16);
          v128.store(ap, a02, 32);
          v128.store(ap, a10, 48);
          v128.store(ap, a11, 64);
          v128.store(ap, a12, 80);
          v128.store(ap, a20, 96);
          v128.store(ap, a21, 112);
          v128.store(ap, a22, 128);
          // the last len % 4 positions, in scalars (a vector could read past gy's end) into lane k
          for (let k = 0; k < tail; k++) {
            const q = full + k;
            for (let r = 0; r < 9; r++) {
              const gp = r < 3 ? g0 : r < 6 ? g1 : g2;
              const cp = r % 3 == 0 ? c0 : r % 3 == 1 ? c1 : c2;
              const lane = ap + (<usize>r << 4) + (<usize>k << 2);
              store<f32>(lane, load<f32>(lane) + load<f32>(at(gp, q)) * load<f32>(at(cp, q)));
            }
          }
        }
      }
    }
  }
  for (let oc = o0; oc < o1; oc++) {
    const ob = (oc - o0) / 3, i = (oc - o0) % 3;
    for (let t = 0; t < ckk; t++) {
      const ap = acc + (<usize>((ob * nt + t / 3) * 9 + i * 3 + t % 3) << 4);
      store<f32>(at(gw, oc * ckk + t), hsum(v128.load(ap)));
    }
  }
}
