// Matrix-vector shaped products (one or two rows of A) without packing: packing B would cost more
// memory traffic than the product itself. Threads split the columns of C.
import { at, hsum, madd } from './simd';

/**
 * C = A @ B (+ C) for a few rows of A (matrix-vector shaped products), without packing: B is
 * streamed once per row of A. Same arguments as `gemm` (no scratch). With B not transposed,
 * C rows are built 16 columns at a time; with B transposed (and A not), as dot products.
 */
export function gemmSmallM(
  m: i32, n: i32, k: i32, a: usize, lda: i32, ta: bool, b: usize, ldb: i32, tb: bool, c: usize, ldc: i32, acc: bool,
): void {
  for (let i = 0; i < m; i++) {
    const ci = at(c, i * ldc);
    // A(i, p) at ap + p * as
    const ap = ta ? at(a, i) : at(a, i * lda);
    const as = ta ? lda : 1;
    if (!tb) {
      let j = 0;
      for (; j + 16 <= n; j += 16) {
        let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
        for (let p = 0; p < k; p++) {
          const av = v128.load32_splat(at(ap, p * as));
          const bp = at(b, p * ldb + j);
          c0 = madd(av, v128.load(bp), c0);
          c1 = madd(av, v128.load(bp, 16), c1);
          c2 = madd(av, v128.load(bp, 32), c2);
          c3 = madd(av, v128.load(bp, 48), c3);
        }
        const cp = at(ci, j);
        if (acc) {
          c0 = f32x4.add(v128.load(cp), c0); c1 = f32x4.add(v128.load(cp, 16), c1);
          c2 = f32x4.add(v128.load(cp, 32), c2); c3 = f32x4.add(v128.load(cp, 48), c3);
        }
        v128.store(cp, c0); v128.store(cp, c1, 16); v128.store(cp, c2, 32); v128.store(cp, c3, 48);
      }
      for (; j < n; j++) {
        let s: f32 = 0;
        for (let p = 0; p < k; p++) s += load<f32>(at(ap, p * as)) * load<f32>(at(b, p * ldb + j));
        const q = at(ci, j);
        store<f32>(q, acc ? load<f32>(q) + s : s);
      }
    } else {
      // C(i, j) = dot(A row i, stored row j of B); A rows are contiguous here (ta is packed instead)
      for (let j = 0; j < n; j++) {
        const bj = at(b, j * ldb);
        let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
        let p = 0;
        for (; p + 16 <= k; p += 16) {
          const x = at(ap, p), y = at(bj, p);
          d0 = madd(v128.load(x), v128.load(y), d0);
          d1 = madd(v128.load(x, 16), v128.load(y, 16), d1);
          d2 = madd(v128.load(x, 32), v128.load(y, 32), d2);
          d3 = madd(v128.load(x, 48), v128.load(y, 48), d3);
        }
        let s = hsum(f32x4.add(f32x4.add(d0, d1), f32x4.add(d2, d3)));
        for (; p < k; p++) s += load<f32>(at(ap, p)) * load<f32>(at(bj, p));
        const q = at(ci, j);
        store<f32>(q, acc ? load<f32>(q) + s : s);
      }
    }
  }
}
