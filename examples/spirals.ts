// Run: npm run build && node dist/examples/spirals.js
//
// tessera's quick start: a two-layer network learns to separate two interleaved spirals, written
// as a plain PyTorch-style loop (forward, loss, backward, update) on the engine alone. No data to
// download, no dispose() calls: memory is managed for you.

import { crossEntropy, getDefaultDevice, manualSeed, noGrad, randn, type Tensor, tensor } from '../src/index.js';

/** Two spirals of `n` points each, with labels 0 and 1 (seeded, so every run is the same). */
function spirals(n: number): { x: Tensor; y: Tensor } {
  const points: number[][] = [];
  const labels: number[] = [];
  const noise = randn([2 * n, 2])
    .mul(0.08)
    .toArray() as number[][];
  for (let i = 0; i < 2 * n; i++) {
    const cls = i % 2;
    const t = (Math.floor(i / 2) / n) * 3 * Math.PI + 0.5;
    const sign = cls === 0 ? 1 : -1;
    points.push([sign * t * Math.cos(t) * 0.1 + noise[i][0], sign * t * Math.sin(t) * 0.1 + noise[i][1]]);
    labels.push(cls);
  }
  return { x: tensor(points), y: tensor(labels, { dtype: 'int32' }) };
}

manualSeed(0);
const { x, y } = spirals(200); // x (400, 2), y (400)
const hidden = 64;
const w1 = randn([2, hidden])
  .mul(Math.sqrt(2 / 2))
  .requiresGrad_();
const b1 = randn([hidden]).mul(0).requiresGrad_();
const w2 = randn([hidden, hidden])
  .mul(Math.sqrt(2 / hidden))
  .requiresGrad_();
const b2 = randn([hidden]).mul(0).requiresGrad_();
const w3 = randn([hidden, 2])
  .mul(Math.sqrt(1 / hidden))
  .requiresGrad_();
const b3 = randn([2]).mul(0).requiresGrad_();
const params = [w1, b1, w2, b2, w3, b3];

const forward = (input: Tensor): Tensor => input.matmul(w1).add(b1).tanh().matmul(w2).add(b2).tanh().matmul(w3).add(b3);

const start = performance.now();
const steps = 1500;
for (let step = 1; step <= steps; step++) {
  const loss = crossEntropy(forward(x), y); // mean over the batch
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      p.sub_((p.grad as Tensor).mul(0.3));
      p.grad = null;
    }
  });
  if (step % 300 === 0) console.log(`step ${step}  loss ${loss.item().toFixed(4)}`);
}
const accuracy = noGrad(() => forward(x).argmax(1).eq(y).float().mean().item());
const seconds = (performance.now() - start) / 1000;
console.log(
  `accuracy ${(accuracy * 100).toFixed(1)}% on ${y.size} points  (${steps} steps in ${seconds.toFixed(2)} s, device ${getDefaultDevice()})`,
);
