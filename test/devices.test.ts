// Devices: the default device, creation on a device, t.to(device) with gradients flowing back,
// module.to(device) with the optimizer's state following, the cross-device error, read-back on a
// device that refuses synchronous reads, memory lifetimes on every device, and the composed
// fallbacks of the optional fused kernels. Values are read through the devices (data()).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Backend } from '../src/backend/backend.js';
import { ReferenceBackend } from '../src/backend/reference/index.js';
import * as T from '../src/index.js';
import { Adam, crossEntropy, Linear, manualSeed, ReferenceDevice, ReLU, Sequential, type Tensor, tensor, zeros } from '../src/index.js';
import { asyncOnly, asyncRefDevice, DEVICES, deviceReady, withDevice } from './helpers.js';

const values = async (t: Tensor) => Array.from(await t.data());

/** Values equal within float32 rounding of the same computation on two devices. */
function near(got: number[], want: number[], label: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, label);
  got.forEach((v, i) => {
    assert.ok(Math.abs(v - want[i]) <= tol * (1 + Math.abs(want[i])), `${label}[${i}]: ${v} vs ${want[i]}`);
  });
}

// A device like a GPU for read-back: only await t.data() reads it (the engine cannot read it either).
asyncRefDevice();
// The reference device with neither optional fused kernel: ops take the composed paths.
const lacking = new Proxy(new ReferenceBackend(), {
  get: (target, key) => (key === 'adamStep' || key === 'maxPool2dBackward' ? undefined : Reflect.get(target, key)),
}) as Backend;
T.registerDevice('ref-unfused', () => new ReferenceDevice({ name: 'ref-unfused', backend: lacking }));

describe('default device and creation', () => {
  test('cpu is the default; creation ops take a device option; setDefaultDevice moves new tensors', async () => {
    assert.equal(T.getDefaultDevice(), 'cpu');
    for (const d of ['cpu', 'reference', 'async-ref', 'ref-unfused']) assert.ok(T.listDevices().includes(d), d);
    assert.equal(zeros([2]).device, 'cpu');
    const r = zeros([2], { device: 'reference' });
    assert.equal(r.device, 'reference');
    assert.equal(T.ones([2], { device: 'reference' }).device, 'reference');
    assert.equal(T.randn([2], { device: 'reference' }).device, 'reference');
    assert.equal(T.arange(0, 3, 1, { device: 'reference' }).device, 'reference');
    assert.equal(T.zerosLike(r).device, 'reference', 'like-ops keep the device');
    await withDevice('reference', async () => {
      assert.equal(T.getDefaultDevice(), 'reference');
      const t = tensor([1, 2, 3]);
      assert.equal(t.device, 'reference');
      assert.deepEqual(await values(t.mul(2)), [2, 4, 6]);
    });
    assert.equal(T.getDefaultDevice(), 'cpu');
    assert.throws(
      () => zeros([2], { device: 'tpu' }),
      /^Error: zeros: unknown device 'tpu' \(available: cpu, reference, async-ref, ref-unfused\)$/,
    );
  });

  test('scalars mixed into ops go on the tensor operand’s device', async () => {
    const x = tensor([-1, 2], { device: 'reference', requiresGrad: true });
    const ys = [
      x.add(1),
      T.sub(1, x),
      x.mul(2),
      T.maximum(x, 0),
      x.clamp(0, 1),
      x.leakyRelu(0.1),
      T.where(x.gt(0), x, 0),
      x.maskedFill(x.lt(0), 5),
    ];
    for (const y of ys) assert.equal(y.device, 'reference');
    const loss = ys.reduce((a, b) => a.add(b)).sum();
    loss.backward();
    assert.equal(x.grad?.device, 'reference');
  });
});

describe('t.to(device)', () => {
  test('copies values both ways; a tensor already there is returned itself; to(dtype) still converts', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const r = x.to('reference');
    assert.equal(r.device, 'reference');
    assert.deepEqual(await r.array(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(r.to('reference'), r);
    const back = r.T.to('cpu'); // a strided view moves as its values
    assert.deepEqual(await back.array(), [
      [1, 3],
      [2, 4],
    ]);
    assert.equal(x.to('int32').dtype, 'int32');
    assert.equal(r.to('bool').device, 'reference');
    assert.throws(() => x.to('float64' as T.DType), /^TypeError: to: expected a dtype \(float32, int32, bool\) or a device/);
  });

  test('gradients flow back across a move, equal to the same graph on one device', async () => {
    manualSeed(3);
    const w = T.randn([3, 4]);
    const a = w.clone().requiresGrad_();
    const b = w.clone().requiresGrad_();
    // a: on the CPU, moved to the reference device for the middle of the graph, and back
    const ya = a.to('reference').tanh().mul(3).to('cpu').square().sum();
    const yb = b.tanh().mul(3).square().sum();
    ya.backward();
    yb.backward();
    assert.equal(a.grad?.device, 'cpu');
    near(await values(a.grad as Tensor), await values(b.grad as Tensor), 'grad');
    near([ya.item()], [yb.item()], 'loss');
  });
});

describe('cross-device ops', () => {
  test('an op on tensors of two devices names the op, both devices and how to move one', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4], { device: 'reference' });
    assert.throws(
      () => T.add(a, b),
      (e: Error) => e.message === "add: expected all tensors on one device, got 'cpu' (a) and 'reference' (b); move one with b.to('cpu')",
    );
    assert.throws(
      () => a.mul(b),
      /^Error: mul: expected all tensors on one device, got 'cpu' \(a\) and 'reference' \(b\); move one with b\.to\('cpu'\)$/,
    );
    assert.throws(
      () => b.matmul(tensor([[1], [2]])),
      /^Error: matmul: .* got 'reference' \(a\) and 'cpu' \(b\); move one with b\.to\('reference'\)$/,
    );
    assert.throws(() => T.where(a.gt(0), a, b), /^Error: where: .* got 'cpu' \(condition\) and 'reference' \(other\)/);
    assert.throws(() => a.copy_(b), /^Error: copy_: .* got 'cpu' \(self\) and 'reference' \(src\); move one with src\.to\('cpu'\)$/);
    assert.throws(() => T.concat([a, b]), /^Error: concat: .* got 'cpu' \(tensors\[0\]\) and 'reference' \(tensors\[1\]\)/);
    assert.throws(
      () => crossEntropy(tensor([[1, 2]]), tensor([0], { dtype: 'int32', device: 'reference' })),
      /crossEntropy: .*'cpu' \(input\) and 'reference' \(target\)/,
    );
  });
});

describe('read-back', () => {
  test('a device without synchronous reads refuses item/toArray/toTypedArray, naming the async method', async () => {
    const x = tensor([1.5, 2.5], { device: 'async-ref' });
    assert.throws(
      () => x.toTypedArray(),
      /^Error: toTypedArray: tensors on 'async-ref' cannot be read synchronously; use await t\.data\(\)$/,
    );
    assert.throws(
      () => x.toArray(),
      /^Error: toArray: tensors on 'async-ref' cannot be read synchronously; use await t\.data\(\) or await t\.array\(\)$/,
    );
    assert.throws(() => x.sum().item(), /^Error: item: tensors on 'async-ref' cannot be read synchronously; use await t\.data\(\)$/);
    assert.deepEqual(await values(x), [1.5, 2.5]);
    assert.deepEqual(await x.array(), [1.5, 2.5]);
    assert.equal(await x.sum().array(), 4);
    assert.match(String(x), /<2 values>.*device=async-ref/);
  });

  test('a model trains on a device read only asynchronously, the loss read with data()', async () => {
    manualSeed(0);
    const model = new Sequential(new Linear(4, 8), new T.BatchNorm1d(8), new ReLU(), new T.Dropout(0.1), new Linear(8, 3)).to('async-ref');
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const x = T.randn([16, 4], { device: 'async-ref' });
    const y = T.randint(0, 3, [16], { device: 'async-ref' });
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      T.clipGradNorm(model.parameters(), 5);
      opt.step();
      losses.push((await loss.data())[0]);
    }
    assert.ok(losses[29] < losses[0] * 0.7, `loss ${losses[0]} -> ${losses[29]}`);
  });
});

describe('module.to(device) and the optimizer', () => {
  test('parameters move in place (same objects); Adam state follows; training matches the CPU run', async () => {
    manualSeed(1);
    const make = () => new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 2));
    const a = make();
    const b = make();
    b.loadStateDict(a.stateDict());
    const optA = new Adam(a.parameters(), { lr: 0.01 });
    const optB = new Adam(b.parameters(), { lr: 0.01 });
    const x = T.randn([8, 5]);
    const t = T.randint(0, 2, [8]);
    const stepOn = (m: Sequential, opt: Adam, xs: Tensor, ts: Tensor) => {
      opt.zeroGrad();
      crossEntropy(m.forward(xs), ts).backward();
      opt.step();
    };
    for (let i = 0; i < 3; i++) {
      stepOn(a, optA, x, t);
      stepOn(b, optB, x, t);
    }
    const before = b.parameters();
    assert.equal(b.to('reference'), b);
    const after = b.parameters();
    after.forEach((p, i) => {
      assert.equal(p, before[i], 'the same Parameter objects');
      assert.equal(p.device, 'reference');
    });
    assert.equal(optB.paramGroups[0].params[0], after[0]);
    const xr = x.to('reference');
    const tr = t.to('reference');
    for (let i = 0; i < 3; i++) {
      stepOn(a, optA, x, t);
      stepOn(b, optB, xr, tr);
    }
    for (const p of after) {
      const s = optB.state.get(p) as { expAvg: Tensor; expAvgSq: Tensor };
      assert.equal(s.expAvg.device, 'reference', 'Adam state followed its parameter');
      assert.equal(s.expAvgSq.device, 'reference');
    }
    const pa = a.parameters();
    for (let i = 0; i < pa.length; i++) near(await values(after[i]), await values(pa[i]), `param ${i}`, 1e-4);
    // and back: a checkpoint taken on one device loads into a module on another
    const c = make().to('reference');
    c.loadStateDict(a.stateDict());
    near(await values(c.parameters()[0]), await values(pa[0]), 'loaded across devices', 0);
  });

  test('buffers move with the module', () => {
    const bn = new T.BatchNorm1d(3).to('reference');
    for (const buf of bn.buffers()) assert.equal(buf.device, 'reference');
    bn.forward(T.randn([4, 3], { device: 'reference' }));
  });
});

describe('memory lifetimes on every device', () => {
  for (const device of DEVICES) {
    const resident = () => T.memoryStats(device).residentBytes;

    test(`backward leaves behind only the gradients (${device})`, async (t) => {
      if (!(await deviceReady(device, t))) return;
      withDevice(device, () => {
        const a = tensor(
          Array.from({ length: 1000 }, (_, i) => i + 1),
          { requiresGrad: true },
        );
        const b = tensor(
          Array.from({ length: 1000 }, (_, i) => 2 * i + 1),
          { requiresGrad: true },
        );
        const loss = T.sum(T.div(a, b));
        const start = resident();
        loss.backward();
        const grown = resident() - start;
        // 1000 floats each: 4000 bytes on the reference device, a 4096-byte block on the CPU heap
        assert.ok(grown >= 2 * 4000 && grown <= 2 * 4096, `grew by ${grown} bytes`);
      });
    });

    test(`graph-owned memory is released by backward, zeroGrad releases unseen gradients (${device})`, async (t) => {
      if (!(await deviceReady(device, t))) return;
      withDevice(device, () => {
        const model = new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 64));
        const opt = new Adam(model.parameters());
        const x = T.randn([32, 64]);
        const step = () => {
          opt.zeroGrad();
          model.forward(x).square().mean().backward();
          opt.step();
        };
        step();
        step();
        const start = resident();
        for (let i = 0; i < 20; i++) step();
        opt.zeroGrad();
        // without a garbage collection, all that is left of each step is what the caller's own
        // code made outside the model: the output and its square (32 x 64 floats, 8 KiB each);
        // the layers' activations, the gradients and the update's temporaries were released
        const perStep = (resident() - start) / 20;
        assert.ok(perStep <= 2 * 8192, `resident grew by ${perStep} bytes per step`);
      });
    });

    test(`a disposed tensor refuses further use with a clear error (${device})`, async (ctx) => {
      if (!(await deviceReady(device, ctx))) return;
      await withDevice(device, async () => {
        const t = tensor([1, 2, 3]);
        const v = t.reshape([3, 1]);
        t.dispose();
        t.dispose(); // a second release does nothing
        assert.throws(() => v.add(1), /used after dispose/);
        if (asyncOnly(device)) await assert.rejects(t.data(), /used after dispose/);
        else assert.throws(() => t.toArray(), /used after dispose/);
      });
    });

    test(`finalizers free dropped tensors when the event loop turns (${device})`, async (t) => {
      if (!(await deviceReady(device, t))) return;
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const start = resident();
      withDevice(device, () => {
        for (let i = 0; i < 50; i++) T.randn([256, 256]);
      });
      assert.ok(resident() >= start + 50 * 256 * 256 * 4 || device === 'cpu', 'the tensors were counted');
      for (let i = 0; i < 3 && resident() > start + 2 ** 20; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(
        resident() <= start + 2 ** 20,
        `finalizers did not free the dropped tensors on ${device}: ${resident() - start} bytes left`,
      );
    });
  }
});

describe('optional fused kernels', () => {
  test('Adam without a fused adamStep composes the same update (bit for bit)', async () => {
    manualSeed(2);
    const w0 = T.randn([33, 17]);
    const results: number[][] = [];
    for (const device of ['reference', 'ref-unfused']) {
      const p = w0.to(device).requiresGrad_();
      const opt = new Adam([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true });
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        p.sin().mul(p).sum().backward();
        opt.step();
      }
      results.push(await values(p));
    }
    assert.deepEqual(results[1], results[0]);
    assert.notDeepEqual(results[0], await values(w0), 'the steps changed the parameter');
  });

  test('maxPool2d backward without the fused kernel scatters the same gradient', async () => {
    manualSeed(4);
    const x0 = T.randn([2, 3, 7, 6]);
    const up = T.randn([2, 3, 3, 3]);
    const grads: number[][] = [];
    for (const device of ['reference', 'ref-unfused', 'cpu']) {
      const x = x0.to(device).requiresGrad_();
      T.maxPool2d(x, 2, { stride: 2 }).mul(up.to(device)).sum().backward();
      grads.push(await values(x.grad as Tensor));
    }
    assert.deepEqual(grads[1], grads[0]);
    assert.deepEqual(grads[2], grads[0]);
  });
});
