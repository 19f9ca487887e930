// The webgpu fused Adam step against the reference device (every flag combination, views at
// offsets, NaN in AMSGrad's max) and Adam/AdamW/AMSGrad steps on 'webgpu' against 'cpu'; then the
// Philox random kernel: a known-answer vector of Philox4x32-10, reproducibility from manualSeed,
// different seeds differ, fixed-bound statistics of uniforms, normals and ints, and dropout.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_optim_random.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdamStepArgs, View } from '../src/backend/backend.js';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import * as T from '../src/index.js';
import { floats, gpu, put, ref, same } from './webgpu_kit.js';

function args(over: Partial<AdamStepArgs>, t = 3): AdamStepArgs {
  const [lr, b1, b2, wd] = [0.01, 0.9, 0.999, 0.05];
  return {
    beta1: b1,
    c1: 1 - b1,
    beta2: b2,
    c2: 1 - b2,
    stepSize: lr / (1 - b1 ** t),
    bc2: Math.sqrt(1 - b2 ** t),
    eps: 1e-8,
    decay: 1 - lr * wd,
    wd,
    decoupled: false,
    l2: false,
    amsgrad: false,
    maximize: false,
    ...over,
  };
}

const at = (o: { g: View; r: View }, k: number) => ({
  g: { buffer: o.g.buffer, offset: o.g.offset + k },
  r: { buffer: o.r.buffer, offset: o.r.offset + k },
});

describe('webgpu adamStep against the reference device', () => {
  test('every combination of decoupled / l2 / amsgrad / maximize, views at offsets, NaN in vmax', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const n = 37;
    let maxUlp = 0;
    for (let flags = 0; flags < 16; flags++) {
      const a = args({ decoupled: (flags & 1) !== 0, l2: (flags & 2) !== 0, amsgrad: (flags & 4) !== 0, maximize: (flags & 8) !== 0 });
      const p = put(dev, floats(n + 1), 'float32', [n + 1], [1]);
      const g = put(dev, floats(n + 2), 'float32', [n + 2], [1]);
      const m = put(dev, floats(n), 'float32', [n], [1]);
      const v = put(dev, floats(n, 0, 2), 'float32', [n], [1]);
      const xv = floats(n + 3, 0, 2);
      xv[5] = Number.NaN;
      const x = put(dev, xv, 'float32', [n + 3], [1]);
      const views = [at(p, 1), at(g, 2), m, v, at(x, 3)];
      const vmax = a.amsgrad ? views[4] : null;
      dev.backend.adamStep?.(views[0].g, views[1].g, views[2].g, views[3].g, vmax?.g ?? null, n, a);
      ref.backend.adamStep?.(views[0].r, views[1].r, views[2].r, views[3].r, vmax?.r ?? null, n, a);
      const label = `adamStep ${JSON.stringify({ ...a, beta1: undefined })}`;
      for (const [k, name] of [
        [0, 'p'],
        [2, 'm'],
        [3, 'v'],
        [4, 'vmax'],
      ] as const) {
        await same(dev, views[k], 'float32', n, `${label} ${name}`);
        maxUlp = Math.max(maxUlp, await ulps(dev, views[k], n));
      }
    }
    t.diagnostic(`largest difference from the reference: ${maxUlp} ulp`);
  });
});

/** The largest difference in units in the last place between the two devices' values. */
async function ulps(dev: WebGpuDevice, o: { g: View; r: View }, n: number): Promise<number> {
  const a = new Int32Array((await dev.read(o.g.buffer, 'float32', o.g.offset, n)).buffer);
  const b = new Int32Array((await ref.read(o.r.buffer, 'float32', o.r.offset, n)).buffer);
  let m = 0;
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function values(t: T.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe("webgpu Adam, AdamW, AMSGrad on 'webgpu' against 'cpu'", () => {
  test('three steps of each, one fused dispatch per parameter and step', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const w0 = floats(5 * 4);
    const grads = [floats(20), floats(20), floats(20)];
    const makers: [string, (ps: T.Tensor[]) => { step(): void }][] = [
      ['Adam', (ps) => new T.Adam(ps, { lr: 0.01, weightDecay: 0.1 })],
      ['AdamW', (ps) => new T.AdamW(ps, { lr: 0.01 })],
      ['AMSGrad', (ps) => new T.Adam(ps, { lr: 0.01, amsgrad: true, maximize: true })],
    ];
    for (const [name, make] of makers) {
      const run = async (device: string) => {
        const w = T.tensor(w0, { device }).reshape([5, 4]).requiresGrad_(true);
        const opt = make([w]);
        for (const [i, g] of grads.entries()) {
          w.mul(T.tensor(g, { device }).reshape([5, 4]))
            .sum()
            .backward();
          const before: number = dev.dispatches;
          opt.step();
          // after the first step (which also makes the zero state): one fused dispatch
          if (device === 'webgpu' && i > 0) assert.equal(dev.dispatches - before, 1, `${name}: one fused dispatch per step`);
          w.grad = null;
        }
        return values(w);
      };
      const [a, b] = [await run('webgpu'), await run('cpu')];
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-4 * Math.abs(b[i]), `${name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
  });
});

// Philox4x32-10 known answer (Random123's kat_vectors): counter 0 and key 0 give these words
const KAT = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8];

describe('webgpu random: Philox4x32-10', () => {
  test('raw words match the known answer for counter 0 (an int draw spanning 2^32 exposes them)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const o = { buffer: dev.allocate(4 * 8), offset: 2 };
    // element e of an 'int' draw with span 2^32 is low + word 0 of block e/2 (e even) or word 2 (e odd)
    dev.backend.random?.(o, 2, 'int', [0, 0], -(2 ** 31), 2 ** 31);
    const got = Array.from(await dev.read(o.buffer, 'int32', 2, 2)).map((v) => (v + 2 ** 31) >>> 0);
    assert.deepEqual(got, [KAT[0], KAT[2]]);
  });

  test('manualSeed makes draws reproducible; different seeds and successive draws differ', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const draws = async (seed: number) => {
      T.manualSeed(seed);
      const a = await values(T.rand([1000], { device: 'webgpu' }));
      const b = await values(T.randn([999], { device: 'webgpu' }));
      const c = await values(T.randint(-5, 17, [1001], { device: 'webgpu' }));
      const d = await values(T.rand([1000], { device: 'webgpu' }));
      return { a, b, c, d };
    };
    const s1 = await draws(42);
    const s1again = await draws(42);
    const s2 = await draws(43);
    assert.deepEqual(s1, s1again);
    for (const k of ['a', 'b', 'c', 'd'] as const) {
      const same = s1[k].filter((v, i) => v === s2[k][i]).length;
      assert.ok(same < (k === 'c' ? 150 : 5), `${k}: ${same} equal values across seeds`);
    }
    assert.ok(s1.a.filter((v, i) => v === s1.d[i]).length < 5, 'two successive draws are equal');
    // an explicit generator, as on the host
    const g1 = new T.Generator(7);
    const g2 = new T.Generator(7);
    assert.deepEqual(
      await values(T.randn([10], { device: 'webgpu', generator: g1 })),
      await values(T.randn([10], { device: 'webgpu', generator: g2 })),
    );
    // a view's elements do not depend on the draw's length (a pure function of seed and index)
    T.manualSeed(5);
    const long = await values(T.rand([37], { device: 'webgpu' }));
    T.manualSeed(5);
    assert.deepEqual(await values(T.rand([11], { device: 'webgpu' })), long.slice(0, 11));
    // the cpu device keeps its host stream
    T.manualSeed(42);
    const host = await values(T.rand([1000]));
    assert.ok(host.filter((v, i) => v === s1.a[i]).length < 5);
  });

  test('statistics: 1e5 uniforms and normals (mean, variance within 5 sigma), randint chi-square on 10 bins, bounds', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    T.manualSeed(1234);
    const n = 100_000;
    const u = await values(T.rand([n], { device: 'webgpu' }));
    const z = await values(T.randn([n], { device: 'webgpu' }));
    const k = await values(T.randint(-3, 7, [n], { device: 'webgpu' }));
    const moments = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return [mean, xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length];
    };
    const [um, uv] = moments(u);
    assert.ok(
      u.every((v) => v >= 0 && v < 1 && Math.round(v * 2 ** 24) === v * 2 ** 24),
      'a uniform outside [0, 1) or not 24-bit',
    );
    // uniform: mean 1/2 (sd 1/sqrt(12 n)), variance 1/12 (sd sqrt(1/180 / n))
    assert.ok(Math.abs(um - 0.5) < 5 / Math.sqrt(12 * n), `uniform mean ${um}`);
    assert.ok(Math.abs(uv - 1 / 12) < 5 * Math.sqrt(1 / 180 / n), `uniform variance ${uv}`);
    const [zm, zv] = moments(z);
    assert.ok(z.every(Number.isFinite), 'a normal is not finite');
    // normal: mean 0 (sd 1/sqrt(n)), variance 1 (sd sqrt(2/n))
    assert.ok(Math.abs(zm) < 5 / Math.sqrt(n), `normal mean ${zm}`);
    assert.ok(Math.abs(zv - 1) < 5 * Math.sqrt(2 / n), `normal variance ${zv}`);
    const tail = z.filter((v) => Math.abs(v) > 3).length / n; // 0.0027
    assert.ok(Math.abs(tail - 0.0027) < 5 * Math.sqrt(0.0027 / n), `normal |z| > 3 fraction ${tail}`);
    const bins = new Array<number>(10).fill(0);
    for (const v of k) {
      assert.ok(Number.isInteger(v) && v >= -3 && v < 7, `randint value ${v} outside [-3, 7)`);
      bins[v + 3]++;
    }
    const chi2 = bins.reduce((a, c) => a + (c - n / 10) ** 2 / (n / 10), 0);
    assert.ok(chi2 < 33.7, `randint chi-square ${chi2} on 9 degrees of freedom (p < 1e-4 above 33.7)`);
    // a large span: values stay in range
    const big = await values(T.randint(-(2 ** 31), 2 ** 31 - 1, [1000], { device: 'webgpu' }));
    assert.ok(big.every((v) => v >= -(2 ** 31) && v < 2 ** 31 - 1));
    assert.ok(new Set(big).size > 990);
  });

  test('dropout on webgpu keeps about 1 - p and scales by 1 / (1 - p)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    T.manualSeed(3);
    const n = 20_000;
    const p = 0.3;
    const y = await values(T.dropout(T.ones([n], { device: 'webgpu' }), p));
    const kept = y.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / (1 - p)) < 1e-6));
    const frac = kept.length / n;
    assert.ok(Math.abs(frac - (1 - p)) < 5 * Math.sqrt((p * (1 - p)) / n), `kept ${frac}`);
  });
});
