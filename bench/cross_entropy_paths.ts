// Run: npm run build && node dist/bench/cross_entropy_paths.js [--device=cpu] [--rounds=7] [--iters=300] [--shapes=128x10,64x100]
//
// crossEntropy's two paths timed against each other, forward + backward per call, on one device:
// the fused host path (log-softmax read back, loss and target distribution built in JS, gradient
// softmax * sum(q) - q) and the path composed from engine ops on the device (src/ops/nll.ts). Rounds
// alternate between the paths so that a machine shared with other work slows both alike; the
// median round is reported. crossEntropy takes the host path where the device reads
// synchronously and has fewer than 100 classes, the composed path from 100 on: these numbers are
// why (see COMPOSED_MIN_CLASSES in src/ops/nn.ts).

import * as T from '../src/index.js';
import { type CrossEntropyArgs, crossEntropyOnDevice, crossEntropyOnHost } from '../src/ops/nn.js';

const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const device = args.get('--device') ?? 'cpu';
const rounds = Number(args.get('--rounds') ?? 7);
const iters = Number(args.get('--iters') ?? 300);

interface Setting {
  label: string;
  shape: [number, number];
  weight: boolean;
  labelSmoothing: number;
}

const custom = args.get('--shapes'); // e.g. --shapes=128x10,64x100
const SETTINGS: Setting[] = custom
  ? custom.split(',').map((d) => {
      const [n, c] = d.split('x').map(Number);
      return { label: `(${n}, ${c})`, shape: [n, c] as [number, number], weight: false, labelSmoothing: 0 };
    })
  : [
      { label: '(128, 10)', shape: [128, 10], weight: false, labelSmoothing: 0 },
      { label: '(64, 1000)', shape: [64, 1000], weight: false, labelSmoothing: 0 },
      { label: '(128, 10) weight + smoothing', shape: [128, 10], weight: true, labelSmoothing: 0.1 },
      { label: '(64, 1000) weight + smoothing', shape: [64, 1000], weight: true, labelSmoothing: 0.1 },
    ];

function timePath(path: (a: CrossEntropyArgs) => T.Tensor, a: CrossEntropyArgs, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    a.logits.grad = null;
    path(a).backward();
  }
  return (performance.now() - t0) / n;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

T.setDefaultDevice(device);
T.manualSeed(0);
console.log(`crossEntropy forward + backward on '${device}', ms per call (median of ${rounds} alternating rounds of ${iters})`);
for (const s of SETTINGS) {
  const [n, c] = s.shape;
  const a: CrossEntropyArgs = {
    logits: T.randn(s.shape).requiresGrad_(true),
    target: T.randint(0, c, [n]),
    weight: s.weight ? T.rand([c]) : null,
    ignoreIndex: -100,
    labelSmoothing: s.labelSmoothing,
    reduction: 'mean',
  };
  timePath(crossEntropyOnHost, a, 30); // warm-up
  timePath(crossEntropyOnDevice, a, 30);
  const host: number[] = [];
  const composed: number[] = [];
  for (let r = 0; r < rounds; r++) {
    host.push(timePath(crossEntropyOnHost, a, iters));
    composed.push(timePath(crossEntropyOnDevice, a, iters));
  }
  const h = median(host);
  const d = median(composed);
  console.log(`${s.label.padEnd(32)} host ${h.toFixed(4)}  composed ${d.toFixed(4)}  composed/host ${(d / h).toFixed(2)}`);
}
