// The Optimizer base: parameter groups, lazy state, step/closure, zeroGrad, and the state dict:
// a checkpoint taken mid-training (through JSON) must resume to exactly the uninterrupted result.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isGradEnabled, memoryStats, noGrad, type Tensor, tensor, zeros } from '../index.js';
import { Adagrad, Adam, AdamW, type Optimizer, type OptimizerStateDict, RMSprop, SGD } from './index.js';

/** A small least-squares problem: w (3, 2), b (2); loss = sum((x @ w + b - y)^2). */
function problem() {
  const w = tensor(
    [
      [0.5, -0.2],
      [0.1, 0.3],
      [-0.4, 0.8],
    ],
    { requiresGrad: true },
  );
  const b = tensor([0.05, -0.1], { requiresGrad: true });
  const x = tensor([
    [1, 2, 3],
    [0.5, -1, 2],
    [-1, 0.3, 0.7],
    [2, 1, -1],
  ]); // (4, 3)
  const y = tensor([
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 0.5],
  ]); // (4, 2)
  const loss = () => x.matmul(w).add(b).sub(y).square().sum();
  return { params: [w, b], loss };
}

function train(opt: Optimizer, loss: () => Tensor, steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    loss().backward();
    opt.step();
  }
}

/** The state dict as a checkpoint would store it: JSON for the structure, arrays for the tensors. */
function throughJson(dict: OptimizerStateDict): OptimizerStateDict {
  const tensors: { shape: number[]; data: number[] }[] = [];
  const text = JSON.stringify(dict, (_k, v) => {
    if (v !== null && typeof v === 'object' && 'storage' in v) {
      tensors.push({ shape: [...(v as Tensor).shape], data: Array.from((v as Tensor).toTypedArray()) });
      return { $tensor: tensors.length - 1 };
    }
    return v;
  });
  return JSON.parse(text, (_k, v) => {
    if (v !== null && typeof v === 'object' && '$tensor' in v) {
      const t = tensors[v.$tensor as number];
      return tensor(Float32Array.from(t.data)).reshape([...t.shape]);
    }
    return v;
  });
}

const CONFIGS: [string, (p: Tensor[]) => Optimizer][] = [
  ['SGD nesterov', (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adam amsgrad', (p) => new Adam(p, { lr: 0.01, amsgrad: true })],
  ['AdamW', (p) => new AdamW([{ params: [p[0]] }, { params: [p[1]], weightDecay: 0 }], { lr: 0.01 })],
  ['RMSprop centered', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

describe('Optimizer state dict', () => {
  for (const [name, make] of CONFIGS) {
    test(`${name}: resuming from a mid-training checkpoint equals an uninterrupted run`, () => {
      const a = problem();
      const optA = make(a.params);
      train(optA, a.loss, 7);

      const b = problem();
      const optB = make(b.params);
      train(optB, b.loss, 3);
      const checkpoint = throughJson(optB.stateDict());
      const weights = b.params.map((p) => p.toTypedArray());

      const c = problem();
      noGrad(() => {
        for (const [i, p] of c.params.entries()) p.copy_(tensor(weights[i] as Float32Array).reshape([...p.shape]));
      });
      const optC = make(c.params);
      optC.loadStateDict(checkpoint);
      train(optC, c.loss, 4);
      for (const [i, p] of a.params.entries()) assert.deepEqual(c.params[i].toTypedArray(), p.toTypedArray(), `parameter ${i}`);
    });
  }

  test('holds copies: later steps do not change a saved state dict, loading does not alias it', () => {
    const { params, loss } = problem();
    const opt = new Adam(params, { lr: 0.1 });
    train(opt, loss, 2);
    const saved = opt.stateDict();
    const before = (saved.state[0].expAvg as Tensor).toTypedArray();
    assert.equal(saved.state[0].step, 2);
    assert.deepEqual(saved.paramGroups, [
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0, 1] },
    ]);
    train(opt, loss, 1);
    assert.deepEqual((saved.state[0].expAvg as Tensor).toTypedArray(), before);
    opt.loadStateDict(saved);
    train(opt, loss, 1);
    assert.deepEqual((saved.state[0].expAvg as Tensor).toTypedArray(), before);
  });

  test('restores hyperparameters, such as a scheduled learning rate', () => {
    const { params } = problem();
    const opt = new SGD(params, { lr: 0.1 });
    opt.paramGroups[0].lr = 0.025;
    const fresh = new SGD(problem().params, { lr: 0.1 });
    fresh.loadStateDict(opt.stateDict());
    assert.equal(fresh.paramGroups[0].lr, 0.025);
  });

  test('refuses state dicts that do not fit', () => {
    const { params, loss } = problem();
    const opt = new Adam(params);
    train(opt, loss, 1);
    const dict = opt.stateDict();
    const w = problem().params[0];
    assert.throws(
      () => new Adam([w]).loadStateDict(dict),
      /Adam.loadStateDict: parameter group 0 has 2 parameters in the state dict, but 1 here/,
    );
    const two = new Adam([{ params: [problem().params[0]] }, { params: [problem().params[1]] }]);
    assert.throws(() => two.loadStateDict(dict), /the state dict has 1 parameter groups, but the optimizer has 2/);
    const swapped = problem().params.reverse();
    assert.throws(
      () => new Adam(swapped).loadStateDict(dict),
      /state 'expAvg' of parameter 0 has shape \[3, 2\], but the parameter has shape \[2\]/,
    );
    assert.throws(
      () => new SGD(problem().params, { lr: 0.1 }).loadStateDict(dict),
      /parameter group 0 lacks 'momentum' \(was it saved from a different optimizer\?\)/,
    );
    assert.throws(
      () => new Adam(problem().params).loadStateDict({ ...dict, state: { 5: {} } }),
      /state for parameter 5, but the optimizer has parameters 0..1/,
    );
    assert.throws(
      () => new Adam(problem().params).loadStateDict({} as OptimizerStateDict),
      /expected an object with 'state' and 'paramGroups'/,
    );
    const bad = { ...dict, paramGroups: [{ ...dict.paramGroups[0], betas: [1.5, 0.9] }] };
    assert.throws(() => new Adam(problem().params).loadStateDict(bad), /Adam: betas\[0\] must be in \[0, 1\), got 1.5/);
  });
});

describe('Optimizer', () => {
  test('takes a tensor, an iterable of tensors, or groups whose missing options take the defaults', () => {
    const [w, b] = problem().params;
    assert.equal(new SGD(w, { lr: 1 }).paramGroups[0].params[0], w);
    assert.deepEqual(new SGD(new Set([w, b]), { lr: 1 }).paramGroups[0].params, [w, b]);
    const opt = new SGD(
      [
        { params: [w], lr: 0.5 },
        { params: b, momentum: 0.9 },
      ],
      { lr: 0.1 },
    );
    assert.deepEqual(
      opt.paramGroups.map((g) => [g.lr, g.momentum]),
      [
        [0.5, 0],
        [0.1, 0.9],
      ],
    );
    opt.addParamGroup({ params: [problem().params[0]], nesterov: true, momentum: 0.5 });
    assert.equal(opt.paramGroups[2].nesterov, true);
  });

  test('refuses bad parameter lists', () => {
    const [w, b] = problem().params;
    assert.throws(() => new Adam([]), /Adam: got an empty parameter list/);
    assert.throws(() => new Adam([w, w]), /Adam: parameter 1 appears more than once across the groups/);
    assert.throws(() => new Adam([{ params: [w] }, { params: [b, w] }]), /parameter 1 appears more than once/);
    assert.throws(() => new Adam([w.mul(2)]), /Adam: can't optimize a non-leaf tensor \(parameter 0\)/);
    assert.throws(() => new Adam([tensor([1, 2], { dtype: 'int32' })]), /Adam: parameters must be float32, got int32/);
    assert.throws(() => new Adam([[1, 2]] as unknown as Tensor[]), /Adam: a parameter group must be an object with 'params'/);
    assert.throws(
      () => new Adam([w], { lr: 0.1, weight_decay: 0.1 } as never),
      /Adam: unknown option 'weight_decay' \(known: lr, betas, eps, weightDecay, amsgrad, maximize\)/,
    );
  });

  test('creates state lazily and skips parameters without a gradient', () => {
    const [w, b] = problem().params;
    const opt = new Adam([w, b], { lr: 0.1 });
    assert.equal(opt.state.size, 0);
    const before = b.toTypedArray();
    w.grad = tensor([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    opt.step();
    assert.equal(opt.state.size, 1);
    assert.deepEqual(Object.keys(opt.state.get(w) ?? {}).sort(), ['expAvg', 'expAvgSq', 'step']);
    assert.deepEqual(b.toTypedArray(), before);
    b.grad = tensor([1, 2, 3]);
    assert.throws(() => opt.step(), /Adam.step: a parameter of shape \[2\] has a grad of shape \[3\]/);
  });

  test('step runs the closure with gradients enabled and returns its loss', () => {
    const { params, loss } = problem();
    const opt = new SGD(params, { lr: 0.01 });
    const first = noGrad(() =>
      opt.step(() => {
        assert.equal(isGradEnabled(), true);
        opt.zeroGrad();
        const l = loss();
        l.backward();
        return l.item();
      }),
    );
    assert.ok(typeof first === 'number' && loss().item() < first);
    assert.equal(opt.step(), undefined);
  });

  test('zeroGrad drops gradients, or zeroes them in place', () => {
    const { params, loss } = problem();
    const opt = new SGD(params, { lr: 0.01 });
    loss().backward();
    const g = params[0].grad as Tensor;
    opt.zeroGrad(false);
    assert.equal(params[0].grad, g);
    assert.deepEqual(Array.from(g.toTypedArray()), [0, 0, 0, 0, 0, 0]);
    opt.zeroGrad();
    assert.equal(params[0].grad, null);
    assert.equal(params[1].grad, null);
    const shared = tensor([7]);
    params[1].grad = shared.expand([2]); // memory that cannot be zeroed in place: replaced instead
    opt.zeroGrad(false);
    assert.deepEqual(Array.from(params[1].grad?.toTypedArray() ?? []), [0, 0]);
    assert.deepEqual(Array.from(shared.toTypedArray()), [7]);
  });

  test('zeroGrad releases a dropped gradient nobody was given, and keeps one that was read', () => {
    const { params, loss } = problem();
    const opt = new SGD(params, { lr: 0.01 });
    loss().backward();
    const seen = params[0].grad as Tensor; // handed out: stays valid after zeroGrad, as in PyTorch
    const unseen = params[1]._grad as Tensor; // tessera's own view: never given to the caller
    opt.zeroGrad();
    assert.equal(params[1].grad, null);
    assert.equal(seen.toTypedArray().length, 6);
    assert.equal(unseen.storage.released, true);
    const assigned = tensor([1, 2]);
    params[1].grad = assigned; // the caller's own tensor is never released
    opt.zeroGrad();
    assert.deepEqual(Array.from(assigned.toTypedArray()), [1, 2]);
    // a loop that never reads .grad leaves no dead gradient behind
    const made: Tensor[] = [];
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      loss().backward();
      made.push(...params.map((p) => p._grad as Tensor));
      opt.step();
    }
    opt.zeroGrad();
    assert.deepEqual(
      made.map((g) => g.storage.released),
      made.map(() => true),
    );
  });

  test('steps release their temporaries: memory stays flat over many steps', () => {
    const w = zeros([64, 256], { requiresGrad: true });
    const opt = new Adam([w], { lr: 1e-3, amsgrad: true, weightDecay: 0.01 });
    w.grad = zeros([64, 256]).add(1);
    const step = () => opt.step();
    step();
    const start = memoryStats();
    for (let i = 0; i < 20; i++) step();
    const end = memoryStats();
    assert.ok(
      end.residentBytes - start.residentBytes < 2 * 64 * 256 * 4,
      `resident grew by ${end.residentBytes - start.residentBytes} bytes`,
    );
    assert.equal(end.spills, start.spills);
  });
});
