// The webgpu row kernels: softmax and log-softmax against the reference device (cols from 1 to
// 3000, large logits, -inf entries, a row of all -inf, NaN and +inf rows, inputs at an offset), the
// fused cross-entropy kernel against PyTorch's formula computed here in float64, and crossEntropy
// on 'webgpu' (the fused path) against the CPU device: every reduction, class weights, label
// smoothing, ignoreIndex, (N, C, d) logits, values and logits gradients; an out-of-range target
// gives NaN. Skipped without a WebGPU adapter (webgpu_kit.ts).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_softmax.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../src/index.js';
import { floats, gpu, outAt, outs, put, ref, rng, same } from './webgpu_kit.js';

const NEG = Number.NEGATIVE_INFINITY;

/** The tolerance rule for values from a sum over k terms. */
const near = (a: number, b: number, k: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-5 * Math.max(1, Math.sqrt(k / 256));

describe('webgpu softmax and log-softmax against the reference device', () => {
  for (const [rows, cols] of [
    [3, 1],
    [4, 7],
    [5, 100],
    [3, 3000],
  ] as const) {
    test(`(${rows}, ${cols}): random, large and -inf logits`, async (t) => {
      const dev = await gpu(t);
      if (dev === null) return;
      const v = floats(rows * cols, -5, 5);
      if (rows > 2) for (let j = 0; j < cols; j++) v[cols + j] *= 1e4; // row 1: large logits
      if (cols > 1) v[2 * cols] = NEG; // row 2: one -inf entry
      const x = put(dev, v, 'float32', [rows, cols], [cols, 1]);
      for (const log of [false, true]) {
        const o = outAt(dev, rows * cols, 'float32', 3);
        dev.backend.softmax(x.g, rows, cols, o.g, log);
        ref.backend.softmax(x.r, rows, cols, o.r, log);
        await same(dev, o.whole, 'float32', o.total, `${log ? 'logSoftmax' : 'softmax'} (${rows}, ${cols})`, 1e-4, 1e-5);
      }
    });
  }

  test('70000 rows: more workgroups than one grid dimension holds', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const [rows, cols] = [70000, 2];
    const x = put(dev, floats(rows * cols), 'float32', [rows, cols], [cols, 1]);
    const o = outs(dev, rows * cols, 'float32');
    dev.backend.softmax(x.g, rows, cols, o.g, true);
    ref.backend.softmax(x.r, rows, cols, o.r, true);
    await same(dev, o, 'float32', rows * cols, 'logSoftmax (70000, 2)');
  });

  test('rows of all -inf, with a NaN, with +inf give what the reference gives', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const cols = 5;
    const v = [
      ...[NEG, NEG, NEG, NEG, NEG],
      ...[1, Number.NaN, 2, 3, 4],
      ...[1, Number.POSITIVE_INFINITY, 2, NEG, 0],
      ...[NEG, 1, NEG, 2, 0],
    ];
    const rows = v.length / cols;
    const x = put(dev, v, 'float32', [rows, cols], [cols, 1]);
    for (const log of [false, true]) {
      const o = outs(dev, rows * cols, 'float32');
      dev.backend.softmax(x.g, rows, cols, o.g, log);
      ref.backend.softmax(x.r, rows, cols, o.r, log);
      await same(dev, o, 'float32', rows * cols, `special rows, log ${log}`);
    }
  });
});

/** PyTorch's cross-entropy of one row in float64: loss, target weight and gradient (crossEntropyOnHost's formula). */
function oracleRow(x: number[], t: number, w: number[] | null, s: number, ignore: number) {
  const c = x.length;
  if (t === ignore) return { loss: 0, rw: 0, grad: x.map(() => 0) };
  if (t < 0 || t >= c) return { loss: Number.NaN, rw: Number.NaN, grad: x.map(() => Number.NaN) };
  const mx = Math.max(...x);
  const ls = Math.log(x.reduce((a, v) => a + Math.exp(v - mx), 0));
  const wk = (k: number) => (w ? w[k] : 1);
  const q = x.map((_, k) => (s / c) * wk(k) + (k === t ? (1 - s) * wk(t) : 0));
  const qs = q.reduce((a, b) => a + b, 0);
  const loss = -q.reduce((a, qk, k) => a + (qk === 0 ? 0 : qk * (x[k] - mx - ls)), 0);
  return { loss, rw: wk(t), grad: x.map((v, k) => Math.exp(v - mx - ls) * qs - q[k]) };
}

describe('webgpu fused cross-entropy kernel (crossEntropyRows)', () => {
  for (const [rows, cols, weighted, s] of [
    [6, 1, false, 0],
    [9, 10, true, 0.1],
    [5, 300, false, 0.2],
    [4, 1000, true, 0],
  ] as const) {
    test(`(${rows}, ${cols}) weight ${weighted} smoothing ${s}: loss, rowWeight, grad; ignored and out-of-range rows`, async (t) => {
      const dev = await gpu(t);
      const be = dev?.backend;
      if (dev === null || be?.crossEntropyRows === undefined) return;
      const x = floats(rows * cols, -4, 4);
      x[1] = NEG; // a -inf logit (a non-target class unless cols is 1)
      const tg = Array.from({ length: rows }, () => rng.int(0, cols));
      tg[1] = -100; // ignored
      tg[2] = cols; // out of range: NaN
      tg[3] = -1; // out of range: NaN
      const w = weighted ? floats(cols, 0.2, 2) : null;
      const xl = put(dev, x, 'float32', [rows, cols], [cols, 1]);
      const tt = put(dev, tg, 'int32', [rows], [1]);
      const wt = w === null ? null : put(dev, w, 'float32', [cols], [1]);
      const loss = outs(dev, rows + 3, 'float32');
      const rw = outs(dev, rows + 1, 'float32');
      const grad = outs(dev, rows * cols + 2, 'float32');
      const at = (o: { g: { buffer: unknown } }, offset: number) => ({ buffer: o.g.buffer, offset }) as typeof xl.g;
      be.crossEntropyRows({
        logits: xl.g,
        target: tt.g,
        weight: wt?.g ?? null,
        rows,
        cols,
        ignoreIndex: -100,
        smoothing: s,
        loss: at(loss, 3),
        rowWeight: at(rw, 1),
        grad: at(grad, 2),
      });
      const gl = await dev.read(loss.g.buffer, 'float32', 3, rows);
      const gw = await dev.read(rw.g.buffer, 'float32', 1, rows);
      const gg = await dev.read(grad.g.buffer, 'float32', 2, rows * cols);
      for (let r = 0; r < rows; r++) {
        const want = oracleRow(x.slice(r * cols, (r + 1) * cols), tg[r], w, s, -100);
        assert.ok(near(gl[r], want.loss, cols), `loss[${r}]: webgpu ${gl[r]}, oracle ${want.loss}`);
        assert.ok(near(gw[r], want.rw, 1), `rowWeight[${r}]: webgpu ${gw[r]}, oracle ${want.rw}`);
        for (let k = 0; k < cols; k++)
          assert.ok(near(gg[r * cols + k], want.grad[k], cols), `grad[${r}, ${k}]: webgpu ${gg[r * cols + k]}, oracle ${want.grad[k]}`);
      }
    });
  }
});

describe("crossEntropy on 'webgpu' (the fused kernel) against the CPU device", () => {
  const cases: { name: string; shape: number[]; opts: T.CrossEntropyOptions; ignoreRow?: boolean }[] = [];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    cases.push({ name: `(8, 5) ${reduction}`, shape: [8, 5], opts: { reduction } });
    cases.push({
      name: `(6, 7) ${reduction}, weights, smoothing 0.1, an ignored row`,
      shape: [6, 7],
      opts: { reduction, labelSmoothing: 0.1 },
      ignoreRow: true,
    });
    cases.push({ name: `(3, 4, 5) ${reduction}, weights`, shape: [3, 4, 5], opts: { reduction }, ignoreRow: true });
  }
  cases.push({ name: '(4, 150) mean, smoothing 0.3 (the CPU composes it)', shape: [4, 150], opts: { labelSmoothing: 0.3 } });
  for (const c of cases) {
    test(c.name, async (t) => {
      const dev = await gpu(t);
      if (dev === null) return;
      const [n, classes, ...spatial] = c.shape;
      const x = floats(
        c.shape.reduce((a, b) => a * b, 1),
        -3,
        3,
      );
      const tgShape = [n, ...spatial];
      const tg = Array.from({ length: tgShape.reduce((a, b) => a * b, 1) }, () => rng.int(0, classes));
      if (c.ignoreRow) tg[1] = -100;
      const w = c.ignoreRow ? floats(classes, 0.3, 2) : null;
      const up = floats(tg.length); // the upstream gradient of a 'none' loss
      const run = async (device: string) => {
        const leaf = T.tensor(x, { device, requiresGrad: true });
        const xt = leaf.reshape(c.shape);
        const tt = T.tensor(tg, { device, dtype: 'int32' }).reshape(tgShape);
        const weight = w === null ? undefined : T.tensor(w, { device });
        const loss = T.crossEntropy(xt, tt, { ...c.opts, weight });
        const values = Array.from(await loss.data());
        (loss.ndim === 0 ? loss : loss.mul(T.tensor(up, { device }).reshape([...loss.shape])).sum()).backward();
        return { values, grad: Array.from(await (leaf.grad as T.Tensor).data()) };
      };
      const g = await run('webgpu');
      const cpu = await run('cpu');
      assert.equal(g.values.length, cpu.values.length);
      for (const [i, v] of cpu.values.entries()) assert.ok(near(g.values[i], v, x.length), `loss[${i}]: webgpu ${g.values[i]}, cpu ${v}`);
      for (const [i, v] of cpu.grad.entries()) assert.ok(near(g.grad[i], v, classes), `grad[${i}]: webgpu ${g.grad[i]}, cpu ${v}`);
    });
  }

  test('an out-of-range target gives a NaN loss (the CPU throws)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const x = T.tensor(floats(12), { device: 'webgpu' }).reshape([3, 4]);
    const tt = T.tensor([0, 4, 2], { device: 'webgpu', dtype: 'int32' });
    assert.ok(Number.isNaN((await T.crossEntropy(x, tt).data())[0]));
    const none = Array.from(await T.crossEntropy(x, tt, { reduction: 'none' }).data());
    assert.ok(Number.isNaN(none[1]) && !Number.isNaN(none[0]) && !Number.isNaN(none[2]), String(none));
    assert.throws(() => T.crossEntropy(T.tensor(floats(12)).reshape([3, 4]), T.tensor([0, 4, 2], { dtype: 'int32' })), /out of range/);
  });
});
