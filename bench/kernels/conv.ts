// Convolution throughput of the wasm kernels on the benchmark CNN's layers (batch 64, 3x3) and on
// LeNet-like padding-1 layers: im2col + GEMM against Winograd F(2x2, 3x3) for the forward pass and
// the gradients with respect to the input and the weight, and for few input channels (first layers:
// the benchmark CNN's conv1, RGB inputs) im2col against the direct kernels for the forward and the
// weight gradient. GFLOP/s count the direct convolution's multiply-adds, so Winograd's figures are
// "effective" rates.
// Run: npm run build && node dist/bench/kernels/conv.js [few]   (few: only the few-channel shapes)

import type { Conv2dGeom } from '../../src/backend/backend.js';
import {
  directApplies,
  directConv2d,
  directConv2dBackwardWeight,
  im2colConv2d,
  im2colConv2dBackwardInput,
  im2colConv2dBackwardWeight,
  winogradApplies,
  winogradConv2d,
  winogradConv2dBackwardInput,
  winogradConv2dBackwardWeight,
} from '../../src/backend/wasm/conv.js';
import { heap } from '../../src/backend/wasm/heap.js';
import { loadKernels } from '../../src/backend/wasm/loader.js';
import { getNumThreads, setNumThreads } from '../../src/backend/wasm/pool.js';
import { timeMs } from './elementwise.js';

/** A 3x3 convolution geometry with padding `pad` and stride `stride`. */
function conv3x3(n: number, c: number, o: number, hw: number, pad: number, stride = 1): Conv2dGeom {
  const out = Math.floor((hw + 2 * pad - 3) / stride) + 1;
  return {
    n,
    c,
    h: hw,
    w: hw,
    o,
    kh: 3,
    kw: 3,
    oh: out,
    ow: out,
    strideH: stride,
    strideW: stride,
    padH: pad,
    padW: pad,
    dilH: 1,
    dilW: 1,
    groups: 1,
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const kern = loadKernels();
  const all = getNumThreads();
  const few = [
    conv3x3(64, 1, 32, 28, 0), // the benchmark CNN's conv1
    conv3x3(32, 3, 32, 32, 1), // an RGB first layer
    conv3x3(32, 3, 32, 32, 1, 2), // the same with stride 2
    conv3x3(64, 2, 32, 28, 1),
    conv3x3(64, 4, 32, 28, 1),
    conv3x3(64, 8, 32, 28, 1),
  ];
  const shapes =
    process.argv[2] === 'few'
      ? few
      : [
          ...few.slice(0, 3),
          conv3x3(64, 32, 64, 13, 0), // the benchmark CNN's conv2: 13x13 -> 11x11
          conv3x3(64, 1, 32, 28, 1),
          conv3x3(64, 8, 16, 28, 1),
          conv3x3(64, 32, 64, 28, 1),
          conv3x3(64, 32, 64, 14, 1),
        ];
  for (const g of shapes) {
    const h = heap();
    const x = h.allocateScratch(4 * g.n * g.c * g.h * g.w);
    const w = h.allocateScratch(4 * g.o * g.c * 9);
    const y = h.allocateScratch(4 * g.n * g.o * g.oh * g.ow);
    const gx = h.allocateScratch(4 * g.n * g.c * g.h * g.w);
    const gw = h.allocateScratch(4 * g.o * g.c * 9);
    h.f32.fill(0.5, x >>> 2, (x >>> 2) + g.n * g.c * g.h * g.w);
    h.f32.fill(0.25, w >>> 2, (w >>> 2) + g.o * g.c * 9);
    h.f32.fill(0.5, y >>> 2, (y >>> 2) + g.n * g.o * g.oh * g.ow);
    const flop = 2 * g.n * g.o * g.oh * g.ow * g.c * 9;
    const gf = (ms: number): string => `${ms.toFixed(2)} ms (${(flop / ms / 1e6).toFixed(0)})`;
    for (const t of [1, all]) {
      setNumThreads(t);
      const fwd = timeMs(() => im2colConv2d(kern, x, w, 0, y, g), 3);
      const bi = timeMs(() => im2colConv2dBackwardInput(kern, y, w, gx, g), 3);
      const bw = timeMs(() => im2colConv2dBackwardWeight(kern, x, y, gw, g), 3);
      const vs = (a: number, b: number): string => `x${(a / b).toFixed(2)}`;
      let wino = '';
      if (winogradApplies(g, 'input')) {
        const wf = timeMs(() => winogradConv2d(kern, x, w, 0, y, g), 3);
        const wb = timeMs(() => winogradConv2dBackwardInput(kern, y, w, gx, g), 3);
        const ww = timeMs(() => winogradConv2dBackwardWeight(kern, x, y, gw, g), 3);
        wino = ` | winograd fwd ${gf(wf)} ${vs(fwd, wf)}, bwd input ${gf(wb)} ${vs(bi, wb)}, bwd weight ${gf(ww)} ${vs(bw, ww)}`;
      }
      let direct = '';
      if (directApplies(g)) {
        const df = timeMs(() => directConv2d(kern, x, w, 0, y, g), 3);
        const dw = timeMs(() => directConv2dBackwardWeight(kern, x, y, gw, g), 3);
        direct = ` | direct fwd ${gf(df)} ${vs(fwd, df)}, bwd weight ${gf(dw)} ${vs(bw, dw)}`;
      }
      console.log(
        `conv ${g.n}x${g.c}->${g.o} ${g.h}x${g.w} pad ${g.padH} stride ${g.strideH}, ${t} thr, ms (GFLOP/s): im2col fwd ${gf(fwd)}, bwd input ${gf(bi)}, bwd weight ${gf(bw)}${wino}${direct}`,
      );
    }
  }
}
