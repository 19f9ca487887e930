// Sequential: construction (positional or named), access, appending, and argument checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from '../../test/helpers.js';
import { memoryStats, noGrad, randn, type Tensor } from '../index.js';
import { BatchNorm1d, Dropout, Flatten, Identity, Linear, Module, ReLU, Sequential, Tanh } from './index.js';

test('Sequential chains its layers; at, length, iteration and add', () => {
  const seq = new Sequential(new Linear(3, 4), new ReLU());
  assert.equal(seq.length, 2);
  assert.ok(seq.at(-1) instanceof ReLU);
  seq.add(new Linear(4, 2)).add(new Tanh(), 'squash');
  assert.deepEqual(
    seq.namedChildren().map(([n]) => n),
    ['0', '1', '2', 'squash'],
  );
  assert.deepEqual(
    [...seq].map((m) => m.constructor.name),
    ['Linear', 'ReLU', 'Linear', 'Tanh'],
  );
  assert.deepEqual(seq.forward(randn([5, 3])).shape, [5, 2]);
  assert.throws(() => seq.at(4), /index 4 is out of range for 4 layers/);
});

test('an empty Sequential is the identity; named children keep their names', () => {
  const x = randn([2]);
  assert.equal(new Sequential().forward(x), x);
  const named = new Sequential({ encoder: new Linear(2, 2), head: new Identity() });
  assert.deepEqual(
    named.namedParameters().map(([n]) => n),
    ['encoder.weight', 'encoder.bias'],
  );
});

test('Sequential refuses non-modules and duplicate names', () => {
  assert.throws(() => new Sequential(new ReLU(), 3 as unknown as ReLU), /Sequential: argument 1 must be a Module, got number/);
  assert.throws(() => new Sequential(new ReLU()).add(new ReLU(), '0'), /a layer named '0' already exists/);
});

/** Runs `fn` while ReLU's forward records every output it returns (patched on the prototype, so the layers stay built-in). */
function withReluOutputs<T>(fn: (seen: Tensor[]) => T): T {
  const forward = ReLU.prototype.forward;
  const seen: Tensor[] = [];
  ReLU.prototype.forward = function (this: ReLU, x: Tensor): Tensor {
    const y = forward.call(this, x);
    seen.push(y);
    return y;
  };
  try {
    return fn(seen);
  } finally {
    ReLU.prototype.forward = forward;
  }
}

test('a Sequential of built-in layers frees the outputs between them with the graph, or at once without one', () => {
  withReluOutputs((seen) => {
    const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const x = randn([5, 3]);
    const out = model.forward(x);
    assert.equal(seen[0].storage.released, false); // the graph still needs it
    out.sum().backward();
    assert.equal(seen[0].storage.released, true);
    assert.deepEqual(out.shape, [5, 2]);
    assert.equal(out.toTypedArray().length, 10);
    assert.equal(x.toTypedArray().length, 15);
    const y = noGrad(() => model.forward(x));
    assert.equal(seen[1].storage.released, true);
    assertClose(y, out.detach(), 'the same model without a graph');
  });
});

test('a Sequential frees nothing a layer of the user might keep, nor its input or output', () => {
  class Keep extends Module {
    last: Tensor | null = null;
    forward(x: Tensor): Tensor {
      this.last = x;
      return x.mul(2);
    }
  }
  class KeepingReLU extends ReLU {
    last: Tensor | null = null;
    override forward(x: Tensor): Tensor {
      this.last = super.forward(x);
      return this.last;
    }
  }
  const keep = new Keep();
  const sub = new KeepingReLU();
  const patched = new Linear(4, 4);
  let seenByPatch: Tensor | null = null;
  patched.forward = (x: Tensor) => {
    seenByPatch = x;
    return Linear.prototype.forward.call(patched, x);
  };
  for (const [layer, kept] of [
    [keep, () => keep.last],
    [sub, () => sub.last],
    [patched, () => seenByPatch],
  ] as const) {
    const model = new Sequential(new Linear(3, 4), layer, new Linear(4, 1));
    model
      .forward(randn([2, 3]))
      .sum()
      .backward();
    assert.equal(kept()?.toTypedArray().length, 8, `${layer.constructor.name}'s tensor was freed`);
  }
  // layers that return their input, or a view of it: the caller's tensor is never freed
  const x = randn([2, 3], { requiresGrad: true });
  const viewing = new Sequential(new Identity(), new Flatten(), new ReLU(), new Identity());
  viewing.forward(x).sum().backward();
  noGrad(() => new Sequential(new Identity(), new Flatten(), new Identity()).forward(x));
  assert.equal(x.toTypedArray().length, 6);
  assert.deepEqual(x.grad?.shape, [2, 3]);
  const same = new Sequential(new Identity(), new Dropout(0.5).eval());
  assert.equal(same.forward(x), x);
});

test('a Sequential of built-in layers leaves only its output behind a training step, temporaries inside layers included', () => {
  const model = new Sequential(new Linear(64, 256), new BatchNorm1d(256), new ReLU(), new Dropout(0.2), new Linear(256, 256));
  const x = randn([64, 64]); // the output and every hidden activation are 64 KiB
  const step = (): void => model.forward(x).sum().backward();
  step(); // the parameters' gradients now exist and accumulate in place
  for (let i = 0; i < 3; i++) {
    const before = memoryStats().residentBytes;
    step();
    const left = memoryStats().residentBytes - before;
    assert.ok(left <= 65536 + 1024, `a step left ${left} bytes resident (the output is 65536)`);
  }
});
