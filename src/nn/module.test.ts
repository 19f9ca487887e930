// Module: registration and naming, modes, state dicts (round trip, strict errors), apply, printing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { manualSeed, ones, randn, relu, type Tensor, tensor, zeros } from '../index.js';
import { BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential } from './index.js';

class MLP extends Module {
  readonly fc1 = this.registerModule('fc1', new Linear(4, 3));
  readonly fc2 = this.registerModule('fc2', new Linear(3, 2));
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.toArray(), b.toArray());

test('parameters get dotted names in registration order, through nested modules', () => {
  const net = new Sequential(new MLP(), new ReLU(), new Linear(2, 1, { bias: false }));
  assert.deepEqual(
    net.namedParameters().map(([n]) => n),
    ['0.fc1.weight', '0.fc1.bias', '0.fc2.weight', '0.fc2.bias', '2.weight'],
  );
  assert.deepEqual(
    net.namedModules().map(([n]) => n),
    ['', '0', '0.fc1', '0.fc2', '1', '2'],
  );
  assert.equal(net.children().length, 3);
  assert.ok(net.parameters().every((p) => p.requiresGrad && p.isLeaf));
});

test('a parameter shared by two modules is listed once', () => {
  const a = new Linear(3, 3);
  const net = new Sequential(a, a);
  assert.equal(net.parameters().length, 2);
  assert.equal(net.numParameters(), 12);
});

test('registration refuses bad names, non-float parameters and clashes between kinds', () => {
  class Bad extends Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const m = new Bad();
  assert.throws(() => m.registerParameter('a.b', zeros([1])), /without '\.'/);
  assert.throws(() => m.registerParameter('w', zeros([1], { dtype: 'int32' })), /must be float32, got int32/);
  assert.throws(() => m.registerParameter('w', ones([2], { requiresGrad: true }).mul(2)), /must be a leaf/);
  m.registerBuffer('stat', zeros([1]));
  assert.throws(() => m.registerParameter('stat', zeros([1])), /'stat' is already a buffer/);
  assert.throws(() => m.registerModule('child', {} as Module), /must be a Module/);
});

test('train() and eval() switch every descendant; zeroGrad clears gradients', () => {
  const net = new Sequential(new Linear(4, 4), new Dropout(0.5), new Sequential(new BatchNorm1d(4)));
  assert.ok(net.modules().every((m) => m.training));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  net.train();
  assert.ok(net.modules().every((m) => m.training));
  net
    .forward(randn([3, 4]))
    .sum()
    .backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

test('stateDict holds parameters and persistent buffers; a fresh model loaded from it computes the same', () => {
  manualSeed(1);
  const a = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 2));
  a.forward(randn([5, 4])); // moves the running statistics
  a.eval();
  const keys = [...a.stateDict().keys()];
  assert.deepEqual(keys, [
    '0.weight',
    '0.bias',
    '1.weight',
    '1.bias',
    '1.running_mean',
    '1.running_var',
    '1.num_batches_tracked',
    '3.weight',
    '3.bias',
  ]);
  manualSeed(2);
  const b = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 2)).eval();
  const x = randn([2, 4]);
  assert.notDeepEqual(b.forward(x).toArray(), a.forward(x).toArray());
  const params = b.parameters();
  const result = b.loadStateDict(a.stateDict());
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  same(b.forward(x), a.forward(x));
  assert.equal(b.stateDict().get('1.num_batches_tracked')?.item(), 1);
  // loaded in place: the optimizer's references stay valid
  assert.ok(b.parameters().every((p, i) => p === params[i]));
});

test('loadStateDict accepts a plain record, and the dict shares memory with the module', () => {
  const a = new Linear(2, 2);
  const dict = a.stateDict();
  dict.get('bias')?.fill_(7);
  same(a.bias as Tensor, tensor([7, 7]));
  const b = new Linear(2, 2);
  b.loadStateDict({ weight: ones([2, 2]), bias: zeros([2]) });
  same(b.weight, ones([2, 2]));
});

test('strict loading names missing keys, unexpected keys and shape mismatches, and copies nothing', () => {
  const net = new Sequential({ fc1: new Linear(784, 128), fc2: new Linear(128, 10) });
  const before = net.stateDict().get('fc2.bias')?.toArray();
  const dict = new Map([
    ['fc1.weight', zeros([64, 784])],
    ['fc1.bias', zeros([128])],
    ['fc2.bias', ones([10])],
    ['fc3.weight', zeros([1])],
  ]);
  assert.throws(
    () => net.loadStateDict(dict),
    (err: Error) => {
      assert.equal(
        err.message,
        'loadStateDict: missing keys: fc2.weight; unexpected keys: fc3.weight; shape mismatch for fc1.weight: expected [128, 784], got [64, 784]',
      );
      return true;
    },
  );
  assert.deepEqual(net.stateDict().get('fc2.bias')?.toArray(), before);
  // non-strict: missing and unexpected keys are reported, shape mismatches still refused
  assert.throws(() => net.loadStateDict(dict, { strict: false }), /^Error: loadStateDict: shape mismatch for fc1\.weight/);
  dict.set('fc1.weight', zeros([128, 784]));
  assert.deepEqual(net.loadStateDict(dict, { strict: false }), { missingKeys: ['fc2.weight'], unexpectedKeys: ['fc3.weight'] });
  same(net.stateDict().get('fc2.bias') as Tensor, ones([10]));
  assert.throws(
    () => new Linear(1, 1).loadStateDict({ weight: [[1]] as unknown as Tensor, bias: zeros([1]) }),
    /weight must be a Tensor, got an array/,
  );
});

test('apply visits children before their parent; requiresGrad_ freezes parameters', () => {
  const net = new Sequential(new Linear(2, 2), new Sequential(new ReLU()));
  const seen: string[] = [];
  net.apply((m) => seen.push(m.constructor.name));
  assert.deepEqual(seen, ['Linear', 'ReLU', 'Sequential', 'Sequential']);
  net.at(0).requiresGrad_(false);
  assert.equal(net.numParameters(), 6);
  assert.equal(net.numParameters({ trainableOnly: true }), 0);
});

test('toString prints the architecture like PyTorch, with total and trainable parameter counts', () => {
  const net = new Sequential(new Linear(784, 128), new ReLU(), new Sequential({ drop: new Dropout(0.2), out: new Linear(128, 10) }));
  (net.at(0) as Linear).bias?.requiresGrad_(false);
  assert.equal(
    String(net),
    [
      'Sequential(',
      '  (0): Linear(inFeatures=784, outFeatures=128, bias=true)',
      '  (1): ReLU()',
      '  (2): Sequential(',
      '    (drop): Dropout(p=0.2)',
      '    (out): Linear(inFeatures=128, outFeatures=10, bias=true)',
      '  )',
      ')',
      'Parameters: 101,770 (trainable: 101,642)',
    ].join('\n'),
  );
  assert.equal(new MLP().toString().split('\n')[0], 'MLP(');
  assert.equal(inspect(net), String(net)); // console.log(model)
});
