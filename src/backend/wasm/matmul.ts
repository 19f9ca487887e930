// Matrix product on the wasm kernels: C (m, n) = A (m, k) @ B (k, n) [+ C], split across threads
// by rows of C (or by columns when m is too small), each thread running the packed GEMM kernel on
// its own block with its own packing scratch. Small products run inline with no dispatch.

import type { AddrMat as MatArg } from './args.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel, threadScratch } from './pool.js';

/** Rows of A up to which the unpacked matrix-vector kernel is used... */
const SMALL_M = 2;
/** ...and m*n*k up to which it is used whatever the shape (packing costs more than it saves). */
const SMALL_MNK = 1 << 15;
/** m*n*k below which a product runs on the calling thread alone (~10 us of work). */
const PARALLEL_MIN_MNK = 1 << 18;

/** Element offset of row `i` of an operand that is (rows, cols) after its optional transpose. */
function rowOffset(x: MatArg, i: number): number {
  return x.trans ? i : i * x.ld;
}

/** Element offset of column `j` of an operand that is (rows, cols) after its optional transpose. */
function colOffset(x: MatArg, j: number): number {
  return x.trans ? j * x.ld : j;
}

/**
 * C = A @ B (+ C when `accumulate`): (m, n) = (m, k) @ (k, n), float32, on `threads` threads
 * at most (default: the pool size).
 */
export function wasmMatmul(
  kern: Kernels,
  m: number,
  n: number,
  k: number,
  a: MatArg,
  b: MatArg,
  c: number,
  ldc: number,
  accumulate: boolean,
  threads = poolThreads(),
): void {
  if (m <= 0 || n <= 0) return;
  const ex = kern.exports;
  const wsBytes = ex.gemmScratchBytes();
  const acc = accumulate ? 1 : 0;
  const ta = a.trans ? 1 : 0;
  const tb = b.trans ? 1 : 0;
  const t = m * n * k >= PARALLEL_MIN_MNK ? threads : 1;
  if ((m <= SMALL_M || m * n * k <= SMALL_MNK) && !(a.trans && b.trans)) {
    // (m <= 2, k) @ (k, n) or tiny: stream B once per row, columns split across threads
    const parts = splitColumns(n, t, (j0, nj) => [m, nj, k, a.ptr, a.ld, ta, b.ptr + 4 * colOffset(b, j0), b.ld, tb, c + 4 * j0, ldc, acc]);
    runParallel(kern, 'gemmSmallM', parts);
    return;
  }
  const mr = ex.gemmTileRows();
  const rowBlocks = Math.ceil(m / mr);
  // rows split evenly in whole tiles when there are plenty of them, else columns when wide enough
  const byRows = rowBlocks >= 4 * t || (rowBlocks >= t && (m % (mr * t) === 0 || n < 16 * t));
  if (t <= 1 || (!byRows && n < 16 * t)) {
    ex.gemm(m, n, k, a.ptr, a.ld, ta, b.ptr, b.ld, tb, c, ldc, acc, threadScratch(0, wsBytes));
    return;
  }
  const parts: number[][] = [];
  if (byRows) {
    // split rows of C (and A) in whole register tiles
    const per = Math.ceil(rowBlocks / Math.min(t, rowBlocks));
    for (let i0 = 0; i0 < m; i0 += per * mr) {
      const rows = Math.min(per * mr, m - i0);
      const ap = a.ptr + 4 * rowOffset(a, i0);
      parts.push([rows, n, k, ap, a.ld, ta, b.ptr, b.ld, tb, c + 4 * i0 * ldc, ldc, acc, threadScratch(parts.length, wsBytes)]);
    }
    runParallel(kern, 'gemm', parts);
  } else {
    // few rows: split columns of C (and B) in multiples of 16
    const cparts = splitColumns(n, t, (j0, nj, i) => [
      m,
      nj,
      k,
      a.ptr,
      a.ld,
      ta,
      b.ptr + 4 * colOffset(b, j0),
      b.ld,
      tb,
      c + 4 * j0,
      ldc,
      acc,
      threadScratch(i, wsBytes),
    ]);
    runParallel(kern, 'gemm', cparts);
  }
}

/** Argument lists for up to `t` threads, each taking a range of columns (a multiple of 16). */
function splitColumns(n: number, t: number, make: (j0: number, nj: number, i: number) => number[]): number[][] {
  const parts: number[][] = [];
  const per = Math.ceil(n / t / 16) * 16;
  for (let j0 = 0; j0 < n; j0 += per) parts.push(make(j0, Math.min(per, n - j0), parts.length));
  return parts;
}
