// The weight gradient of a Winograd F(2x2, 3x3) convolution (3x3, stride 1, dilation 1, one
// group), the exact adjoint of winograd.ts's forward: per tile, gM = A gy A^T (4x4 from the 2x2
// output gradient, zeros past the output's edge), then 16 GEMMs summed over every tile of the
// batch, gU[xi] (cout, cin) = gM[xi] (cout, tiles) @ V[xi]^T (tiles, cin), with V = B^T d B the
// forward's input transform; finally gw = G^T gU G per (o, c). About half the multiplies of
// im2col's (cout, cin*9) @ (cin*9, positions) GEMM.
//
// Geometry: winograd.ts's 9 i32 (n cin h w cout oh ow padH padW). The batch's tile rows go in
// chunks of winogradWeightChunkRows(g) (a function of the geometry only), each in two parallel
// calls over buffers shared by the threads:
//   1. winogradWeightTransform: threads split the chunk's tile rows and write, in the buffer `buf`,
//        V   16 x (cin, ld)    transformed input, matrices (cin * ld + SKEW) floats apart
//        gM  16 x (cout, ld)   transformed gy, matrices (cout * ld + SKEW) floats apart, from gradOffset
//      (ld = leading(the chunk's tiles)); scratch: the stage rows and 64 floats.
//   2. winogradWeightProducts: threads split the output channels and add the chunk's GEMMs to
//        gU  16 x (cout, cin)  at gu
//      and after the last chunk write gw = G^T gU G for their channels; scratch: the GEMM's, 12 floats.
// Each gU element sums the chunks' tiles in the same order for any split, so results do not
// depend on the thread count.

import { gemm, gemmScratchBytes } from './gemm';
import { at } from './simd';
import { ceilTo, GRAD_TILES, gi, INPUT_TILES, leading, SKEW, tileTransform } from './winograd';

/** Tiles per chunk aimed at: the chunk is the GEMMs' depth; V and gM of a 32 -> 64 layer take ~4 MiB. */
const CHUNK_TILES: i32 = 640;

/** Tile rows per chunk for geometry g (whole images' rows are not required). */
export function winogradWeightChunkRows(g: usize): i32 {
  return max(1, CHUNK_TILES / ((gi(g, 6) + 1) >> 1));
}

/** Leading dimension of V and gM for the chunk starting at tile row c0 (the largest: c0 = 0). */
// @ts-ignore: decorator
@inline function chunkLeading(g: usize, c0: i32): i32 {
  const rows = gi(g, 0) * ((gi(g, 5) + 1) >> 1);
  return leading((min(rows, c0 + winogradWeightChunkRows(g)) - c0) * ((gi(g, 6) + 1) >> 1));
}

/** Byte offset of gM in the shared buffer (after V at the largest leading dimension). */
// @ts-ignore: decorator
@inline function gradOffset(g: usize): usize {
  return <usize>(16 * (gi(g, 1) * chunkLeading(g, 0) + SKEW)) << 2;
}

/** Bytes of the shared buffer (V then gM) for geometry g. */
export function winogradWeightBufferBytes(g: usize): i32 {
  return <i32>gradOffset(g) + 4 * 16 * (gi(g, 4) * chunkLeading(g, 0) + SKEW);
}

/** Bytes of per-thread scratch the two phases need for geometry g. */
export function winogradWeightScratchBytes(g: usize): i32 {
  const tilesX = (gi(g, 6) + 1) >> 1, tilesY = (gi(g, 5) + 1) >> 1;
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const stage = 4 * ((2 * min(winogradWeightChunkRows(g), tilesY) + 2) * sw + 64);
  return max(stage, gemmScratchBytes() + 4 * 12);
}

/** Phase 1: V and gM in `buf` for tile rows r0..r1 of the chunk that starts at tile row c0. */
export function winogradWeightTransform(g: usize, x: usize, gy: usize, c0: i32, r0: i32, r1: i32, buf: usize, ws: usize): void {
  const cin = gi(g, 1), cout = gi(g, 4), tilesX = (gi(g, 6) + 1) >> 1, tilesY = (gi(g, 5) + 1) >> 1;
  const ld = chunkLeading(g, c0);
  const sw = 2 * ceilTo(tilesX, 4) + 2;
  const col = <usize>((r0 - c0) * tilesX) << 2;
  const stage = ws;
  const tmp = at(stage, (2 * min(winogradWeightChunkRows(g), tilesY) + 2) * sw);
  const vb = <usize>(cin * ld + SKEW) << 2, mb = <usize>(cout * ld + SKEW) << 2;
  tileTransform(INPUT_TILES, g, x, r0, r1, stage, sw, buf + col, ld, vb, tmp);
  tileTransform(GRAD_TILES, g, gy, r0, r1, stage, sw, buf + gradOffset(g) + col, ld, mb, tmp);
}

/**
 * Phase 2, for the chunk that starts at tile row c0: gU[xi][o0:o1] (+)= gM[xi][o0:o1] (tiles) @
 * V[xi]^T, adding from the second chunk on; after the last chunk, gw[o0:o1] (O, C, 3, 3) = G^T gU G.
 */
export function winogradWeightProducts(g: usize, buf: usize, c0: i32, gu: usize, gw: usize, o0: i32, o1: i32, ws: usize): void {
  const cin = gi(g, 1), cout = gi(g, 4), tilesX = (gi(g, 6) + 1) >> 1;
  const rows = gi(g, 0) * ((gi(g, 5) + 1) >> 1);
  const c1 = min(rows, c0 + winogradWeightChunkRows(g));
  const tiles = (c1 - c0) * tilesX, ld = chunkLeading(g, c0), acc = c0 > 0;
  const no = o1 - o0;
  const v = buf, m = buf + gradOffset(g);
  const vb = <usize>(cin * ld + SKEW) << 2, mb = <usize>(cout * ld + SKEW) << 2, ub = <usize>(cout * cin) << 2;
  for (let xi = 0; xi < 16; xi++) {
    // gU[xi] (no, cin) (+)= gM[xi] (no, tiles) @ V[xi]^T, V[xi] stored (cin, tiles)
    const a = at(m + <usize>xi * mb, o0 * ld);
    const c = at(gu + <usize>xi * ub, o0 * cin);
    if (tiles > 0) gemm(no, cin, tiles, a, ld, false, v + <usize>xi * vb, ld, true, c, cin, acc, ws);
    else if (!acc) for (let i = 0; i < no; i++) memory.fill(at(c, i * cin), 0, <usize>cin << 2);
  }
  if (c1 >= rows) filterAdjoint(at(gu, o0 * cin), no * cin, ub, at(gw, o0 * cin * 9), ws + <usize>gemmScratchBytes());
}


/**
 * gw[k] (3x3, k < count) = G^T gU[xi][k] G, gU[xi][k] at gu + xi * us + 4 * k bytes, with
 * G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1]: the rows r_i = gU_i G go through `tmp` (12 floats).
 */
function filterAdjoint(gu: usize, count: i32, us: usize, gw: usize, tmp: usize): void {
  for (let k = 0; k < count; k++) {
    let src = at(gu, k);
    for (let i = 0; i < 4; i++) {
      const u0 = load<f32>(src), u1 = load<f32>(src + us), u2 = load<f32>(src + 2 * us), u3 = load<f32>(src + 3 * us);
      store<f32>(at(tmp, 3 * i), u0 + 0.5 * (u1 + u2));
      store<f32>(at(tmp, 3 * i + 1), 0.5 * (u1 - u2));
      store<f32>(at(tmp, 3 * i + 2), 0.5 * (u1 + u2) + u3);
      src += 4 * us;
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
