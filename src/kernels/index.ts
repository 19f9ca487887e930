// Entry point of the kernel module (AssemblyScript, built by scripts/build-kernels.mjs twice: with
// relaxed SIMD and with plain SIMD). Every export here is callable from TypeScript and from the
// worker threads, which instantiate the same module on the same shared memory.
//
// ABI: pointers are byte addresses into the shared heap (i32), counts and strides are i32 in
// elements, flags are 0/1. Outputs are contiguous unless strides say otherwise. No kernel
// allocates or touches memory it is not handed; the module keeps nothing in memory of its own
// (the build checks that any static data ends below 1 MiB and that there is no shadow stack), so
// threads can run kernels at once on disjoint outputs. Per-thread scratch is passed in as `ws`.
//
//   gemm(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, ws)      C (m, n) = A (m, k) @ B (k, n) [+ C]
//   gemmSmallM(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc)    same, unpacked, for 1-2 rows of A
//   gemmScratchBytes() / gemmTileRows()                          ws size; MR (6 relaxed, 5 plain)
//   unary(op, x, xrs, xcs, out, rows, cols, alpha)               out (rows, cols) = op(x)
//   binary(op, a, ars, acs, b, brs, bcs, out, rows, cols)        out = op(a, b), strides 0 broadcast
//   compare(op, a, ars, acs, b, brs, bcs, out, rows, cols)       bool out = a op b
//   where(c, crs, ccs, a, ars, acs, b, brs, bcs, out, rows, cols) out = c ? a : b
//   copy4(src, dst, n0..n3, s0..s3, d0..d3)                      4-byte strided copy, rank <= 4
//   reduce(op, x, out, outer, r, inner, cols)                    (outer, r, inner) -> (outer, inner)
//   softmax(x, out, rows, cols, log)                             row (log-)softmax
//   conv2dForward(g, x, w, bias, y, n0, n1, s0, s1, ws)          images n0..n1, positions s0..s1; bias 0 for none
//   conv2dBackwardInput(g, gy, w, gx, n0, n1, c0, c1, ws)        images n0..n1, channels c0..c1
//   conv2dBackwardWeight(g, x, gy, gw, o0, o1, q0, q1, ws)       rows o0..o1, im2col rows q0..q1
//   conv2dBackwardWeightT(g, x, gy, gw, o0, o1, ws)               same via gw^T, for few im2col rows
//   convColFloats()                                              im2col chunk floats after gemm ws
//   conv2dDirectForward(g, x, w, bias, y, n0, n1, o0, o1, ws)    direct conv (+ bias, 0 for none) for few input channels, OW >= 4
//   conv2dDirectBackwardWeight(g, x, gy, gw, o0, o1, ws)         its weight gradient, rows o0..o1
//   conv2dDirectScratchBytes(g, no)                              ws size (no = 0 forward, else rows)
//   winogradFilter(w, u, o, c, flip)                             u = packed F(2x2, 3x3) filter transform
//   winogradFilterBytes(cin, cout) / winogradScratchBytes(g) / winogradChunkRows(g)   sizes
//   winogradConv(g, x, u, bias, y, r0, r1, ws)                   3x3 stride-1 conv (+ bias, 0 for none), tile rows r0..r1
//   winogradWeightTransform(g, x, gy, c0, r0, r1, buf, ws)       weight gradient phase 1: transforms, tile rows r0..r1
//   winogradWeightProducts(g, buf, c0, gu, gw, o0, o1, ws)       phase 2: GEMMs into gU, rows o0..o1; gw after the last chunk
//   winogradWeightChunkRows(g) / winogradWeightBufferBytes(g) / winogradWeightScratchBytes(g)   sizes
//   maxPool2d(g, x, y, idx, p0, p1) / maxPool2dBackward(g, gy, idx, gx, p0, p1)   planes p0..p1
//   avgPool2d(g, x, y, p0, p1) / avgPool2dBackward(g, gy, gx, p0, p1)
//   adamStep(p, g, m, v, vmax, n, beta1, c1, beta2, c2, stepSize, bc2, eps, decay, wd, flags)  fused Adam/AdamW
// `g` points to an i32 geometry struct (Conv2dGeom / Pool2dGeom field order, see conv.ts, pool.ts;
// winogradConv's own 9 fields, see winograd.ts).
export { conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardWeightT, conv2dForward, convColFloats } from './conv';
export { conv2dDirectBackwardWeight, conv2dDirectForward, conv2dDirectScratchBytes } from './conv_direct';
export { binary, copy4, unary } from './elementwise';
export { gemm, gemmScratchBytes, gemmTileRows } from './gemm';
export { gemmSmallM } from './gemv';
export { adamStep } from './optim';
export { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool';
export { reduce, softmax } from './reduce';
export { compare, where } from './select';
export { winogradChunkRows, winogradConv, winogradFilter, winogradFilterBytes, winogradScratchBytes } from './winograd';
export {
  winogradWeightBufferBytes,
  winogradWeightChunkRows,
  winogradWeightProducts,
  winogradWeightScratchBytes,
  winogradWeightTransform,
} from './winograd-weight';
