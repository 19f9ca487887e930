// Every conversion to int32 follows one rule (core/dtype.ts; issue 9, finding 5): fractions are
// truncated toward zero like PyTorch; NaN, infinities and values outside int32 are an error naming
// the op, the value and its position, never a silent 0 or a wrapped number. On every backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, full, getDefaultDevice, linspace, listDevices, maskedFill, scalar, setDefaultDevice, tensor, zeros } from '../index.js';

const OVERFLOW =
  /cannot be converted to int32 without overflow \(int32 holds finite values in \[-2147483648, 2147483647\]; fractions are truncated toward zero\)$/;

/** Runs `fn` once per backend, restoring the active one. */
function eachBackend(fn: (backend: string) => void): void {
  const prev = getDefaultDevice();
  try {
    for (const b of listDevices()) {
      setDefaultDevice(b);
      fn(b);
    }
  } finally {
    setDefaultDevice(prev);
  }
}

const refuses = (fn: () => unknown, head: string) =>
  assert.throws(fn, (e: Error) => e instanceof RangeError && e.message.startsWith(head) && OVERFLOW.test(e.message), head);

test('tensor(..., { dtype: int32 }) refuses NaN, Infinity and 3e9 (was [0, 0, -1294967296])', () => {
  refuses(() => tensor([NaN, Infinity, 3e9], { dtype: 'int32' }), 'tensor: value NaN at [0] ');
  refuses(() => tensor([1, Infinity], { dtype: 'int32' }), 'tensor: value Infinity at [1] ');
  refuses(
    () =>
      tensor(
        [
          [1, 2],
          [3, 3e9],
        ],
        { dtype: 'int32' },
      ),
    'tensor: value 3000000000 at [1, 1] ',
  );
  refuses(() => tensor(new Float32Array([-Infinity]), { dtype: 'int32' }), 'tensor: value -Infinity at [0] ');
  refuses(() => scalar(-2147483649, { dtype: 'int32' }), 'scalar: value -2147483649 ');
  assert.deepEqual(tensor([2.7, -2.7, 2147483647, -2147483648], { dtype: 'int32' }).toArray(), [2, -2, 2147483647, -2147483648]);
});

test('casts of float32 tensors to int32 refuse what does not fit, on every backend', () => {
  eachBackend((b) => {
    refuses(() => tensor([1, NaN]).to('int32'), 'to: value NaN at [1] ');
    refuses(
      () =>
        tensor([
          [0, 0],
          [3e9, 0],
        ]).int(),
      'to: value 3000000000 at [1, 0] ',
    );
    refuses(
      () =>
        tensor([[0, Infinity]])
          .transpose()
          .int(),
      'to: value Infinity at [1, 0] ',
    ); // a strided view
    assert.deepEqual(tensor([1.7, -1.7, 0.2, -2147483648]).int().toArray(), [1, -1, 0, -2147483648], b);
    assert.deepEqual(tensor([NaN, Infinity, 0]).bool().toArray(), [true, true, false], `${b}: bool casts take any value`);
  });
});

test('full, fill_, copy_, maskedFill, arange and linspace into int32 follow the same rule', () => {
  eachBackend(() => {
    refuses(() => full([2], 3e9, { dtype: 'int32' }), 'full: value 3000000000 ');
    refuses(() => full([2], NaN, { dtype: 'int32' }), 'full: value NaN ');
    assert.deepEqual(full([2], 2.5, { dtype: 'int32' }).toArray(), [2, 2]);
    refuses(() => zeros([2], { dtype: 'int32' }).fill_(3e9), 'fill_: value 3000000000 ');
    refuses(() => zeros([2], { dtype: 'int32' }).fill_(NaN), 'fill_: value NaN ');
    assert.deepEqual(zeros([2], { dtype: 'int32' }).fill_(-2.5).toArray(), [-2, -2]);
    refuses(() => zeros([2], { dtype: 'int32' }).copy_(tensor([1, NaN])), 'copy_: value NaN at [1] ');
    const mask = tensor([true, false]);
    refuses(() => maskedFill(zeros([2], { dtype: 'int32' }), mask, 3e9), 'maskedFill: value 3000000000 ');
    assert.deepEqual(maskedFill(zeros([2], { dtype: 'int32' }), mask, 2.5).toArray(), [2, 0]);
    refuses(() => arange(0, 4e9, 1e9, { dtype: 'int32' }), 'arange: value 3000000000 at [3] ');
  });
});

test('arange with dtype int32 needs integral start and step; int32 ranges near the limit are exact', () => {
  assert.throws(
    () => arange(0, 2.5, 0.5, { dtype: 'int32' }),
    /^RangeError: arange: start and step must be integers for dtype int32, got start 0, step 0\.5$/,
  );
  assert.deepEqual(arange(0, 2.5, 1, { dtype: 'int32' }).toArray(), [0, 1, 2]);
  assert.deepEqual(arange(2147483645, 2147483648, 1, { dtype: 'int32' }).toArray(), [2147483645, 2147483646, 2147483647]);
  assert.deepEqual(linspace(0, 1, 5, { dtype: 'int32' }).toArray(), [0, 0, 0, 0, 1]);
});

test('a number out of int32 range next to an int32 tensor is a float, not a wrapped integer', () => {
  const i = tensor([1, 2], { dtype: 'int32' });
  const y = i.add(3e9);
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(y.toArray(), [3000000000, 3000000000]);
  assert.equal(i.add(2).dtype, 'int32');
});
