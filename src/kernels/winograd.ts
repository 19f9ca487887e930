// Winograd F(2x2, 3x3) convolution: 3x3 kernel, stride 1, dilation 1, one group, NCHW. Each
// 2x2 output tile comes from a 4x4 input tile d (stride 2) as Y = A^T [U . V] A with the filter
// transform U = G g G^T and the input transform V = B^T d B; the 16 elementwise products summed
// over input channels are 16 GEMMs M[xi] (cout, tiles) = U[xi] (cout, cin) @ V[xi] (cin, tiles),
// 2.25x fewer multiplies than the direct convolution. The gradient with respect to the input
// uses the same kernel: it is a convolution of gy with the flipped, transposed filter.
//
// Geometry: 9 i32 at `g`: n cin h w cout oh ow padH padW (the output must be oh = h + 2 padH - 2,
// ow = w + 2 padW - 2). Tiles are numbered along tile rows r = n * tilesY + ty; a thread takes a
// range of tile rows and streams it in chunks of `chunkRows(g)` rows through its scratch `ws`:
//   stage  (2 * rows + 2, sw)   one channel's input rows, zero-padded (sw = 2 * ceil4(tilesX) + 2)
//   V      16 x (cin, ld)       transformed input, tiles contiguous (ld >= tiles + 3, 8-aligned)
//   M      16 x (opad, ld)      the 16 GEMM products, opad = cout rounded up to the tile rows MR
//   tmp    48 floats (the output transform's 16, the micro-kernel's edge tile which it never uses)
// The filter transform is packed ahead of the call (winogradFilter) as the GEMM's A operand:
// U[xi] in MR-row panels, panel q holding U[xi][q * MR + r][c] at c * MR + r, zero rows past cout.

import { MR, micro5, micro6 } from './gemm';
import { at } from './simd';

const NR: i32 = 8;
/** Tiles a chunk aims at: V and M of a 32 -> 64 channel layer stay within ~1/2 MiB of L2. */
const CHUNK_TILES: i32 = 72;
/**
 * Floats added between consecutive matrices of V and of M. Without it, a 4-tile group's 16
 * stores (or loads) land a multiple of 4 KiB apart for some channel counts, in one L1 set.
 */
export const SKEW: i32 = 16;

// @ts-ignore: decorator
@inline export function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function ceilTo(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** Bytes of the packed filter transform for cin -> cout channels. */
export function winogradFilterBytes(cin: i32, cout: i32): i32 {
  return 16 * ceilTo(cout, MR) * cin * 4;
}

/**
 * u = the packed transform of a 3x3 filter w (o, c, 3, 3). Without `flip`, output channels are
 * w's o and input channels its c (the forward convolution); with `flip`, output channels are c
 * and input channels o, taps rotated by 180 degrees (the convolution that gives the input's gradient).
 */
export function winogradFilter(w: usize, u: usize, o: i32, c: i32, flip: bool): void {
  const cout = flip ? c : o, cin = flip ? o : c;
  const opad = ceilTo(cout, MR);
  const xs = opad * cin; // floats between the 16 matrices
  for (let oc = 0; oc < opad; oc++) {
    const panel = at(u, (oc / MR) * MR * cin + (oc % MR));
    for (let ic = 0; ic < cin; ic++) {
      const dst = at(panel, ic * MR);
      if (oc >= cout) {
        for (let xi = 0; xi < 16; xi++) store<f32>(at(dst, xi * xs), 0);
        continue;
      }
      const src = at(w, (flip ? ic * c + oc : oc * c + ic) * 9);
      // t (4, 3) = G g: G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
      for (let kx = 0; kx < 3; kx++) {
        const g0 = tap(src, 0, kx, flip), g1 = tap(src, 1, kx, flip), g2 = tap(src, 2, kx, flip);
        // t[i][kx] goes to slot 4i + kx, rewritten in place by the row pass below
        store<f32>(at(dst, kx * xs), g0);
        store<f32>(at(dst, (4 + kx) * xs), 0.5 * (g0 + g1 + g2));
        store<f32>(at(dst, (8 + kx) * xs), 0.5 * (g0 - g1 + g2));
        store<f32>(at(dst, (12 + kx) * xs), g2);
      }
      // U (4, 4) = t G^T, row by row: [a, (a + b + c) / 2, (a - b + c) / 2, c]
      for (let i = 0; i < 4; i++) {
        const a = load<f32>(at(dst, (4 * i) * xs)), b = load<f32>(at(dst, (4 * i + 1) * xs)), cc = load<f32>(at(dst, (4 * i + 2) * xs));
        store<f32>(at(dst, (4 * i) * xs), a);
        store<f32>(at(dst, (4 * i + 1) * xs), 0.5 * (a + b + cc));
        store<f32>(at(dst, (4 * i + 2) * xs), 0.5 * (a - b + cc));
        store<f32>(at(dst, (4 * i + 3) * xs), cc);
      }
    }
  }
}

/** Tap (ky, kx) of a 3x3 filter at src, rotated by 180 degrees when `flip`. */
// @ts-ignore: decorator
@inline function tap(src: usize, ky: i32, kx: i32, flip: bool): f32 {
  return flip ? load<f32>(at(src, (2 - ky) * 3 + 2 - kx)) : load<f32>(at(src, ky * 3 + kx));
}

/** Tile rows per chunk for geometry g. */
export function winogradChunkRows(g: usize): i32 {
  const tilesX = (gi(g, 6) + 1) >> 1;
  return max(1, CHUNK_TILES / tilesX);
}

/** Leading dimension of V and M for a chunk of `tiles` tiles: room for a 4-lane store past the end, 8-aligned. */
// @ts-ignore: decorator
@inline export function leading(tiles: i32): i32 {
  return ceilTo(tiles + 3, NR);
}

/** Bytes of per-thread scratch winogradConv needs for geometry g. */
export function winogradScratchBytes(g: usize): i32 {
  const cin = gi(g, 1), cout = gi(g, 4), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const rows = min(winogradChunkRows(g), tilesY);
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const ld = leading(winogradChunkRows(g) * tilesX);
  return 4 * ((2 * rows + 2) * sw + 16 * ((cin + ceilTo(cout, MR)) * ld + 2 * SKEW) + 16 + 48);
}

/** y[tile rows r0..r1] = conv2d(x, the filter packed in u) + bias (cout floats; 0 for none), for geometry g. */
export function winogradConv(g: usize, x: usize, u: usize, bias: usize, y: usize, r0: i32, r1: i32, ws: usize): void {
  const cin = gi(g, 1), cout = gi(g, 4), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const chunk = winogradChunkRows(g);
  const rows = min(chunk, tilesY);
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const ldMax = leading(chunk * tilesX);
  const opad = ceilTo(cout, MR);
  const stage = ws;
  const v = at(stage, (2 * rows + 2) * sw + 16);
  const m = at(v, 16 * (cin * ldMax + SKEW));
  const tmp = at(m, 16 * (opad * ldMax + SKEW));
  // the GEMM reads V's columns up to the next multiple of 8: keep them finite
  memory.fill(v, 0, <usize>(16 * (cin * ldMax + SKEW)) << 2);
  for (let c0 = r0; c0 < r1; c0 += chunk) {
    const c1 = min(r1, c0 + chunk);
    const tiles = (c1 - c0) * tilesX;
    const ld = leading(tiles);
    const ub = <usize>(opad * cin) << 2, vb = <usize>(cin * ld + SKEW) << 2, mb = <usize>(opad * ld + SKEW) << 2;
    tileTransform(INPUT_TILES, g, x, c0, c1, stage, sw, v, ld, vb, 0);
    for (let xi = 0; xi < 16; xi++) {
      products(cin, opad, tiles, u + <usize>xi * ub, v + <usize>xi * vb, ld, m + <usize>xi * mb, tmp);
    }
    outputTransform(g, m, ld, mb, c0, c1, bias, y, tmp);
  }
}

/** M (opad, tiles rounded up to 8) = U (opad, cin; MR-row panels) @ V (cin, ld), by the GEMM's micro-kernel. */
function products(cin: i32, opad: i32, tiles: i32, u: usize, v: usize, ld: i32, m: usize, tile: usize): void {
  const bs = <usize>ld << 2;
  for (let jr = 0; jr < tiles; jr += NR) {
    const b = at(v, jr);
    for (let ir = 0; ir < opad; ir += MR) {
      const c = at(m, ir * ld + jr);
      if (ASC_FEATURE_RELAXED_SIMD) micro6(cin, at(u, ir * cin), b, bs, c, ld, MR, NR, false, tile);
      else micro5(cin, at(u, ir * cin), b, bs, c, ld, MR, NR, false, tile);
    }
  }
}

/** Copies input rows iy0..iy0 + nr of channel plane `plane` (h, w) into stage (nr, sw), cols shifted by padW, zeros outside. */
export function stageRows(plane: usize, h: i32, w: i32, iy0: i32, nr: i32, padW: i32, stage: usize, sw: i32): void {
  for (let r = 0; r < nr; r++) {
    const d = at(stage, r * sw);
    const iy = iy0 + r;
    if (iy < 0 || iy >= h) {
      zero(d, sw);
      continue;
    }
    const s = at(plane, iy * w);
    zero(d, padW);
    let i = 0;
    for (; i + 4 <= w; i += 4) v128.store(at(d, padW + i), v128.load(at(s, i)));
    for (; i < w; i++) store<f32>(at(d, padW + i), load<f32>(at(s, i)));
    zero(at(d, padW + w), sw - padW - w);
  }
}

/** n floats of zeros at d. */
// @ts-ignore: decorator
@inline function zero(d: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(at(d, i), 0);
}

/** tileTransform's kinds: input tiles V = B^T d B (4x4 windows of x, stride 2, zero padding), or gradient tiles A gy A^T (2x2 blocks of gy). */
export const INPUT_TILES: i32 = 0;
export const GRAD_TILES: i32 = 1;

/**
 * The transformed tiles of tile rows c0..c1 (counted over the batch's images) of every plane of
 * `src`: for INPUT_TILES, V[xi][c][t] = B^T d B of x's input channels; for GRAD_TILES,
 * gM[xi][o][t] = A gy A^T of gy's output channels. Stored at dst + xi * xs bytes, row (plane) p at
 * p * ld floats. A short last group of 4 tiles stores garbage in up to 3 columns past the range;
 * with `tmp` (64 floats, 0 for none) the range's last one goes through it instead, so that threads
 * can transform adjacent ranges of one matrix.
 */
export function tileTransform(kind: i32, g: usize, src: usize, c0: i32, c1: i32, stage: usize, sw: i32, dst: usize, ld: i32, xs: usize, tmp: usize): void {
  const grad = kind == GRAD_TILES;
  const oh = gi(g, 5), ow = gi(g, 6);
  const planes = grad ? gi(g, 4) : gi(g, 1);
  const ph = grad ? oh : gi(g, 2), pw = grad ? ow : gi(g, 3); // the planes' height and width
  const padH = grad ? 0 : gi(g, 7), padW = grad ? 0 : gi(g, 8);
  const halo = grad ? 0 : 2; // input windows overlap the next tile row by 2 rows
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const rs = <usize>sw << 2;
  for (let c = 0; c < planes; c++) {
    let t = 0;
    let r = c0;
    while (r < c1) {
      // one image's share of the chunk: tile rows ty0..ty1 of image n
      const n = r / tilesY, ty0 = r - n * tilesY;
      const ty1 = min(tilesY, ty0 + c1 - r);
      stageRows(at(src, (n * planes + c) * ph * pw), ph, pw, 2 * ty0 - padH, 2 * (ty1 - ty0) + halo, padW, stage, sw);
      for (let ty = ty0; ty < ty1; ty++) {
        const row = at(stage, 2 * (ty - ty0) * sw);
        const out = at(dst, c * ld + t);
        // groups of 4 tiles; a short last group stores garbage lanes that the next row's tiles overwrite
        const clip = tmp != 0 && r + ty - ty0 == c1 - 1 ? tilesX & ~3 : tilesX;
        for (let tx = 0; tx < clip; tx += 4) tileGroup(grad, at(row, 2 * tx), rs, at(out, tx), xs);
        if (clip < tilesX) {
          tileGroup(grad, at(row, 2 * clip), rs, tmp, 16);
          copyLanes(tmp, at(out, clip), xs, tilesX - clip);
        }
        t += tilesX;
      }
      r += ty1 - ty0;
    }
  }
}

/** gradGroup or inputGroup. */
// @ts-ignore: decorator
@inline function tileGroup(grad: bool, p: usize, rs: usize, dst: usize, xs: usize): void {
  if (grad) gradGroup(p, rs, dst, xs);
  else inputGroup(p, rs, dst, xs);
}

/** The first `lanes` floats of 16 vectors at tmp (16 bytes apart) to dst + xi * xs. */
export function copyLanes(tmp: usize, dst: usize, xs: usize, lanes: i32): void {
  for (let xi = 0; xi < 16; xi++) {
    for (let k = 0; k < lanes; k++) store<f32>(at(dst + <usize>xi * xs, k), load<f32>(at(tmp, 4 * xi + k)));
  }
}

/** Even lanes of a ++ b: [a0, a2, b0, b2]. */
// @ts-ignore: decorator
@inline export function even(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}

/** Odd lanes of a ++ b: [a1, a3, b1, b3]. */
// @ts-ignore: decorator
@inline export function odd(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * V = B^T d B for 4 tiles side by side (lanes), whose 4x4 input tiles start at p, 2 floats apart
 * (rows rs bytes apart); V[4i + j] is stored at dst + (4i + j) * xs. B^T = [1 0 -1 0; 0 1 1 0;
 * 0 -1 1 0; 0 1 0 -1]. Rows are taken in the order 0, 2, 1, 3 so that at most 8 row vectors live.
 */
// @ts-ignore: decorator
@inline function inputGroup(p: usize, rs: usize, dst: usize, xs: usize): void {
  // row 0: x_j = column j of the 4 tiles; a = x B (the column transform)
  let l0 = v128.load(p), l1 = v128.load(p, 16), l2 = v128.load(p, 8), l3 = v128.load(p, 24);
  let x0 = even(l0, l1), x1 = odd(l0, l1), x2 = even(l2, l3), x3 = odd(l2, l3);
  const a0 = f32x4.sub(x0, x2), a1 = f32x4.add(x1, x2), a2 = f32x4.sub(x2, x1), a3 = f32x4.sub(x1, x3);
  // row 2
  p += 2 * rs;
  l0 = v128.load(p); l1 = v128.load(p, 16); l2 = v128.load(p, 8); l3 = v128.load(p, 24);
  x0 = even(l0, l1); x1 = odd(l0, l1); x2 = even(l2, l3); x3 = odd(l2, l3);
  const c0 = f32x4.sub(x0, x2), c1 = f32x4.add(x1, x2), c2 = f32x4.sub(x2, x1), c3 = f32x4.sub(x1, x3);
  v128.store(dst, f32x4.sub(a0, c0));
  v128.store(dst + xs, f32x4.sub(a1, c1));
  v128.store(dst + 2 * xs, f32x4.sub(a2, c2));
  v128.store(dst + 3 * xs, f32x4.sub(a3, c3));
  // row 1
  p -= rs;
  l0 = v128.load(p); l1 = v128.load(p, 16); l2 = v128.load(p, 8); l3 = v128.load(p, 24);
  x0 = even(l0, l1); x1 = odd(l0, l1); x2 = even(l2, l3); x3 = odd(l2, l3);
  const b0 = f32x4.sub(x0, x2), b1 = f32x4.add(x1, x2), b2 = f32x4.sub(x2, x1), b3 = f32x4.sub(x1, x3);
  v128.store(dst + 4 * xs, f32x4.add(b0, c0));
  v128.store(dst + 5 * xs, f32x4.add(b1, c1));
  v128.store(dst + 6 * xs, f32x4.add(b2, c2));
  v128.store(dst + 7 * xs, f32x4.add(b3, c3));
  v128.store(dst + 8 * xs, f32x4.sub(c0, b0));
  v128.store(dst + 9 * xs, f32x4.sub(c1, b1));
  v128.store(dst + 10 * xs, f32x4.sub(c2, b2));
  v128.store(dst + 11 * xs, f32x4.sub(c3, b3));
  // row 3
  p += 2 * rs;
  l0 = v128.load(p); l1 = v128.load(p, 16); l2 = v128.load(p, 8); l3 = v128.load(p, 24);
  x0 = even(l0, l1); x1 = odd(l0, l1); x2 = even(l2, l3); x3 = odd(l2, l3);
  v128.store(dst + 12 * xs, f32x4.sub(b0, f32x4.sub(x0, x2)));
  v128.store(dst + 13 * xs, f32x4.sub(b1, f32x4.add(x1, x2)));
  v128.store(dst + 14 * xs, f32x4.sub(b2, f32x4.sub(x2, x1)));
  v128.store(dst + 15 * xs, f32x4.sub(b3, f32x4.sub(x1, x3)));
}

/** y[n, o, 2ty:2ty+2, 2tx:2tx+2] = A^T M A + bias[o] for every tile of tile rows c0..c1 and output channel o (M[xi] at m + xi * ms bytes). */
function outputTransform(g: usize, m: usize, ld: i32, ms: usize, c0: i32, c1: i32, bias: usize, y: usize, tmp: usize): void {
  const cout = gi(g, 4), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  // groups of 4 tiles whose 2x8 outputs all lie inside the output take the vector store
  const fullX = ow >> 3 << 2; // tiles tx < fullX in groups of 4 starting at multiples of 4
  for (let o = 0; o < cout; o++) {
    const b = f32x4.splat(bias != 0 ? load<f32>(at(bias, o)) : 0);
    let t = 0;
    for (let r = c0; r < c1; r++) {
      const n = r / tilesY, ty = r - n * tilesY;
      const oy = 2 * ty;
      const yrow = at(y, ((n * cout + o) * oh + oy) * ow);
      const src = at(m, o * ld + t);
      const full = oy + 1 < oh;
      for (let tx = 0; tx < tilesX; tx += 4) {
        outputGroup(at(src, tx), ms, bias != 0, b, tmp);
        const dst = at(yrow, 2 * tx);
        if (full && tx < fullX) {
          // 4 tiles, 2 rows of 8 outputs
          const y00 = v128.load(tmp), y01 = v128.load(tmp, 16), y10 = v128.load(tmp, 32), y11 = v128.load(tmp, 48);
          v128.store(dst, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
          v128.store(dst, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
          const d1 = at(dst, ow);
          v128.store(d1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
          v128.store(d1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
        } else {
          const lanes = min(4, tilesX - tx);
          for (let k = 0; k < lanes; k++) {
            const ox = 2 * (tx + k);
            store<f32>(at(dst, 2 * k), load<f32>(at(tmp, k)));
            if (ox + 1 < ow) store<f32>(at(dst, 2 * k + 1), load<f32>(at(tmp, 4 + k)));
            if (oy + 1 < oh) {
              store<f32>(at(dst, ow + 2 * k), load<f32>(at(tmp, 8 + k)));
              if (ox + 1 < ow) store<f32>(at(dst, ow + 2 * k + 1), load<f32>(at(tmp, 12 + k)));
            }
          }
        }
      }
      t += tilesX;
    }
  }
}

/**
 * Y = A^T M A (+ b when `add`) for 4 tiles side by side (lanes), M[4i + j] at p + (4i + j) * ms;
 * A^T = [1 1 1 0; 0 1 -1 -1]. Writes y00, y01, y10, y11 (4 lanes each) to tmp.
 */
// @ts-ignore: decorator
@inline function outputGroup(p: usize, ms: usize, add: bool, b: v128, tmp: usize): void {
  // row i of M A: [m_i0 + m_i1 + m_i2, m_i1 - m_i2 - m_i3]
  let m0 = v128.load(p), m1 = v128.load(p + ms), m2 = v128.load(p + 2 * ms), m3 = v128.load(p + 3 * ms);
  let s0 = f32x4.add(f32x4.add(m0, m1), m2);
  let s1 = f32x4.sub(f32x4.sub(m1, m2), m3);
  p += 4 * ms;
  m0 = v128.load(p); m1 = v128.load(p + ms); m2 = v128.load(p + 2 * ms); m3 = v128.load(p + 3 * ms);
  let r0 = f32x4.add(f32x4.add(m0, m1), m2);
  let r1 = f32x4.sub(f32x4.sub(m1, m2), m3);
  s0 = f32x4.add(s0, r0);
  s1 = f32x4.add(s1, r1);
  let d0 = r0, d1 = r1;
  p += 4 * ms;
  m0 = v128.load(p); m1 = v128.load(p + ms); m2 = v128.load(p + 2 * ms); m3 = v128.load(p + 3 * ms);
  r0 = f32x4.add(f32x4.add(m0, m1), m2);
  r1 = f32x4.sub(f32x4.sub(m1, m2), m3);
  s0 = f32x4.add(s0, r0);
  s1 = f32x4.add(s1, r1);
  d0 = f32x4.sub(d0, r0);
  d1 = f32x4.sub(d1, r1);
  p += 4 * ms;
  m0 = v128.load(p); m1 = v128.load(p + ms); m2 = v128.load(p + 2 * ms); m3 = v128.load(p + 3 * ms);
  d0 = f32x4.sub(d0, f32x4.add(f32x4.add(m0, m1), m2));
  d1 = f32x4.sub(d1, f32x4.sub(f32x4.sub(m1, m2), m3));
  if (add) {
    s0 = f32x4.add(s0, b);
    s1 = f32x4.add(s1, b);
    d0 = f32x4.add(d0, b);
    d1 = f32x4.add(d1, b);
  }
  v128.store(tmp, s0);
  v128.store(tmp, s1, 16);
  v128.store(tmp, d0, 32);
  v128.store(tmp, d1, 48);
}

/**
 * gM = A y A^T for 4 tiles side by side (lanes) whose 2x2 gradients start at p (rows rs bytes
 * apart), A = [1 0; 1 1; 1 -1; 0 -1]: with z_a = y_a A^T = [y_a0, y_a0 + y_a1, y_a0 - y_a1, -y_a1],
 * the rows are z_0, z_0 + z_1, z_0 - z_1, -z_1. gM[4i + j] is stored at dst + (4i + j) * ms.
 */
// @ts-ignore: decorator
@inline function gradGroup(p: usize, rs: usize, dst: usize, ms: usize): void {
  let l0 = v128.load(p), l1 = v128.load(p, 16);
  const a0 = even(l0, l1), a1 = odd(l0, l1);
  l0 = v128.load(p + rs);
  l1 = v128.load(p + rs, 16);
  const b0 = even(l0, l1), b1 = odd(l0, l1);
  // z_0 = [a0, a0 + a1, a0 - a1, -a1], z_1 likewise from b
  const z00 = a0, z01 = f32x4.add(a0, a1), z02 = f32x4.sub(a0, a1), z03 = f32x4.neg(a1);
  const z10 = b0, z11 = f32x4.add(b0, b1), z12 = f32x4.sub(b0, b1), z13 = f32x4.neg(b1);
  v128.store(dst, z00);
  v128.store(dst + ms, z01);
  v128.store(dst + 2 * ms, z02);
  v128.store(dst + 3 * ms, z03);
  v128.store(dst + 4 * ms, f32x4.add(z00, z10));
  v128.store(dst + 5 * ms, f32x4.add(z01, z11));
  v128.store(dst + 6 * ms, f32x4.add(z02, z12));
  v128.store(dst + 7 * ms, f32x4.add(z03, z13));
  v128.store(dst + 8 * ms, f32x4.sub(z00, z10));
  v128.store(dst + 9 * ms, f32x4.sub(z01, z11));
  v128.store(dst + 10 * ms, f32x4.sub(z02, z12));
  v128.store(dst + 11 * ms, f32x4.sub(z03, z13));
  v128.store(dst + 12 * ms, f32x4.neg(z10));
  v128.store(dst + 13 * ms, f32x4.neg(z11));
  v128.store(dst + 14 * ms, f32x4.neg(z12));
  v128.store(dst + 15 * ms, f32x4.neg(z13));
}
