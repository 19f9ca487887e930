// Packed, blocked single-threaded SGEMM: C (m, n) = A (m, k) @ B (k, n), optionally plus C.
// Threads split C by rows or columns on the TypeScript side and each call this on its part.
//
// GotoBLAS/BLIS loop order: jc (NC columns) > pc (KC depth) > ic (MC rows) > jr (8) > ir (MR).
// B blocks are packed into 8-wide column panels, A blocks into MR-high row panels (zero padded),
// transposition handled while packing. Register tile: 6x8 with relaxed-SIMD FMA (12 accumulators
// + 2 B vectors + 1 broadcast = 15 v128 registers), 5x8 with mul+add (one more temporary).
import { at, madd } from './simd';

/** Rows of the register tile. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR: i32 = 8;
const MC: i32 = MR * 16;
const KC: i32 = 256;
const NC: i32 = 1024;
const AP_BYTES: i32 = MC * KC * 4;
const BP_BYTES: i32 = KC * NC * 4;

/** Bytes of per-thread scratch `gemm` needs: packed A block, packed B block, an edge tile. */
export function gemmScratchBytes(): i32 {
  return AP_BYTES + BP_BYTES + 256;
}

/** Row count of the register tile (6 relaxed, 5 plain): thread splits align to it. */
export function gemmTileRows(): i32 {
  return MR;
}

/**
 * C = A @ B (+ C when `acc`). Byte addresses; ld* in elements. A is (m, k) row-major with leading
 * dimension lda, or when `ta` stored as (k, m); B is (k, n), or when `tb` stored as (n, k).
 * `ws`: gemmScratchBytes() of scratch owned by the calling thread.
 */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, ta: bool, b: usize, ldb: i32, tb: bool,
  c: usize, ldc: i32, acc: bool, ws: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(at(c, i * ldc), 0, <usize>n << 2);
    return;
  }
  const ap = ws;
  const bp = ws + AP_BYTES;
  const tile = bp + BP_BYTES;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const add = acc || pc > 0;
      packB(kc, nc, tb ? at(b, jc * ldb + pc) : at(b, pc * ldb + jc), ldb, tb, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, ta ? at(a, pc * lda + ic) : at(a, ic * lda + pc), lda, ta, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bpanel = at(bp, jr * kc);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = at(c, (ic + ir) * ldc + jc + jr);
            if (ASC_FEATURE_RELAXED_SIMD) micro6(kc, at(ap, ir * kc), bpanel, NR * 4, cp, ldc, mr, nr, add, tile);
            else micro5(kc, at(ap, ir * kc), bpanel, NR * 4, cp, ldc, mr, nr, add, tile);
          }
        }
      }
    }
  }
}

/** Packs the (mc, kc) block at `a` into MR-row panels: panel q holds A[q*MR + r, p] at p*MR + r. */
function packA(mc: i32, kc: i32, a: usize, lda: i32, ta: bool, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    if (!ta && mr == MR) {
      packARows(kc, at(a, ir * lda), lda, dst);
    } else if (!ta) {
      // A(i, p) at a[i * lda + p]
      for (let r = 0; r < MR; r++) {
        const d = at(dst, r);
        if (r < mr) {
          const src = at(a, (ir + r) * lda);
          for (let p = 0; p < kc; p++) store<f32>(at(d, p * MR), load<f32>(at(src, p)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(at(d, p * MR), 0);
        }
      }
    } else {
      // A(i, p) at a[p * lda + i]: each p is MR contiguous floats
      for (let p = 0; p < kc; p++) {
        const src = at(a, p * lda + ir);
        const d = at(dst, p * MR);
        if (mr == MR) {
          v128.store(d, v128.load(src));
          for (let r = 4; r < MR; r++) store<f32>(at(d, r), load<f32>(at(src, r)));
        } else {
          for (let r = 0; r < MR; r++) store<f32>(at(d, r), r < mr ? load<f32>(at(src, r)) : 0);
        }
      }
    }
    dst = at(dst, MR * kc);
  }
}

/**
 * One full MR-row panel of an untransposed A (MR rows, lda apart): 4 columns at a time, rows 0-3
 * by a 4x4 transpose, rows 4 (and 5) by lane stores.
 */
function packARows(kc: i32, a: usize, lda: i32, dst: usize): void {
  const rs = <usize>lda << 2;
  const ps: usize = MR * 4; // bytes between packed columns
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = at(a, p);
    const d = at(dst, p * MR);
    transpose4(s, rs, d, ps);
    const y4 = v128.load(s + 4 * rs);
    if (MR == 6) {
      // rows 4 and 5 interleaved: [r4 p, r5 p, r4 p+1, r5 p+1], [.. p+2, .. p+3]
      const y5 = v128.load(s + 5 * rs);
      const z0 = v128.shuffle<f32>(y4, y5, 0, 4, 1, 5);
      const z1 = v128.shuffle<f32>(y4, y5, 2, 6, 3, 7);
      v128.store64_lane(d, z0, 0, 16);
      v128.store64_lane(d + ps, z0, 1, 16);
      v128.store64_lane(d + 2 * ps, z1, 0, 16);
      v128.store64_lane(d + 3 * ps, z1, 1, 16);
    } else {
      v128.store32_lane(d, y4, 0, 16);
      v128.store32_lane(d + ps, y4, 1, 16);
      v128.store32_lane(d + 2 * ps, y4, 2, 16);
      v128.store32_lane(d + 3 * ps, y4, 3, 16);
    }
  }
  for (; p < kc; p++) {
    for (let r = 0; r < MR; r++) store<f32>(at(dst, p * MR + r), load<f32>(at(a, r * lda + p)));
  }
}

/** Packs the (kc, nc) block at `b` into 8-column panels: panel q holds B[p, q*8 + j] at p*8 + j. */
function packB(kc: i32, nc: i32, b: usize, ldb: i32, tb: bool, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (!tb && nr == NR) {
      // B(p, j) at b[p * ldb + j]: two vectors per row
      for (let p = 0; p < kc; p++) {
        const src = at(b, p * ldb + jr);
        const d = at(dst, p * NR);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else if (tb && nr == NR) {
      packBTrans8(kc, at(b, jr * ldb), ldb, dst);
    } else {
      for (let p = 0; p < kc; p++) {
        const d = at(dst, p * NR);
        for (let j = 0; j < NR; j++) {
          const src = tb ? at(b, (jr + j) * ldb + p) : at(b, p * ldb + jr + j);
          store<f32>(at(d, j), j < nr ? load<f32>(src) : 0);
        }
      }
    }
    dst = at(dst, NR * kc);
  }
}

/** One full 8-column panel of a transposed B (8 rows of the stored (n, k) matrix), 4x4 transposes. */
function packBTrans8(kc: i32, b: usize, ldb: i32, dst: usize): void {
  const rs = <usize>ldb << 2;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = at(b, p);
    const d = at(dst, p * NR);
    transpose4(s, rs, d, 32);
    transpose4(s + 4 * rs, rs, d + 16, 32);
  }
  for (; p < kc; p++) {
    const d = at(dst, p * NR);
    for (let j = 0; j < NR; j++) store<f32>(at(d, j), load<f32>(at(b, j * ldb + p)));
  }
}

/** Reads 4 rows (4 floats each, row stride rs bytes) at s; writes their transpose as 4 rows of stride ds bytes at d. */
// @ts-ignore: decorator
@inline function transpose4(s: usize, rs: usize, d: usize, ds: usize): void {
  const x0 = v128.load(s), x1 = v128.load(s + rs), x2 = v128.load(s + 2 * rs), x3 = v128.load(s + 3 * rs);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + ds, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * ds, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * ds, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Writes one 8-wide row of the tile to C, adding to what is there when `add`. */
// @ts-ignore: decorator
@inline function storeRow(p: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v0 = f32x4.add(v128.load(p), v0);
    v1 = f32x4.add(v128.load(p, 16), v1);
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
}

/** Copies the (mr, nr) top-left part of an 8-wide tile in scratch to C. */
function storeEdge(tile: usize, c: usize, ldc: i32, mr: i32, nr: i32, add: bool): void {
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const q = at(c, i * ldc + j);
      let v = load<f32>(at(tile, i * NR + j));
      if (add) v = load<f32>(q) + v;
      store<f32>(q, v);
    }
  }
}

/**
 * 6x8 FMA micro-kernel over kc steps of a packed A panel and 8-wide rows of B `bs` bytes apart
 * (32 when packed; Winograd's transformed input is read in place).
 */
export function micro6(kc: i32, ap: usize, bp: usize, bs: usize, c: usize, ldc: i32, mr: i32, nr: i32, add: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(ap, 20);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    ap += 24;
    bp += bs;
  }
  const rs = <usize>ldc << 2;
  if (mr == 6 && nr == 8) {
    storeRow(c, c00, c01, add);
    storeRow(c + rs, c10, c11, add);
    storeRow(c + 2 * rs, c20, c21, add);
    storeRow(c + 3 * rs, c30, c31, add);
    storeRow(c + 4 * rs, c40, c41, add);
    storeRow(c + 5 * rs, c50, c51, add);
    return;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  v128.store(tile, c40, 128); v128.store(tile, c41, 144); v128.store(tile, c50, 160); v128.store(tile, c51, 176);
  storeEdge(tile, c, ldc, mr, nr, add);
}

/** 5x8 mul+add micro-kernel, the same arguments. */
export function micro5(kc: i32, ap: usize, bp: usize, bs: usize, c: usize, ldc: i32, mr: i32, nr: i32, add: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    ap += 20;
    bp += bs;
  }
  const rs = <usize>ldc << 2;
  if (mr == 5 && nr == 8) {
    storeRow(c, c00, c01, add);
    storeRow(c + rs, c10, c11, add);
    storeRow(c + 2 * rs, c20, c21, add);
    storeRow(c + 3 * rs, c30, c31, add);
    storeRow(c + 4 * rs, c40, c41, add);
    return;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  v128.store(tile, c40, 128); v128.store(tile, c41, 144);
  storeEdge(tile, c, ldc, mr, nr, add);
}

