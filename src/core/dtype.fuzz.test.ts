// Property tests of every conversion between dtypes over random values (NaN, infinities, values at
// and past the int32 limits, fractions, -0, subnormals) and random paths (tensor() with a dtype,
// casts, full, fill_, maskedFill). Oracle: the float64 rule of core/dtype.ts, written out here:
// float32 rounds (Math.fround); int32 truncates toward zero and refuses NaN, infinities and values
// outside [-2^31, 2^31 - 1] with a clear error naming the op; bool is "not zero" (NaN is true).
// A float32 tensor's values are float32 first, so a cast from it converts Math.fround(v). Every
// backend.
//
// Run: npm run build && node --test dist/src/core/dtype.fuzz.test.js   (more: scripts/fuzz.sh)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { onEveryDevice } from '../../test/helpers.js';
import { type DType, full, getDefaultDevice, getDevice, maskedFill, type Tensor, tensor, zeros } from '../index.js';
import { readsOnHost } from './exec.js';

type Want = { values: number[] } | { error: string };

/** One value converted to `dtype` by the documented rule, or the op's refusal. */
function convert(v: number, dtype: DType): number | null {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (!(v > -2147483649 && v < 2147483648)) return null;
  return Math.trunc(v) + 0; // +0: -0 truncates to 0
}

function want(op: string, values: number[], dtype: DType): Want {
  const out: number[] = [];
  for (const v of values) {
    const c = convert(v, dtype);
    if (c === null) return { error: op };
    out.push(c);
  }
  return { values: out };
}

async function check(label: string, w: Want, fn: () => Tensor, dtype: DType): Promise<void> {
  const got = await outcome(fn);
  if ('error' in w) {
    assert.ok(
      'error' in got,
      `${label}: accepted a value int32 cannot hold, got ${'ok' in got ? JSON.stringify(Array.from(await got.ok.data())) : ''}`,
    );
    expectClearError(got.error, [`${w.error}: `, 'int32']);
    return;
  }
  if ('error' in got) assert.fail(`${label}: refused a valid conversion: ${(got.error as Error).message}`);
  assert.equal(got.ok.dtype, dtype, label);
  const values = Array.from(await got.ok.data(), (v) => v + 0);
  assert.deepEqual(
    values,
    w.values.map((v) => v + 0),
    label,
  );
}

const special = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  3e9,
  -3e9,
  2147483647,
  2147483648,
  -2147483648,
  -2147483649,
  2147483647.5,
  -2147483648.5,
  0.5,
  -0.5,
  -0,
  1e-40,
  2.7,
  -2.7,
);
const valueArb = fc.oneof(
  { weight: 3, arbitrary: special },
  { weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 2, arbitrary: fc.double({ min: -1e10, max: 1e10, noNaN: true }) },
);
const dtypeArb = fc.constantFrom<DType>('float32', 'int32', 'bool');

test(
  'tensor(values, { dtype }) and casts from every dtype follow the conversion rule (oracle: float64 rule of core/dtype.ts)',
  onEveryDevice(async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(valueArb, { minLength: 0, maxLength: 6 }), dtypeArb, dtypeArb, async (values, from, to) => {
        // straight from numbers
        await check(
          `tensor(${JSON.stringify(values.map(String))}, ${to})`,
          want('tensor', values, to),
          () => tensor(values, { dtype: to }),
          to,
        );
        // from a tensor of `from` (its values converted first, as stored), cast to `to`
        const stored = want('tensor', values, from);
        if ('error' in stored) return;
        const src = from === 'bool' ? tensor(stored.values.map((v) => v !== 0)) : tensor(stored.values, { dtype: from });
        if (src.dtype !== from) return; // an empty array infers float32
        const expected = from === to ? { values: stored.values } : want('to', stored.values, to);
        // a device whose values the engine cannot read on the host (a GPU) cannot refuse a cast by
        // its values: there the cast saturates (core/exec.ts checkIntCast), unchecked here
        if ('error' in expected && !readsOnHost(getDevice(getDefaultDevice()))) return;
        await check(`${from} ${JSON.stringify(stored.values)} .to(${to})`, expected, () => src.to(to), to);
        // a strided view converts the same values
        if (values.length >= 2) {
          const m = src.reshape([1, -1]).transpose();
          await check(`${from} view .to(${to})`, expected, () => m.to(to).reshape([-1]), to);
        }
      }),
      fuzzParams(200),
    );
  }),
);

test(
  'full, fill_ and maskedFill convert a number into int32 by the same rule (oracle: float64 rule of core/dtype.ts)',
  onEveryDevice(async () => {
    await fc.assert(
      fc.asyncProperty(valueArb, fc.integer({ min: 0, max: 3 }), async (v, n) => {
        const w = (op: string) => {
          const c = convert(v, 'int32');
          return c === null ? { error: op } : { values: new Array<number>(n).fill(c) };
        };
        await check(`full(${v})`, w('full'), () => full([n], v, { dtype: 'int32' }), 'int32');
        await check(`fill_(${v})`, w('fill_'), () => zeros([n], { dtype: 'int32' }).fill_(v), 'int32');
        const mask = full([n], true);
        const mw = w('maskedFill');
        await check(`maskedFill(${v})`, mw, () => maskedFill(zeros([n], { dtype: 'int32' }), mask, v), 'int32');
      }),
      fuzzParams(200),
    );
  }),
);

test('regressions: counterexamples the properties found before the fixes (issue 9)', () => {
  // tensor([NaN], { dtype: 'int32' }) gave [0]
  assert.throws(() => tensor([Number.NaN], { dtype: 'int32' }), /^RangeError: tensor: value NaN at \[0\] cannot be converted to int32/);
  // full([0], NaN, { dtype: 'int32' }) was accepted: the value is checked even when nothing is filled, like PyTorch
  assert.throws(() => full([0], Number.NaN, { dtype: 'int32' }), /^RangeError: full: value NaN cannot be converted to int32/);
  // -0 stays a float32 -0 and becomes int32 0
  assert.ok(Object.is(tensor([-0]).item(), -0));
  assert.ok(Object.is(tensor([-0]).int().item(), 0));
});
