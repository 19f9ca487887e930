// A caught out-of-memory error leaves the heap as it was (issue 9, finding 4): the spill budget,
// the resident bytes and the tensors on it; and the error names the op, the shape and the bytes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heap } from '../backend/wasm/heap.js';
import { arange, eye, full, linspace, memoryStats, ones, rand, randint, randn, setMemoryBudget, tensor, zeros } from '../index.js';

const MiB = 2 ** 20;

test('a caught out-of-memory error leaves the budget as it was, and a loop after it stays flat', () => {
  const before = memoryStats();
  assert.throws(
    () => zeros([1e6, 1e6]),
    /^RangeError: zeros: a float32 tensor of shape \[1000000, 1000000\] needs 4000000000000 bytes \(3\.64 TiB\), more than the tensor heap's limit of 4 GiB$/,
  );
  // before the fix: budgetBytes was 4 TiB here, and the loop below grew the heap to 4.1 GiB
  assert.equal(memoryStats().budgetBytes, before.budgetBytes);
  assert.equal(memoryStats().residentBytes, before.residentBytes);
  const heapBefore = memoryStats().heapBytes;
  for (let i = 0; i < 24; i++) zeros([4 * MiB]); // 16 MiB each, 384 MiB in all: spilled, never all resident
  assert.ok(memoryStats().heapBytes - heapBefore <= 160 * MiB, `the heap grew by ${(memoryStats().heapBytes - heapBefore) / MiB} MiB`);
  assert.equal(memoryStats().budgetBytes, before.budgetBytes);
});

test('a heap that cannot grow fails the allocation before spilling anything or raising the budget, naming the op and shape', () => {
  const h = heap();
  const keep = randn([1000]);
  const values = keep.toTypedArray();
  setMemoryBudget(8 * MiB);
  const memory = h.memory as unknown as { grow: (pages: number) => number };
  memory.grow = () => {
    throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
  };
  try {
    const stats = memoryStats();
    const want = stats.heapBytes; // at least this much more is needed: growth is unavoidable
    const n = Math.ceil(want / 4) + 1024;
    assert.throws(
      () => ones([n]),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.startsWith(`ones: out of memory for a float32 tensor of shape [${n}] (${4 * n} bytes,`) &&
        e.message.includes('the tensor heap cannot grow'),
    );
    const after = memoryStats();
    assert.equal(after.budgetBytes, 8 * MiB, 'the budget is not raised to fit a request that failed');
    assert.equal(after.spills, stats.spills, 'nothing was spilled for a request that failed');
    assert.equal(after.residentBytes, stats.residentBytes);
  } finally {
    delete (memory as { grow?: unknown }).grow;
    setMemoryBudget(64 * MiB);
  }
  assert.deepEqual(keep.toTypedArray(), values, 'tensors on the heap (spilled or not) keep their values');
  assert.deepEqual(zeros([3]).add(1).toArray(), [1, 1, 1], 'the heap works on');
});

test('every creation op checks its size first, naming itself and the shape (not "Invalid typed array length")', () => {
  const huge = /needs 4000000000000 bytes \(3\.64 TiB\), more than the tensor heap's limit of 4 GiB$/;
  for (const [op, make] of [
    ['zeros', () => zeros([1e6, 1e6])],
    ['ones', () => ones([1e6, 1e6])],
    ['full', () => full([1e6, 1e6], 2)],
    ['rand', () => rand([1e6, 1e6])],
    ['randn', () => randn([1e6, 1e6])],
    ['randint', () => randint(0, 5, [1e6, 1e6])],
    ['eye', () => eye(1e6)],
  ] as const) {
    assert.throws(make, (e: Error) => e instanceof RangeError && e.message.startsWith(`${op}: `) && huge.test(e.message), op);
  }
  assert.throws(() => arange(1e12), /^RangeError: arange: a float32 tensor of shape \[1000000000000\] needs/);
  assert.throws(() => linspace(0, 1, 2e9), /^RangeError: linspace: a float32 tensor of shape \[2000000000\] needs 8000000000 bytes/);
  assert.throws(
    () => zeros([2 ** 31, 2 ** 31], { dtype: 'bool' }),
    /^RangeError: zeros: a bool tensor of shape \[2147483648, 2147483648\]/,
  );
  // a 0-size dim next to a huge one holds nothing
  assert.deepEqual(zeros([0, 1e12]).shape, [0, 1e12]);
  assert.deepEqual(tensor([]).shape, [0]);
});
