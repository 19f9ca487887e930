// Property tests of the creation ops over random shapes: 0-size dims, negative, fractional, NaN
// and infinite dims, non-numbers, and sizes far past what the tensor heap can hold. Oracle: a
// shape is valid when every dim is a non-negative integer and the tensor's bytes fit the heap
// (4 GiB less the kernels' first MiB); a valid one gives a tensor of that shape with the op's
// values, an invalid one a clear error naming the op (and the shape or its bytes) that leaves the
// memory budget and resident bytes as they were (issue 9, findings 4 and 6).
//
// Run: npm run build && node --test dist/src/ops/creation.fuzz.test.js   (more: scripts/fuzz.sh)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { arange, eye, full, memoryStats, ones, rand, randint, randn, type Tensor, zeros } from '../index.js';

const LIMIT = 2 ** 32 - 2 ** 20;
/** Valid tensors above this many elements are not built (the property is about the checks). */
const BUILD_MAX = 1 << 21;

type Maker = { op: string; bytes: number; make: (shape: number[]) => Tensor; value?: (v: number, flat: number) => boolean };

const MAKERS: Maker[] = [
  { op: 'zeros', bytes: 4, make: (s) => zeros(s), value: (v) => v === 0 },
  { op: 'ones', bytes: 4, make: (s) => ones(s, { dtype: 'int32' }), value: (v) => v === 1 },
  { op: 'full', bytes: 1, make: (s) => full(s, true), value: (v) => v === 1 },
  { op: 'rand', bytes: 4, make: (s) => rand(s), value: (v) => v >= 0 && v < 1 },
  { op: 'randn', bytes: 4, make: (s) => randn(s), value: (v) => Number.isFinite(v) },
  { op: 'randint', bytes: 4, make: (s) => randint(-3, 3, s), value: (v) => Number.isInteger(v) && v >= -3 && v < 3 },
];

const dimArb = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 3, arbitrary: fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e6, 1e7, 2 ** 31, 1e12) },
  { weight: 1, arbitrary: fc.constantFrom('2' as unknown as number, null as unknown as number) },
);

function expected(shape: unknown[], itemBytes: number): 'ok' | 'shape' | 'bytes' {
  if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) return 'shape';
  const n = (shape as number[]).reduce((a, b) => a * b, 1);
  return n * itemBytes > LIMIT ? 'bytes' : 'ok';
}

test('creation ops build valid shapes and refuse the rest clearly, leaving the heap as it was (oracle: shape rule)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(dimArb, { minLength: 0, maxLength: 4 }), fc.constantFrom(...MAKERS), async (shape, m) => {
      const kind = expected(shape, m.bytes);
      const n = kind === 'ok' ? shape.reduce((a, b) => a * b, 1) : 0;
      if (kind === 'ok' && n > BUILD_MAX) return;
      const before = memoryStats();
      const got = await outcome(() => m.make(shape));
      const label = `${m.op}(${JSON.stringify(shape.map(String))})`;
      if (kind === 'ok') {
        if ('error' in got) assert.fail(`${label} refused a valid shape: ${(got.error as Error).message}`);
        assert.deepEqual([...got.ok.shape], shape, label);
        const values = got.ok.toTypedArray();
        assert.equal(values.length, n, label);
        for (const [i, v] of values.entries()) if (!m.value?.(v, i)) assert.fail(`${label}: value ${v} at flat ${i}`);
        return;
      }
      assert.ok('error' in got, `${label} accepted an invalid shape`);
      expectClearError(got.error, [`${m.op}: `, kind === 'shape' ? 'shape' : /bytes/]);
      assert.equal(memoryStats().budgetBytes, before.budgetBytes, `${label}: the budget changed`);
      assert.equal(memoryStats().residentBytes, before.residentBytes, `${label}: resident bytes changed`);
    }),
    fuzzParams(300),
  );
});

test('eye and arange refuse sizes the heap cannot hold, naming themselves (oracle: shape rule)', async () => {
  const count = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(-1, 2.5, 1e5, 1e6, 1e12, Number.NaN));
  await fc.assert(
    fc.asyncProperty(count, count, async (a, b) => {
      const kind = expected([a, b], 4);
      const got = await outcome(() => eye(a, b));
      if (kind === 'ok' && a * b <= BUILD_MAX) {
        assert.ok('ok' in got, `eye(${a}, ${b}) refused a valid size`);
        assert.deepEqual([...got.ok.shape], [a, b]);
        assert.equal(got.ok.sum().item(), Math.min(a, b));
      } else if (kind !== 'ok') {
        assert.ok('error' in got, `eye(${a}, ${b}) accepted an invalid size`);
        expectClearError(got.error, ['eye: ']);
      }
      const r = await outcome(() => arange(0, Number.isFinite(b) ? b * 1e6 : b));
      if ('error' in r) expectClearError(r.error, ['arange: ']);
      else assert.equal(r.ok.shape[0], Math.max(0, Math.ceil(b * 1e6)));
    }),
    fuzzParams(100),
  );
});

test('regressions: counterexamples the properties found before the fixes (issue 9)', () => {
  // zeros([1e12]) failed with "Invalid typed array length" naming no op, or set the budget to 4 TB
  const before = memoryStats().budgetBytes;
  assert.throws(() => zeros([1e12]), /^RangeError: zeros: a float32 tensor of shape \[1000000000000\] needs 4000000000000 bytes/);
  assert.equal(memoryStats().budgetBytes, before);
  // eye(0, 100000) is empty; arange(0, 1e11) failed with "Invalid typed array length"
  assert.deepEqual(eye(0, 100000).shape, [0, 100000]);
  assert.throws(() => arange(0, 1e11), /^RangeError: arange: a float32 tensor of shape \[100000000000\] needs/);
});
