// Autograd semantics pinned: broadcast gradients, accumulation, noGrad/enableGrad, detach,
// retainGrad, graph freeing, and that .grad tensors never alias one another.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add,
  div,
  enableGrad,
  isGradEnabled,
  memoryStats,
  mul,
  noGrad,
  ones,
  ownByGraph,
  scalar,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '../index.js';

const leaf = (data: number[] | number[][]) => tensor(data, { requiresGrad: true });
const gradOf = (t: Tensor) => t.grad?.toArray();

test('gradients are summed over broadcast dims, back to each input shape', () => {
  const a = leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = leaf([10, 20, 30]);
  add(a, b).backward(
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
  );
  assert.deepEqual(a.grad?.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(b.grad?.toArray(), [5, 7, 9]);

  const col = leaf([[1], [2]]); // (2, 1)
  const row = leaf([[1, 2, 3]]); // (1, 3)
  mul(col, row).sum().backward();
  assert.deepEqual(col.grad?.toArray(), [[6], [6]]);
  assert.deepEqual(row.grad?.toArray(), [[3, 3, 3]]);

  const s = scalar(2, { requiresGrad: true });
  mul(tensor([1, 2, 3]), s)
    .sum()
    .backward();
  assert.deepEqual(s.grad?.shape, []);
  assert.equal(s.grad?.item(), 6);
});

test('.grad accumulates across backward calls until reset', () => {
  const x = leaf([1, 2]);
  mul(x, 3).sum().backward();
  mul(x, x).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [5, 7]);
  x.grad = null;
  x.sum().backward();
  assert.deepEqual(gradOf(x), [1, 1]);
});

test('a tensor used twice gets the sum of both gradients', () => {
  const x = leaf([3, -1]);
  const y = mul(x, x).add(x);
  y.sum().backward();
  assert.deepEqual(x.grad?.toArray(), [7, -1]);
});

test('gradients of different leaves, and the caller gradient, never share memory', () => {
  const a = leaf([1, 2]);
  const b = leaf([3, 4]);
  add(a, b).sum().backward(); // add passes one gradient to both; sum expands it with stride 0
  assert.notEqual(a.grad?.storage, b.grad?.storage);
  noGrad(() => a.grad?.mul_(10));
  assert.deepEqual(a.grad?.toArray(), [10, 10]);
  assert.deepEqual(b.grad?.toArray(), [1, 1]);

  const c = leaf([1, 2, 3]);
  const g = tensor([1, 1, 1]);
  c.clone().backward(g);
  noGrad(() => c.grad?.zero_());
  assert.deepEqual(g.toArray(), [1, 1, 1]);
});

test('noGrad records nothing, nests, and restores the mode even when its body throws', () => {
  const x = leaf([1, 2]);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    const inner = enableGrad(() => mul(x, 2));
    assert.equal(inner.requiresGrad, true);
    return mul(x, 2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(isGradEnabled(), true);
  assert.throws(
    () =>
      noGrad(() => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(isGradEnabled(), true);
});

test('detach shares storage, cuts the graph, and stops gradients', () => {
  const x = leaf([1, 2]);
  const h = mul(x, 2);
  const d = h.detach();
  assert.equal(d.storage, h.storage);
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradFn, null);
  mul(h, d).sum().backward(); // d acts as a constant: d(h * d)/dx = 2 * d
  assert.deepEqual(x.grad?.toArray(), [4, 8]);
});

test('retainGrad keeps the gradient of a non-leaf; other non-leaves keep none', () => {
  const x = leaf([1, 2]);
  const h = mul(x, 3).retainGrad();
  const k = mul(h, h);
  k.sum().backward();
  assert.deepEqual(h.grad?.toArray(), [6, 12]);
  assert.equal(k.grad, null);
  assert.deepEqual(x.grad?.toArray(), [18, 36]);
});

test('leaves, non-leaves and requiresGrad propagation', () => {
  const x = leaf([1]);
  const c = tensor([2]);
  assert.ok(x.isLeaf && c.isLeaf);
  assert.equal(mul(c, 2).requiresGrad, false);
  const y = mul(x, c);
  assert.ok(!y.isLeaf && y.requiresGrad);
  assert.equal(y.gradFn?.name, 'mul');
  const z = zeros([2]).requiresGrad_();
  assert.ok(z.requiresGrad && z.isLeaf);
  z.requiresGrad_(false);
  assert.equal(z.requiresGrad, false);
});

test('backward frees the graph unless retainGraph is set', () => {
  const x = leaf([1, 2]);
  const y = sum(mul(x, x));
  y.backward(undefined, { retainGraph: true });
  assert.notEqual(y.gradFn?.backward, null);
  y.backward();
  assert.equal(y.gradFn?.backward, null);
  assert.deepEqual(x.grad?.toArray(), [4, 8]);
});

test('inputs without requiresGrad get no gradient, and int inputs never do', () => {
  const x = leaf([1, 2]);
  const c = ones([2]);
  const i = tensor([1, 2], { dtype: 'int32' });
  mul(mul(x, c), i).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [1, 2]);
  assert.equal(c.grad, null);
  assert.equal(i.grad, null);
});

test('ownByGraph: owned storages are freed when backward frees the graph, not while it is retained', () => {
  const x = leaf([1, 2, 3]);
  const h = mul(x, 2); // read again only by y's backward
  const y = mul(h, h);
  ownByGraph(y, [h], [x]);
  y.sum().backward(undefined, { retainGraph: true });
  assert.equal(h.storage.released, false);
  assert.deepEqual(h.toArray(), [2, 4, 6]);
  y.sum().backward();
  assert.equal(h.storage.released, true);
  assert.deepEqual(gradOf(x), [16, 32, 48]); // twice d(4x^2)/dx
  assert.throws(() => h.toArray(), /after dispose/);
  assert.deepEqual(y.toArray(), [4, 16, 36]);
  assert.deepEqual(x.toArray(), [1, 2, 3]);
});

test('ownByGraph: with no graph the storages go at once, never those of the output or of keep', () => {
  const x = tensor([1, 2, 3]);
  const h = mul(x, 2);
  const view = x.reshape([3, 1]);
  const out = h.reshape([1, 3]); // shares h's storage
  const other = mul(x, 3);
  ownByGraph(out, [h, view, x, other], [x]);
  assert.equal(h.storage.released, false);
  assert.equal(x.storage.released, false);
  assert.equal(other.storage.released, true);
  assert.deepEqual(out.toArray(), [[2, 4, 6]]);
  const g = mul(leaf([1, 2]), 2);
  const dead = mul(g, 5);
  noGrad(() => ownByGraph(g, [dead])); // g records a graph: dead waits for it
  assert.equal(dead.storage.released, false);
  g.sum().backward();
  assert.equal(dead.storage.released, true);
});

test('backward leaves behind only the gradients: rule temporaries and the seed are released', () => {
  const a = tensor(
    Array.from({ length: 1000 }, (_, i) => i + 1),
    { requiresGrad: true },
  );
  const b = tensor(
    Array.from({ length: 1000 }, (_, i) => 2 * i + 1),
    { requiresGrad: true },
  );
  const loss = sum(div(a, b));
  const before = memoryStats().residentBytes;
  loss.backward(); // b's rule makes y / b, g * (y / b) and its negation; only the last is returned
  const grown = memoryStats().residentBytes - before;
  assert.equal(grown, 2 * 4096, 'two 1000-float gradients (4096-byte blocks) and nothing else');
  assert.ok(Math.abs((a.grad?.toTypedArray()[3] ?? 0) - 1 / 7) < 1e-7);
  assert.ok(Math.abs((b.grad?.toTypedArray()[3] ?? 0) + 4 / 49) < 1e-7);
});

test('backward takes its options first for a scalar, and the retainGraph hint shows a call that works', () => {
  const t = tensor;
  const x = t([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  // before: TypeError, the options object was taken for the gradient
  y.backward({ retainGraph: true });
  y.backward();
  assert.deepEqual(x.grad?.toArray(), [4, 8]);
  let hint = '';
  try {
    y.backward();
  } catch (e) {
    hint = (e as Error).message;
  }
  assert.match(hint, /keep it in the first call: y\.backward\(\{ retainGraph: true \}\)/);
  // the hint's call works as written
  const z = x.mul(3).sum();
  z.backward({ retainGraph: true });
  z.backward();
  // the old signature, and clear errors for what is neither a gradient nor options
  const v = x.mul(2);
  v.backward(t([1, 1]), { retainGraph: true });
  v.backward(t([1, 1]));
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward({ retainGrpah: true } as never),
    /^TypeError: backward: unknown option 'retainGrpah' \(known: retainGraph\)$/,
  );
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward([1] as never),
    /^TypeError: backward: the first argument must be a gradient Tensor or an options object/,
  );
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward({ retainGraph: 1 } as never),
    /^TypeError: backward: retainGraph must be a boolean, got number$/,
  );
  assert.throws(() => x.mul(2).backward({ retainGraph: true }), /a gradient can be created implicitly only for a one-element output/);
});
