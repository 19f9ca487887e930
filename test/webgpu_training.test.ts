// A training step on 'webgpu' stays on the GPU: forward, loss, backward and an Adam step with
// every parameter on the device read nothing back (no device.read, no readSync) and call no
// kernel of the CPU or reference devices (their backends and the wasm dispatch are spied on).
// Also reports what a step costs: dispatches per step and ms per step (lavapipe runs on the CPU:
// the figures are for the dispatch path, not for the GPU).
//
//   npx tsc -p tsconfig.json && node --test dist/test/webgpu_training.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebGpuDevice } from '../src/index.js';
import * as T from '../src/index.js';
import { Adam, Linear, ReLU, Sequential } from '../src/index.js';
import { deviceReady } from './helpers.js';

/** Counts every call of every method of `obj` (own and inherited) by name; returns the counts and an undo. */
function spyAll(obj: object, label: string, calls: string[]): () => void {
  const names = new Set<string>();
  for (let p = obj; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const k of Object.getOwnPropertyNames(p))
      if (k !== 'constructor' && typeof (obj as Record<string, unknown>)[k] === 'function') names.add(k);
  const target = obj as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const k of names) {
    const own = Object.hasOwn(target, k);
    saved.set(k, own ? target[k] : undefined);
    const f = target[k] as (...a: unknown[]) => unknown;
    target[k] = function (this: unknown, ...a: unknown[]) {
      calls.push(`${label}.${k}`);
      return f.apply(this, a);
    };
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete target[k];
      else target[k] = v;
    }
  };
}

function model(): Sequential {
  T.manualSeed(3);
  return new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 10));
}

test('a webgpu training step (forward, crossEntropy, backward, Adam) reads nothing back and calls no CPU kernel', async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  const dev = T.getDevice('webgpu') as WebGpuDevice;
  const net = model().to('webgpu');
  const opt = new Adam(net.parameters(), { lr: 1e-2 });
  const x = T.randn([16, 20]).to('webgpu');
  const y = T.randint(0, 10, [16]).to('webgpu');
  for (const p of net.parameters()) assert.equal(p.device, 'webgpu');
  const step = () => {
    opt.zeroGrad();
    const loss = T.crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  const first = await step().data(); // state made, pipelines compiled
  const calls: string[] = [];
  const undo = [
    spyAll(T.getDevice('cpu').backend, 'cpu.backend', calls),
    spyAll(T.getDevice('cpu'), 'cpu', calls),
    spyAll(T.getDevice('reference').backend, 'reference.backend', calls),
    spyAll(T.getDevice('reference'), 'reference', calls),
    spyAll(dev, 'webgpu', calls),
  ];
  const dispatched = dev.dispatches;
  let loss: T.Tensor | null = null;
  try {
    for (let i = 0; i < 3; i++) loss = step();
  } finally {
    for (const u of undo) u();
  }
  assert.ok(calls.includes('webgpu.run'), 'the spies saw the GPU kernels run (they work)');
  const offDevice = calls.filter((c) => !c.startsWith('webgpu.'));
  assert.deepEqual(offDevice, [], 'the step called the CPU or reference device');
  const reads = calls.filter((c) => c === 'webgpu.read' || c === 'webgpu.readSync' || c === 'webgpu.sync');
  assert.deepEqual(reads, [], 'the step read from the GPU');
  assert.ok(dev.dispatches > dispatched, 'the step dispatched kernels on the GPU');
  const last = await (loss as T.Tensor | null)?.data();
  assert.ok(last !== undefined);
  assert.ok(last[0] < first[0], `the loss went down over the steps (${first[0]} -> ${last[0]})`);
});

test('webgpu step cost: dispatches and ms per step of a small MLP (lavapipe: the dispatch path, not the GPU)', async (t) => {
  if (!(await deviceReady('webgpu', t))) return;
  const dev = T.getDevice('webgpu') as WebGpuDevice;
  const net = model().to('webgpu');
  const opt = new Adam(net.parameters(), { lr: 1e-2 });
  const x = T.randn([16, 20]).to('webgpu');
  const y = T.randint(0, 10, [16]).to('webgpu');
  const step = () => {
    opt.zeroGrad();
    const loss = T.crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  await step().data();
  const steps = 50;
  const d0 = dev.dispatches;
  const t0 = performance.now();
  let loss = step();
  for (let i = 1; i < steps; i++) loss = step();
  await loss.data();
  const ms = (performance.now() - t0) / steps;
  const perStep = (dev.dispatches - d0) / steps;
  t.diagnostic(`MLP 20-32-10, batch 16, Adam: ${perStep} dispatches per step, ${ms.toFixed(2)} ms per step`);
  assert.ok(perStep > 0 && Number.isInteger(perStep), `dispatches per step ${perStep}`);
});
