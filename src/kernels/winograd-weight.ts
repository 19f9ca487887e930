// The weight gradient of a Winograd F(2x2, 3x3) convolution (3x3, stride 1, dilation 1, one
// group), the exact adjoint of winograd.ts's forward: per tile, gM = A gy A^T (4x4 from the 2x2
// output gradient, zeros past the output's edge), then 16 GEMMs summed over every tile of the
// batch, gU[xi] (cout, cin) = gM[xi] (cout, tiles) @ V[xi]^T (tiles, cin), with V = B^T d B the
// forward's input transform; finally gw = G^T gU G per (o, c). About half the multiplies of
// im2col's (cout, cin*9) @ (cin*9, positions) GEMM.
//
// Geometry: winograd.ts's 9 i32 (n cin h w cout oh ow padH padW). A thread takes output channels
// o0..o1 over all tiles, transforming the whole input itself, so the sum over tiles runs in the
// same order whatever the thread count. Scratch `ws`:
//   gemm   gemmScratchBytes()
//   stage  (2 * rows + 2, sw)      one channel's input (or gy) rows, zero-padded
//   V      16 x (cin, ld)          transformed input
//   gM     16 x (o1 - o0, ld)      transformed gy
//   gU     16 x (o1 - o0, cin)     the sums, then 12 floats for filterAdjoint
import { at } from './simd';
import { gemm, gemmScratchBytes } from './gemm';
import { ceilTo, even, gi, inputTransform, leading, odd, SKEW, stageRows } from './winograd';

/** Tiles per chunk: the chunk is the GEMMs' depth, so longer than the forward's. */
const CHUNK_TILES: i32 = 160;

/** Tile rows per chunk for geometry g. */
// @ts-ignore: decorator
@inline function chunkRows(g: usize): i32 {
  return max(1, CHUNK_TILES / ((gi(g, 6) + 1) >> 1));
}

/** Bytes of per-thread scratch winogradConvBackwardWeight needs for geometry g and `no` output channels. */
export function winogradWeightScratchBytes(g: usize, no: i32): i32 {
  const cin = gi(g, 1), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const chunk = chunkRows(g);
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const ld = leading(chunk * tilesX);
  return gemmScratchBytes() + 4 * ((2 * min(chunk, tilesY) + 2) * sw + 16 + 16 * ((cin + no) * ld + 2 * SKEW) + 16 * no * cin + 12);
}

/** gw[o0:o1] (O, C, 3, 3) = the gradient of winogradConv's output gy with respect to its filter, over the batch. */
export function winogradConvBackwardWeight(g: usize, x: usize, gy: usize, gw: usize, o0: i32, o1: i32, ws: usize): void {
  const n = gi(g, 0), cin = gi(g, 1), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const chunk = chunkRows(g);
  const no = o1 - o0;
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const ldMax = leading(chunk * tilesX);
  const stage = ws + <usize>gemmScratchBytes();
  const v = at(stage, (2 * min(chunk, tilesY) + 2) * sw + 16);
  const m = at(v, 16 * (cin * ldMax + SKEW));
  const gu = at(m, 16 * (no * ldMax + SKEW));
  const rowsAll = n * tilesY;
  for (let c0 = 0; c0 < rowsAll; c0 += chunk) {
    const c1 = min(rowsAll, c0 + chunk);
    const tiles = (c1 - c0) * tilesX;
    const ld = leading(tiles);
    const vb = <usize>(cin * ld + SKEW) << 2, mb = <usize>(no * ld + SKEW) << 2;
    inputTransform(g, x, c0, c1, stage, sw, v, ld, vb);
    gradTransform(g, gy, c0, c1, o0, o1, stage, sw, m, ld, mb);
    for (let xi = 0; xi < 16; xi++) {
      // gU[xi] (no, cin) (+)= gM[xi] (no, tiles) @ V[xi]^T, V[xi] stored (cin, tiles)
      gemm(no, cin, tiles, m + <usize>xi * mb, ld, false, v + <usize>xi * vb, ld, true, at(gu, xi * no * cin), cin, c0 > 0, ws);
    }
  }
  if (rowsAll == 0) memory.fill(gu, 0, <usize>(16 * no * cin) << 2);
  filterAdjoint(gu, no * cin, at(gw, o0 * cin * 9), at(gu, 16 * no * cin));
}

/** gM[xi][o - o0][t] (at m + xi * ms bytes) = A gy A^T for the tiles of tile rows c0..c1, channels o0..o1. */
function gradTransform(g: usize, gy: usize, c0: i32, c1: i32, o0: i32, o1: i32, stage: usize, sw: i32, m: usize, ld: i32, ms: usize): void {
  const cout = gi(g, 4), oh = gi(g, 5), ow = gi(g, 6);
  const tilesX = (ow + 1) >> 1, tilesY = (oh + 1) >> 1;
  const rs = <usize>sw << 2;
  for (let o = o0; o < o1; o++) {
    let t = 0;
    let r = c0;
    while (r < c1) {
      const n = r / tilesY, ty0 = r - n * tilesY;
      const ty1 = min(tilesY, ty0 + c1 - r);
      stageRows(at(gy, (n * cout + o) * oh * ow), oh, ow, 2 * ty0, 2 * (ty1 - ty0), 0, stage, sw);
      for (let ty = ty0; ty < ty1; ty++) {
        const src = at(stage, 2 * (ty - ty0) * sw);
        const dst = at(m, (o - o0) * ld + t);
        // groups of 4 tiles; a short last group's garbage lanes are overwritten by the next row
        for (let tx = 0; tx < tilesX; tx += 4) gradGroup(at(src, 2 * tx), rs, at(dst, tx), ms);
        t += tilesX;
      }
      r += ty1 - ty0;
    }
  }
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

/**
 * gw[k] (3x3, k < count) = G^T gU[xi][k] G, gU[xi][k] at gu + (xi * count + k) floats, with
 * G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1]: the rows r_i = gU_i G go through `tmp` (12 floats).
 */
function filterAdjoint(gu: usize, count: i32, gw: usize, tmp: usize): void {
  const cs = <usize>count << 2;
  for (let k = 0; k < count; k++) {
    let src = at(gu, k);
    for (let i = 0; i < 4; i++) {
      const u0 = load<f32>(src), u1 = load<f32>(src + cs), u2 = load<f32>(src + 2 * cs), u3 = load<f32>(src + 3 * cs);
      store<f32>(at(tmp, 3 * i), u0 + 0.5 * (u1 + u2));
      store<f32>(at(tmp, 3 * i + 1), 0.5 * (u1 - u2));
      store<f32>(at(tmp, 3 * i + 2), 0.5 * (u1 + u2) + u3);
      src += 4 * cs;
    }
    const dst = at(gw, 9 * k);
    for (let l = 0; l < 3; l++) {
      const r0 = load<f32>(at(tmp, l)), r1 = load<f32>(at(tmp, 3 + l)), r2 = load<f32>(at(tmp, 6 + l)), r3 = load<f32>(at(tmp, 9 + l));
      store<f32>(at(dst, l), r0 + 0.5 * (r1 + r2));
      store<f32>(at(dst, 3 + l), 0.5 * (r1 - r2));
      store<f32>(at(dst, 6 + l), 0.5 * (r1 + r2) + r3);
    }
  }
}
