// 2-D convolution by im2col + GEMM, NCHW input, OIHW weight, with groups, stride, padding and
// dilation. Each entry point does one thread's share of a whole op (a range of images, output
// positions, channels or weight rows), streaming the im2col matrix through a column-chunked
// scratch buffer, so threads never synchronise inside an op.
//
// Geometry is a struct of 16 i32 at `g` (same order as Conv2dGeom): n c h w o kh kw oh ow
// strideH strideW padH padW dilH dilW groups. Scratch `ws`: gemmScratchBytes() then the column buffer.

import { gemm, gemmScratchBytes } from './gemm';
import { at } from './simd';

/** Floats of the im2col chunk buffer (2 MiB). */
const COL_FLOATS: i32 = 1 << 19;

// @ts-ignore: decorator
@inline function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** Output positions per chunk for a column matrix of `rows` rows: a multiple of 8, at least 8. */
// @ts-ignore: decorator
@inline function chunkCols(rows: i32): i32 {
  return max(8, (COL_FLOATS / max(rows, 1)) & ~7);
}

/** n floats of zeros at d (rows are short: a loop beats a memory.fill call). */
// @ts-ignore: decorator
@inline function zero(d: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(at(d, i), 0);
}

/** n floats of the value v at d. */
// @ts-ignore: decorator
@inline function fill(d: usize, v: f32, n: i32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), vv);
  for (; i < n; i++) store<f32>(at(d, i), v);
}

/** Copies n floats from s to d. */
// @ts-ignore: decorator
@inline function copy(d: usize, s: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), v128.load(at(s, i)));
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(s, i)));
}

/**
 * col (q1 - q0, s1 - s0) = rows q0..q1 (q = (c * kh + ky) * kw + kx, c local to the group's
 * channels at x) and output positions s0..s1 (s = oy * ow + ox) of the im2col matrix.
 */
function im2col(g: usize, x: usize, q0: i32, q1: i32, s0: i32, s1: i32, col: usize): void {
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 5), kw = gi(g, 6), ow = gi(g, 8);
  const sh = gi(g, 9), sw = gi(g, 10), ph = gi(g, 11), pw = gi(g, 12), dh = gi(g, 13), dw = gi(g, 14);
  const ncols = s1 - s0;
  // 'same'-width convolutions (stride 1, ow == w): each row of col is the plane shifted by
  // (dy, dx), so copy it in one run and zero the rows and columns that fall off the edges
  const shifted = sw == 1 && sh == 1 && ow == w;
  for (let q = q0; q < q1; q++) {
    const kx = q % kw;
    const ky = (q / kw) % kh;
    const c = q / (kw * kh);
    const plane = at(x, c * h * w);
    const dst = at(col, (q - q0) * ncols);
    if (shifted) {
      im2colShifted(plane, h, w, ky * dh - ph, kx * dw - pw, s0, s1, dst);
      continue;
    }
    let s = s0;
    while (s < s1) {
      const oy = s / ow;
      const ox0 = s - oy * ow;
      const oxEnd = min(ow, ox0 + s1 - s);
      const d = at(dst, s - s0);
      const iy = oy * sh - ph + ky * dh;
      const n = oxEnd - ox0;
      if (iy < 0 || iy >= h) {
        zero(d, n);
      } else {
        const row = at(plane, iy * w);
        // ix = ox * sw - pw + kx * dw is in bounds for ox in [lo, hi)
        const base = kx * dw - pw;
        let lo = base >= 0 ? 0 : (-base + sw - 1) / sw;
        let hi = w - base <= 0 ? 0 : (w - base + sw - 1) / sw;
        lo = min(max(lo, ox0), oxEnd);
        hi = max(min(hi, oxEnd), lo);
        zero(d, lo - ox0);
        if (sw == 1) {
          copy(at(d, lo - ox0), at(row, lo + base), hi - lo);
        } else {
          for (let ox = lo; ox < hi; ox++) store<f32>(at(d, ox - ox0), load<f32>(at(row, ox * sw + base)));
        }
        zero(at(d, hi - ox0), oxEnd - hi);
      }
      s += n;
    }
  }
}

/**
 * dst[s - s0] = plane[(oy + dy) * w + ox + dx] (0 off the edges) for positions s = oy * w + ox in
 * [s0, s1) of a (h', w) output whose rows are as wide as the (h, w) plane.
 */
function im2colShifted(plane: usize, h: i32, w: i32, dy: i32, dx: i32, s0: i32, s1: i32, dst: usize): void {
  // rows with 0 <= oy + dy < h, as positions [sa, sb)
  const sa = min(max(s0, max(0, -dy) * w), s1);
  const sb = max(min(s1, (h - dy) * w), sa);
  zero(dst, sa - s0);
  zero(at(dst, sb - s0), s1 - sb);
  // copy without reading outside the plane; what that skips lies in the columns zeroed below
  const off = dy * w + dx;
  const ca = max(sa, -off);
  const cb = min(sb, h * w - off);
  if (ca < cb) copy(at(dst, ca - s0), at(plane, ca + off), cb - ca);
  if (dx == 0) return;
  // columns with ox + dx outside [0, w): the first -dx or the last dx of every copied row
  const c0 = dx < 0 ? 0 : w - dx;
  const c1 = dx < 0 ? -dx : w;
  for (let r = sa / w; r * w < sb; r++) {
    const a = max(r * w + c0, sa);
    const b = min(r * w + c1, sb);
    if (a < b) zero(at(dst, a - s0), b - a);
  }
}

/** plane[(oy + dy) * w + ox + dx] += src[s - s0] where in bounds: the adjoint of im2colShifted. */
function col2imShifted(src: usize, h: i32, w: i32, dy: i32, dx: i32, s0: i32, s1: i32, plane: usize): void {
  const c0 = max(0, -dx);
  const c1 = min(w, w - dx);
  const r0 = max(s0 / w, -dy);
  for (let r = r0; r * w < s1 && r + dy < h; r++) {
    const a = max(r * w + c0, s0);
    const b = min(r * w + c1, s1);
    const d = at(plane, (r + dy) * w + dx);
    let i = a;
    for (; i + 4 <= b; i += 4) {
      const p = at(d, i - r * w);
      v128.store(p, f32x4.add(v128.load(p), v128.load(at(src, i - s0))));
    }
    for (; i < b; i++) {
      const p = at(d, i - r * w);
      store<f32>(p, load<f32>(p) + load<f32>(at(src, i - s0)));
    }
  }
}

/** The adjoint of im2col: x[c, iy, ix] += col[q, s] over the same rows and positions. */
function col2im(g: usize, col: usize, q0: i32, q1: i32, s0: i32, s1: i32, x: usize): void {
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 5), kw = gi(g, 6), ow = gi(g, 8);
  const sh = gi(g, 9), sw = gi(g, 10), ph = gi(g, 11), pw = gi(g, 12), dh = gi(g, 13), dw = gi(g, 14);
  const ncols = s1 - s0;
  const shifted = sw == 1 && sh == 1 && ow == w;
  for (let q = q0; q < q1; q++) {
    const kx = q % kw;
    const ky = (q / kw) % kh;
    const c = q / (kw * kh);
    const plane = at(x, c * h * w);
    const src = at(col, (q - q0) * ncols);
    if (shifted) {
      col2imShifted(src, h, w, ky * dh - ph, kx * dw - pw, s0, s1, plane);
      continue;
    }
    // ix = ox * sw + base is in bounds for ox in [lo, hi)
    const base = kx * dw - pw;
    const lo = base >= 0 ? 0 : (-base + sw - 1) / sw;
    const hi = w - base <= 0 ? 0 : (w - base + sw - 1) / sw;
    let s = s0;
    while (s < s1) {
      const oy = s / ow;
      const ox0 = s - oy * ow;
      const oxEnd = min(ow, ox0 + s1 - s);
      const iy = oy * sh - ph + ky * dh;
      if (iy >= 0 && iy < h) {
        const a = min(max(lo, ox0), oxEnd);
        const b = max(min(hi, oxEnd), a);
        const d = at(plane, iy * w + base);
        const sp = at(src, s - s0 - ox0);
        if (sw == 1) {
          let ox = a;
          for (; ox + 4 <= b; ox += 4) {
            const p = at(d, ox);
            v128.store(p, f32x4.add(v128.load(p), v128.load(at(sp, ox))));
          }
          for (; ox < b; ox++) {
            const p = at(d, ox);
            store<f32>(p, load<f32>(p) + load<f32>(at(sp, ox)));
          }
        } else {
          for (let ox = a; ox < b; ox++) {
            const p = at(d, ox * sw);
            store<f32>(p, load<f32>(p) + load<f32>(at(sp, ox)));
          }
        }
      }
      s += oxEnd - ox0;
    }
  }
}

/**
 * y[n0:n1, :, positions s0:s1] = conv2d(x, w) + bias (o floats; 0 for none) for all groups: the
 * GEMM adds to C rows filled with the bias.
 */
export function conv2dForward(g: usize, x: usize, w: usize, bias: usize, y: usize, n0: i32, n1: i32, s0: i32, s1: i32, ws: usize): void {
  const c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), kk = gi(g, 5) * gi(g, 6);
  const ohw = gi(g, 7) * gi(g, 8), groups = gi(g, 15);
  const cg = c / groups, og = o / groups, ckk = cg * kk;
  const col = ws + <usize>gemmScratchBytes();
  const chunk = chunkCols(ckk);
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const xg = at(x, (n * c + grp * cg) * h * wd);
      const wg = at(w, grp * og * ckk);
      const yg = at(y, (n * o + grp * og) * ohw);
      for (let s = s0; s < s1; s += chunk) {
        const e = min(s1, s + chunk);
        im2col(g, xg, 0, ckk, s, e, col);
        if (bias != 0) {
          for (let r = 0; r < og; r++) fill(at(yg, r * ohw + s), load<f32>(at(bias, grp * og + r)), e - s);
        }
        gemm(og, e - s, ckk, wg, ckk, false, col, e - s, false, at(yg, s), ohw, bias != 0, ws);
      }
    }
  }
}

/** gx[n0:n1, c0:c1] = gradient of conv2d with respect to x, for those images and channels. */
export function conv2dBackwardInput(g: usize, gy: usize, w: usize, gx: usize, n0: i32, n1: i32, c0: i32, c1: i32, ws: usize): void {
  const c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), kk = gi(g, 5) * gi(g, 6);
  const ohw = gi(g, 7) * gi(g, 8), groups = gi(g, 15);
  const cg = c / groups, og = o / groups, ckk = cg * kk;
  const col = ws + <usize>gemmScratchBytes();
  for (let n = n0; n < n1; n++) {
    memory.fill(at(gx, (n * c + c0) * h * wd), 0, <usize>((c1 - c0) * h * wd) << 2);
    for (let grp = 0; grp < groups; grp++) {
      // this group's channels within [c0, c1), as im2col rows q0..q1
      const lo = max(c0, grp * cg) - grp * cg;
      const hi = min(c1, (grp + 1) * cg) - grp * cg;
      if (lo >= hi) continue;
      const q0 = lo * kk, q1 = hi * kk;
      const chunk = chunkCols(q1 - q0);
      const gxg = at(gx, (n * c + grp * cg) * h * wd);
      const wg = at(w, grp * og * ckk);
      const gyg = at(gy, (n * o + grp * og) * ohw);
      for (let s = 0; s < ohw; s += chunk) {
        const e = min(ohw, s + chunk);
        // dcol (q1 - q0, e - s) = W_g^T[q0:q1] (q, og) @ gy_g (og, e - s)
        gemm(q1 - q0, e - s, og, at(wg, q0), ckk, true, at(gyg, s), ohw, false, col, e - s, false, ws);
        col2im(g, col, q0, q1, s, e, gxg);
      }
    }
  }
}

/** gw[o0:o1, q0:q1] (rows and im2col columns of the (O, C/groups*KH*KW) gradient) over all images. */
export function conv2dBackwardWeight(g: usize, x: usize, gy: usize, gw: usize, o0: i32, o1: i32, q0: i32, q1: i32, ws: usize): void {
  const nimg = gi(g, 0), c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), kk = gi(g, 5) * gi(g, 6);
  const ohw = gi(g, 7) * gi(g, 8), groups = gi(g, 15);
  const cg = c / groups, og = o / groups, ckk = cg * kk;
  const col = ws + <usize>gemmScratchBytes();
  const chunk = chunkCols(q1 - q0);
  for (let grp = 0; grp < groups; grp++) {
    const a = max(o0, grp * og), b = min(o1, (grp + 1) * og);
    if (a >= b) continue;
    let first = true;
    for (let n = 0; n < nimg; n++) {
      const xg = at(x, (n * c + grp * cg) * h * wd);
      for (let s = 0; s < ohw; s += chunk) {
        const e = min(ohw, s + chunk);
        im2col(g, xg, q0, q1, s, e, col);
        // gw[a:b, q0:q1] += gy[n, a:b, s:e] @ col^T
        gemm(b - a, q1 - q0, e - s, at(gy, (n * o + a) * ohw + s), ohw, false, col, e - s, true, at(gw, a * ckk + q0), ckk, !first, ws);
        first = false;
      }
    }
    if (first) for (let r = a; r < b; r++) memory.fill(at(gw, r * ckk + q0), 0, <usize>(q1 - q0) << 2);
  }
}

/**
 * gw[o0:o1] for few im2col rows (ckk small, e.g. one input channel): computes the transpose
 * gw^T (ckk, o1 - o0) = sum over images of col (ckk, positions) @ gy^T, which keeps the wide
 * dimension in the register tile's columns, then writes it transposed. Needs ckk * (o1 - o0)
 * floats of scratch after the column buffer.
 */
export function conv2dBackwardWeightT(g: usize, x: usize, gy: usize, gw: usize, o0: i32, o1: i32, ws: usize): void {
  const nimg = gi(g, 0), c = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), o = gi(g, 4), kk = gi(g, 5) * gi(g, 6);
  const ohw = gi(g, 7) * gi(g, 8), groups = gi(g, 15);
  const cg = c / groups, og = o / groups, ckk = cg * kk;
  const col = ws + <usize>gemmScratchBytes();
  const gwt = at(col, max(COL_FLOATS, 8 * ckk));
  const chunk = chunkCols(ckk);
  for (let grp = 0; grp < groups; grp++) {
    const a = max(o0, grp * og), b = min(o1, (grp + 1) * og);
    if (a >= b) continue;
    let first = true;
    for (let n = 0; n < nimg; n++) {
      const xg = at(x, (n * c + grp * cg) * h * wd);
      for (let s = 0; s < ohw; s += chunk) {
        const e = min(ohw, s + chunk);
        im2col(g, xg, 0, ckk, s, e, col);
        // gw^T (ckk, b - a) += col (ckk, e - s) @ gy[n, a:b, s:e]^T
        gemm(ckk, b - a, e - s, col, e - s, false, at(gy, (n * o + a) * ohw + s), ohw, true, gwt, b - a, !first, ws);
        first = false;
      }
    }
    for (let r = a; r < b; r++) {
      for (let q = 0; q < ckk; q++) store<f32>(at(gw, r * ckk + q), first ? 0 : load<f32>(at(gwt, q * (b - a) + r - a)));
    }
  }
}

/** Floats of column buffer conv kernels need after the GEMM scratch. */
export function convColFloats(): i32 {
  return COL_FLOATS;
}
