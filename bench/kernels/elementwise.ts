// Elementwise throughput of the wasm kernels on 1M float32 elements, 1 thread and all threads.
// Run: npm run build && node dist/bench/kernels/elementwise.js [relaxed|simd]

import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { wasmBinary, wasmUnary } from '../../src/backend/wasm/elementwise.js';
import { heap } from '../../src/backend/wasm/heap.js';
import { type KernelBuild, loadKernels } from '../../src/backend/wasm/loader.js';
import { poolThreads } from '../../src/backend/wasm/pool.js';
import { wasmReduce, wasmSoftmax } from '../../src/backend/wasm/reduce.js';

/** Median milliseconds of `run` over 15 timed batches. */
export function timeMs(run: () => void, reps = 20): number {
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[7];
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const kern = loadKernels(process.argv[2] as KernelBuild | undefined);
  const n = 1 << 20;
  const h = heap();
  const a = h.allocateScratch(4 * n);
  const b = h.allocateScratch(4 * n);
  const out = h.allocateScratch(4 * n);
  for (let i = 0; i < n; i++) {
    h.f32[(a >>> 2) + i] = Math.random() * 4 - 2;
    h.f32[(b >>> 2) + i] = Math.random() * 4 - 2;
  }
  const x = { ptr: a, dtype: 'float32' as const, shape: [n], strides: [1] };
  const y = { ptr: b, dtype: 'float32' as const, shape: [n], strides: [1] };
  const all = poolThreads();
  console.log(`build ${kern.build}, 1M float32 elements, ms (GB/s counting bytes read + written)`);
  const report = (name: string, bytes: number, run: (t: number) => void): void => {
    const one = timeMs(() => run(1));
    const many = timeMs(() => run(all));
    const gbs = (ms: number): string => (bytes / ms / 1e6).toFixed(1);
    console.log(
      `${name.padEnd(22)} 1 thread ${one.toFixed(3)} ms (${gbs(one)} GB/s)   ${all} threads ${many.toFixed(3)} ms (${gbs(many)} GB/s)`,
    );
  };
  for (const op of ['add', 'mul'] as BinaryOp[]) report(op, 12 * n, (t) => wasmBinary(kern, op, x, y, out, 'float32', t));
  const row = { ptr: b, dtype: 'float32' as const, shape: [1024, 1024], strides: [0, 1] };
  const mat = { ptr: a, dtype: 'float32' as const, shape: [1024, 1024], strides: [1024, 1] };
  report('add row-broadcast', 8 * n, (t) => wasmBinary(kern, 'add', mat, row, out, 'float32', t));
  for (const op of ['relu', 'exp', 'tanh', 'sigmoid', 'gelu', 'log'] as UnaryOp[]) {
    report(op, 8 * n, (t) => wasmUnary(kern, op, x, out, 'float32', 0, t));
  }
  report('sum (1024 rows)', 4 * n, (t) => wasmReduce(kern, 'sum', a, 'float32', 1024, 1024, 1, out, t));
  report('sum over rows', 4 * n, (t) => wasmReduce(kern, 'sum', a, 'float32', 1, 1024, 1024, out, t));
  report('softmax (1024 rows)', 8 * n, (t) => wasmSoftmax(kern, a, 1024, 1024, out, false, t));
}
