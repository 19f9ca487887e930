// Convolution throughput of the wasm kernels on LeNet-like layers (batch 64, 3x3, padding 1).
// Run: npm run build && node dist/src/backend/wasm/bench-conv.js

import { heap } from '../../core/heap.js';
import type { Conv2dGeom } from '../backend.js';
import { timeMs } from './bench-elementwise.js';
import { wasmConv2d, wasmConv2dBackwardInput, wasmConv2dBackwardWeight } from './conv.js';
import { loadKernels } from './loader.js';
import { getNumThreads, setNumThreads } from './pool.js';

/** A 3x3, stride 1, padding 1 convolution geometry. */
function same3x3(n: number, c: number, o: number, hw: number): Conv2dGeom {
  return { n, c, h: hw, w: hw, o, kh: 3, kw: 3, oh: hw, ow: hw, strideH: 1, strideW: 1, padH: 1, padW: 1, dilH: 1, dilW: 1, groups: 1 };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const kern = loadKernels();
  const all = getNumThreads();
  for (const g of [same3x3(64, 1, 32, 28), same3x3(64, 32, 64, 28), same3x3(64, 32, 64, 14)]) {
    const h = heap();
    const x = h.allocateScratch(4 * g.n * g.c * g.h * g.w);
    const w = h.allocateScratch(4 * g.o * g.c * 9);
    const y = h.allocateScratch(4 * g.n * g.o * g.oh * g.ow);
    const gx = h.allocateScratch(4 * g.n * g.c * g.h * g.w);
    const gw = h.allocateScratch(4 * g.o * g.c * 9);
    h.f32.fill(0.5, x >>> 2, (x >>> 2) + g.n * g.c * g.h * g.w);
    h.f32.fill(0.25, w >>> 2, (w >>> 2) + g.o * g.c * 9);
    const flop = 2 * g.n * g.o * g.oh * g.ow * g.c * 9;
    for (const t of [1, all]) {
      setNumThreads(t);
      const fwd = timeMs(() => wasmConv2d(kern, x, w, y, g), 3);
      const bi = timeMs(() => wasmConv2dBackwardInput(kern, y, w, gx, g), 3);
      const bw = timeMs(() => wasmConv2dBackwardWeight(kern, x, y, gw, g), 3);
      const gf = (ms: number): string => `${ms.toFixed(2)} ms (${(flop / ms / 1e6).toFixed(0)} GFLOP/s)`;
      console.log(
        `conv ${g.n}x${g.c}->${g.o} ${g.h}x${g.w}, ${t} thread(s): fwd ${gf(fwd)}, bwd input ${gf(bi)}, bwd weight ${gf(bw)}, fwd+bwd ${(fwd + bi + bw).toFixed(2)} ms`,
      );
    }
  }
}
