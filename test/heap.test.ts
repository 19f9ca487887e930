// The heap's lifetime machinery: spilled tensors come back intact, disposed ones fail clearly,
// finalizers free memory once the event loop turns.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Block, heap } from '../src/backend/wasm/heap.js';
import { memoryStats, randn, setMemoryBudget, type Tensor, tensor, zeros } from '../src/index.js';

test('tensors spilled under memory pressure come back with their values', () => {
  const before = memoryStats();
  setMemoryBudget(4 * 2 ** 20);
  try {
    const kept: { t: Tensor; values: Float32Array }[] = [];
    for (let i = 0; i < 400; i++) {
      const t = randn([64, 64]); // 16 KiB each: 400 of them are 6.4 MiB, over the budget
      if (i % 10 === 0) kept.push({ t, values: t.toTypedArray() as Float32Array });
    }
    const after = memoryStats();
    assert.ok(after.spills > before.spills, 'expected some blocks to be spilled');
    for (const { t, values } of kept) assert.deepEqual(t.toTypedArray(), values);
    // using them again uploaded at least the early ones back
    assert.ok(memoryStats().uploads > before.uploads, 'expected spilled tensors to be uploaded back');
    // ops on uploaded tensors work as before
    const s = kept[0].t.add(kept[1].t).sum().item();
    const expected = kept[0].values.reduce((a, v, i) => a + v + kept[1].values[i], 0);
    assert.ok(Math.abs(s - expected) < 1e-3 * Math.max(1, Math.abs(expected)));
  } finally {
    setMemoryBudget(64 * 2 ** 20);
  }
});

test('a disposed tensor refuses further use with a clear error', () => {
  const t = tensor([1, 2, 3]);
  t.dispose();
  assert.throws(() => t.toArray(), /used after dispose/);
});

test('views keep their storage alive: disposing is per storage', () => {
  const t = randn([8, 8]);
  const v = t.transpose(0, 1);
  const expected = t.toArray() as number[][];
  assert.deepEqual(
    v.toArray(),
    expected[0].map((_, j) => expected.map((row) => row[j])),
  );
});

test('large blocks are freed by finalizers when the event loop turns', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const start = memoryStats().residentBytes;
  for (let i = 0; i < 50; i++) randn([256, 256]);
  gc();
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(memoryStats().residentBytes <= start + 2 ** 20, 'finalizers did not free the dropped tensors');
});

test('setMemoryBudget rejects a non-positive budget', () => {
  assert.throws(() => setMemoryBudget(0), /setMemoryBudget: bytes must be positive, got 0/);
});

test('tensors at heap addresses above 2 GiB read, write and compute correctly', () => {
  setMemoryBudget(3 * 2 ** 30);
  try {
    const hold: Tensor[] = [];
    // fill the heap past 2^31 bytes with live 64 MiB tensors
    while (memoryStats().heapBytes < 2 ** 31 + 2 ** 27) hold.push(zeros([2 ** 24]));
    const data = Float32Array.from({ length: 1000 }, (_, i) => i - 500);
    const high = tensor(data);
    const at = heap().resolve(high.storage.buffer as Block);
    assert.ok(at >= 2 ** 31, `expected an address above 2 GiB, got ${at}`);
    assert.deepEqual(high.toTypedArray(), data);
    const y = high.mul(2).relu().sum().item();
    assert.equal(y, 2 * data.reduce((a, v) => a + Math.max(v, 0), 0));
    const m = high.reshape([10, 100]).matmul(high.reshape([100, 10]));
    assert.equal(m.shape.join(','), '10,10');
    // the reference compute functions, the CPU device's fallback, on the same high addresses
    const ints = high.int();
    assert.deepEqual(ints.argmax().item(), 999);
    assert.deepEqual(Array.from(ints.add(1).toTypedArray().slice(0, 3)), [-499, -498, -497]);
    hold.length = 0;
  } finally {
    setMemoryBudget(64 * 2 ** 20);
  }
});
