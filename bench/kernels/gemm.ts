// GEMM throughput of the wasm kernels, 1 thread and all threads, square and MLP shapes.
// Run: npm run build && node dist/bench/kernels/gemm.js [relaxed|simd]

import { heap } from '../../src/backend/wasm/heap.js';
import { type KernelBuild, loadKernels } from '../../src/backend/wasm/loader.js';
import { wasmMatmul } from '../../src/backend/wasm/matmul.js';
import { getNumThreads, poolThreads } from '../../src/backend/wasm/pool.js';

/** (m, k, n, transA, transB) measured: squares, and the MLP layers of a 784-256 network at batch
 * 128 forward (X W), backward to the input (dY W^T) and to the weight (X^T dY). */
const SHAPES: [number, number, number, boolean, boolean][] = [
  [256, 256, 256, false, false],
  [512, 512, 512, false, false],
  [1024, 1024, 1024, false, false],
  [2048, 2048, 2048, false, false],
  [128, 784, 256, false, false],
  [128, 256, 784, false, true],
  [784, 128, 256, true, false],
  [128, 256, 784, false, false],
  [256, 128, 784, true, false],
];

/** Median GFLOP/s of C (m, n) = A (m, k) @ B (k, n) with `threads` threads, A or B optionally stored transposed. */
export function benchGemm(
  build: KernelBuild | undefined,
  m: number,
  k: number,
  n: number,
  threads: number,
  ta = false,
  tb = false,
): number {
  const h = heap();
  const a = h.allocateScratch(m * k * 4);
  const b = h.allocateScratch(k * n * 4);
  const c = h.allocateScratch(m * n * 4);
  for (let i = 0; i < m * k; i++) h.f32[(a >>> 2) + i] = Math.random() - 0.5;
  for (let i = 0; i < k * n; i++) h.f32[(b >>> 2) + i] = Math.random() - 0.5;
  const kern = loadKernels(build);
  const A = { ptr: a, ld: ta ? m : k, trans: ta };
  const B = { ptr: b, ld: tb ? k : n, trans: tb };
  const run = (): void => wasmMatmul(kern, m, n, k, A, B, c, n, false, threads);
  const flop = 2 * m * n * k;
  const reps = Math.max(3, Math.min(200, Math.round(2e9 / flop)));
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((x, y) => x - y);
  h.freeScratch(a, m * k * 4);
  h.freeScratch(b, k * n * 4);
  h.freeScratch(c, m * n * 4);
  return flop / (times[3] * 1e6);
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const build = process.argv[2] as KernelBuild | undefined;
  const all = poolThreads();
  console.log(`build ${loadKernels(build).build}, threads 1 and ${all} (of ${getNumThreads()})`);
  for (const [m, k, n, ta, tb] of SHAPES) {
    const one = benchGemm(build, m, k, n, 1, ta, tb);
    const many = benchGemm(build, m, k, n, all, ta, tb);
    const name = `${m}x${k}x${n}${ta ? ' At' : ''}${tb ? ' Bt' : ''}`;
    console.log(name.padEnd(20), `1 thread ${one.toFixed(1).padStart(6)}  ${all} threads ${many.toFixed(1).padStart(6)} GFLOP/s`);
  }
}
