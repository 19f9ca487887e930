// The engine around the webgpu device: its names ('webgpu', 'webgpu:N' per Dawn-listed adapter),
// the error before registration, moves between devices (synchronous onto the GPU, asynchronous
// off it: toAsync for tensors, modules and optimizers), and the allocator's figures.
//
//   npx tsc -p tsconfig.json && node --test dist/test/webgpu_engine.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDawnAdapters } from '../src/backend/webgpu/gpu.js';
import { defaultFirst } from '../src/backend/webgpu/register.js';
import type { WebGpuDevice } from '../src/index.js';
import * as T from '../src/index.js';
import { Linear, listWebGpuAdapters, registerWebGpu, SGD } from '../src/index.js';
import { deviceReady } from './helpers.js';

test('before registration, asking for webgpu names `await registerWebGpu()`', () => {
  // this file registers webgpu only in later tests
  assert.throws(() => T.getDevice('webgpu'), /device 'webgpu' is not registered yet: call `await registerWebGpu\(\)` first/);
  assert.throws(() => T.zeros([2], { device: 'webgpu:0' }), /call `await registerWebGpu\(\)` first/);
  assert.throws(() => T.tensor([1]).to('webgpu:2'), /call `await registerWebGpu\(\{ adapter: 2 \}\)` first/);
  assert.throws(() => T.getDevice('gpu'), /unknown device 'gpu'/);
});

test("Dawn's adapter list is parsed from its message", () => {
  const msg =
    "no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'\n * backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3'\n";
  assert.deepEqual(parseDawnAdapters(msg), [
    { backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
    { backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3' },
  ]);
  assert.deepEqual(parseDawnAdapters('no suitable backends found\nAvailable adapters:\n'), []);
});

test("'webgpu:0' is the default adapter, the others follow in Dawn's order", async () => {
  const info = (device: string) => ({ vendor: 'v', architecture: 'a', device, description: device });
  const [cpu, gpu, other] = [
    { backend: 'vulkan', name: 'llvmpipe' },
    { backend: 'vulkan', name: 'RTX' },
    { backend: 'vulkan', name: 'iGPU' },
  ];
  const infoOf = async (a: { name: string }) => info(a.name);
  assert.deepEqual(await defaultFirst([cpu, gpu, other], info('RTX'), infoOf), [gpu, cpu, other]);
  assert.deepEqual(await defaultFirst([cpu, gpu, other], info('llvmpipe'), infoOf), [cpu, gpu, other]);
  assert.deepEqual(await defaultFirst([cpu, gpu], info('nothing listed'), infoOf), [cpu, gpu]);
  assert.deepEqual(await defaultFirst([cpu, gpu], undefined, infoOf), [cpu, gpu]);
});

test("'webgpu' is 'webgpu:0'; an adapter past the list is refused naming the ones there are", async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  const adapters = await listWebGpuAdapters();
  t.diagnostic(`adapters: ${adapters.join('; ')}`);
  assert.ok(adapters.length >= 1);
  assert.equal(T.getDevice('webgpu:0'), T.getDevice('webgpu'));
  assert.equal(await registerWebGpu({ adapter: 0 }), T.getDevice('webgpu'));
  assert.equal(T.zeros([2], { device: 'webgpu:0' }).device, 'webgpu');
  const n = adapters.length;
  await assert.rejects(registerWebGpu({ adapter: n }), new RegExp(`no adapter 'webgpu:${n}': Dawn found ${n} \\('webgpu:0' = `));
  await assert.rejects(registerWebGpu({ adapter: -1 }), /adapter must be a non-negative integer, got -1/);
  if (n > 1) {
    const d1 = await registerWebGpu({ adapter: 1 });
    assert.equal(d1.name, 'webgpu:1');
    assert.deepEqual(Array.from(await T.tensor([1, 2]).to('webgpu:1').mul(2).data()), [2, 4]);
  }
});

test('moves: to() onto the GPU and within it; off it only with toAsync, which to() names', async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  const x = T.tensor([1, 2, 3], { requiresGrad: true });
  const g = x.to('webgpu');
  assert.equal(g.device, 'webgpu');
  assert.equal(g.to('webgpu'), g, 'a move to the same GPU is the tensor itself');
  assert.throws(() => g.to('cpu'), /to: tensors on 'webgpu' cannot be read synchronously.*use `await t\.toAsync\('cpu'\)`/);
  assert.throws(() => g.sum().item(), /cannot be read synchronously; use await t.data\(\)/);
  // in the graph: the gradient flows back from the CPU to a leaf on the GPU (a write)
  const leaf = T.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
  const back = await leaf.mul(2).toAsync('cpu');
  assert.equal(back.device, 'cpu');
  assert.deepEqual(back.toArray(), [2, 4, 6]);
  back.sum().backward();
  assert.deepEqual(Array.from(await (leaf.grad as T.Tensor).data()), [2, 2, 2]);
  // a CPU leaf used on the GPU would need its gradient read back inside backward: refused, named
  assert.throws(() => g.sum().backward(), /cannot be read synchronously.*`await t\.toAsync\('cpu'\)`/);
  assert.equal(await x.toAsync('cpu'), x, 'toAsync to its own device is the tensor itself');
  assert.deepEqual(Array.from(await (await g.toAsync('reference')).data()), [1, 2, 3]);
  await assert.rejects(g.toAsync('nowhere'), /toAsync: expected a device \(.*\), got 'nowhere'/);
});

test('Module.toAsync and Optimizer.toAsync move a model and its state off the GPU', async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  T.manualSeed(1);
  const m = new Linear(3, 2);
  const w0 = m.weight.toArray() as number[][];
  m.to('webgpu');
  assert.equal(m.weight.device, 'webgpu');
  const opt = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  for (const p of m.parameters()) p.grad = T.onesLike(p);
  opt.step();
  assert.throws(() => m.to('cpu'), /Module\.to: tensors on 'webgpu' cannot be read synchronously.*`await model\.toAsync\('cpu'\)`/);
  const same = m.weight;
  await m.toAsync('cpu');
  assert.equal(m.weight, same, 'the same parameter objects moved');
  assert.equal(m.weight.device, 'cpu');
  assert.equal((m.weight.grad as T.Tensor).device, 'cpu', 'gradients move with their parameters');
  const w1 = m.weight.toArray() as number[][];
  assert.ok(Math.abs(w1[0][0] - (w0[0][0] - 0.1)) < 1e-6, `one SGD step on the GPU: ${w0[0][0]} -> ${w1[0][0]}`);
  const state = opt.state.get(m.weight) as Record<string, unknown>;
  assert.equal((state.momentumBuffer as T.Tensor | undefined)?.device ?? 'webgpu', 'webgpu');
  await opt.toAsync();
  for (const v of Object.values(opt.state.get(m.weight) ?? {})) if (v instanceof T.Tensor) assert.equal(v.device, 'cpu');
  opt.step(); // on the CPU now, its state there
});

test('memoryStats counts resident and pooled bytes and the GPU buffers; freed buffers are reused', async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  const dev = T.getDevice('webgpu') as WebGpuDevice;
  const s0 = dev.memoryStats();
  const a = T.zeros([1000], { device: 'webgpu' }); // 4000 bytes: the 4096 class
  const s1 = dev.memoryStats();
  assert.equal(s1.residentBytes - s0.residentBytes, 4096);
  a.dispose();
  const s2 = dev.memoryStats();
  assert.equal(s2.residentBytes, s0.residentBytes);
  assert.ok(s2.pooledBytes >= 4096);
  const b = T.zeros([1000], { device: 'webgpu' });
  assert.equal(dev.memoryStats().buffers, s2.buffers, 'the pooled buffer was reused, none created');
  b.dispose();
});
