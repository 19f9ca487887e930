// Comparisons into bool and `where` against the reference: NaN, ties, broadcast and strided
// layouts, odd lengths, 1 vs N threads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinaryOp } from '../backend.js';
import type { AddrStrided as Strided } from './args.js';
import { heap } from './heap.js';
import { loadKernels } from './loader.js';
import { wasmCompare, wasmWhere } from './select.js';
import { allocF32, assertIdentical, randoms, readF32, refOnHeap } from './testkit.test.js';

const ref = refOnHeap;

const LAYOUTS: [string, number[], number[], number[]][] = [
  ['contiguous', [7, 33, 5], [165, 5, 1], [165, 5, 1]],
  ['scalar b', [7, 33, 5], [165, 5, 1], [0, 0, 0]],
  ['row broadcast', [231, 5], [5, 1], [0, 1]],
  ['column broadcast', [33, 35], [35, 1], [1, 0]],
  ['transposed', [33, 35], [1, 33], [35, 1]],
  ['odd', [3], [1], [1]],
];

/** Values with ties and NaNs: rounded randoms. */
function values(n: number, seed: number): Float32Array {
  const v = randoms(n, seed, -3, 3).map(Math.round);
  for (let i = 0; i < n; i += 13) v[i] = Number.NaN;
  return v;
}

test('compare: eq/ne/lt/le/gt/ge of float32 into bool equal the reference', () => {
  const kern = loadKernels();
  const n = 7 * 33 * 5;
  const a = allocF32(n, values(n, 1));
  const b = allocF32(n, values(n, 2));
  for (const [name, shape, sa, sb] of LAYOUTS) {
    const size = shape.reduce((x, y) => x * y, 1);
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as BinaryOp[]) {
      const A: Strided = { ptr: a, dtype: 'float32', shape, strides: sa };
      const B: Strided = { ptr: b, dtype: 'float32', shape, strides: sb };
      const o1 = allocF32(size);
      const o2 = allocF32(size);
      assert.ok(wasmCompare(kern, op, A, B, o1, 'bool'));
      ref.binary(op, A, B, o2, 'bool');
      assert.deepEqual(heap().u8.slice(o1, o1 + size), heap().u8.slice(o2, o2 + size), `${op} ${name}`);
    }
  }
});

test('where: bool condition over float32 operands equals the reference, 1 vs N threads', () => {
  const kern = loadKernels();
  const n = 7 * 33 * 5;
  const c = allocF32(n);
  heap().u8.set(
    randoms(n, 3).map((v) => (v > 0 ? 1 : 0)),
    c,
  );
  const a = allocF32(n, values(n, 4));
  const b = allocF32(n, values(n, 5));
  for (const [name, shape, sa, sb] of LAYOUTS) {
    const size = shape.reduce((x, y) => x * y, 1);
    const C: Strided = { ptr: c, dtype: 'bool', shape, strides: sb };
    const A: Strided = { ptr: a, dtype: 'float32', shape, strides: sa };
    const B: Strided = { ptr: b, dtype: 'float32', shape, strides: sb };
    const o1 = allocF32(size);
    const o2 = allocF32(size);
    assert.ok(wasmWhere(kern, C, A, B, o1, 'float32'));
    ref.where(C, A, B, o2, 'float32');
    assertIdentical(readF32(o1, size), readF32(o2, size), `where ${name}`);
  }
  const big = 400_000;
  const cb = allocF32(big);
  heap().u8.set(
    randoms(big, 6).map((v) => (v > 0 ? 1 : 0)),
    cb,
  );
  const ab = allocF32(big, randoms(big, 7));
  const C: Strided = { ptr: cb, dtype: 'bool', shape: [big], strides: [1] };
  const A: Strided = { ptr: ab, dtype: 'float32', shape: [big], strides: [1] };
  const Z: Strided = { ptr: ab, dtype: 'float32', shape: [big], strides: [0] };
  const outs = [1, 2, 3].map((t) => {
    const o = allocF32(big);
    assert.ok(wasmWhere(kern, C, A, Z, o, 'float32', t));
    return readF32(o, big);
  });
  assertIdentical(outs[0], outs[1], 'where 2 threads');
  assertIdentical(outs[0], outs[2], 'where 3 threads');
});

test('compare and where decline other dtypes', () => {
  const kern = loadKernels();
  const p = allocF32(4);
  const i32: Strided = { ptr: p, dtype: 'int32', shape: [4], strides: [1] };
  const f32: Strided = { ptr: p, dtype: 'float32', shape: [4], strides: [1] };
  assert.equal(wasmCompare(kern, 'lt', i32, i32, p, 'bool'), false);
  assert.equal(wasmCompare(kern, 'add', f32, f32, p, 'bool'), false);
  assert.equal(wasmWhere(kern, f32, f32, f32, p, 'float32'), false);
});
