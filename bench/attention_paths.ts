// Run: npm run build && node dist/bench/attention_paths.js [--device=cpu] [--rounds=5] [--lengths=256,1024] [--batch=2] [--heads=4] [--dim=64]
//
// scaledDotProductAttention's two paths against each other, causal and not, forward + backward
// per call, q, k, v (B, H, L, D): the plain composition (the (L x L) scores, softmax and their
// gradients materialised) and the tiled op (attention_tiled.ts: 128 queries per block, own
// backward). Time: median of `rounds` rounds, the paths alternating. Peak memory: the most bytes
// the device held at once during one call beyond what it held before (its allocate/free counted
// here), the inputs and the gradients included.

import * as T from '../src/index.js';
import { scaledDotProductAttentionComposed } from '../src/nn/functional/attention.js';
import { scaledDotProductAttentionTiled } from '../src/nn/functional/attention_tiled.js';

const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const device = args.get('--device') ?? 'cpu';
const rounds = Number(args.get('--rounds') ?? 5);
const lengths = (args.get('--lengths') ?? '256,1024').split(',').map(Number);
const B = Number(args.get('--batch') ?? 2);
const H = Number(args.get('--heads') ?? 4);
const D = Number(args.get('--dim') ?? 64);

// count the device's bytes in use and their high-water mark
const dev = T.getDevice(device);
const sizes = new Map<unknown, number>();
let inUse = 0;
let peak = 0;
const allocate = dev.allocate.bind(dev);
const free = dev.free.bind(dev);
dev.allocate = (nbytes: number) => {
  const b = allocate(nbytes);
  sizes.set(b, nbytes);
  inUse += nbytes;
  peak = Math.max(peak, inUse);
  return b;
};
dev.free = (b) => {
  inUse -= sizes.get(b) ?? 0;
  sizes.delete(b);
  free(b);
};

type Path = (q: T.Tensor, k: T.Tensor, v: T.Tensor, o: { isCausal: boolean }) => T.Tensor;
const PATHS: [string, Path][] = [
  ['composed', (q, k, v, o) => scaledDotProductAttentionComposed(q, k, v, o)],
  ['tiled', (q, k, v, o) => scaledDotProductAttentionTiled(q, k, v, { ...o, blockSize: 128 })],
];

/** One forward + backward; returns [milliseconds, peak bytes beyond the start]. */
function step(path: Path, L: number, isCausal: boolean): [number, number] {
  const [q, k, v] = [0, 1, 2].map(() => T.randn([B, H, L, D], { device }).requiresGrad_());
  const g = T.randn([B, H, L, D], { device });
  const base = inUse;
  peak = inUse;
  const t0 = performance.now();
  const y = path(q, k, v, { isCausal });
  y.backward(g);
  (q.grad as T.Tensor).toTypedArray(); // the work is done
  const ms = performance.now() - t0;
  const bytes = peak - base;
  for (const t of [q, k, v, g, y]) t.dispose();
  return [ms, bytes];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b: number) => (b / 2 ** 20).toFixed(1);

console.log(`device ${device}, q, k, v (${B}, ${H}, L, ${D}), forward + backward, median of ${rounds} rounds`);
console.log('| L | causal | composed ms | tiled ms | composed peak MiB | tiled peak MiB |');
console.log('|---|---|---|---|---|---|');
for (const L of lengths) {
  for (const isCausal of [false, true]) {
    const ms = PATHS.map(() => [] as number[]);
    const bytes = PATHS.map(() => 0);
    for (const [, p] of PATHS) step(p, L, isCausal); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const [i, [, p]] of PATHS.entries()) {
        const [t, b] = step(p, L, isCausal);
        ms[i].push(t);
        bytes[i] = Math.max(bytes[i], b);
      }
    }
    console.log(`| ${L} | ${isCausal} | ${median(ms[0]).toFixed(1)} | ${median(ms[1]).toFixed(1)} | ${mib(bytes[0])} | ${mib(bytes[1])} |`);
  }
}
