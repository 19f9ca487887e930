// crossEntropy's two paths agree: the composed one (nll.ts, on the device, autograd through the
// composition) against the fused host one, values and logits gradients, for every option (weight,
// ignoreIndex, labelSmoothing, the three reductions, probability targets, (N, C, d...) inputs), on
// the reference and CPU devices, plus finite differences; and on 'async-ref' (no synchronous reads
// at all) crossEntropy and nllLoss take the composed path and give the same numbers.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/ops/nll.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, asyncRefDevice, gradcheck, Rng, snapshotAsync, withDevice } from '../../test/helpers.js';
import type { Tensor } from '../core/tensor.js';
import { nllLoss } from '../nn/functional/loss.js';
import { tensor } from './creation.js';
import { type CrossEntropyArgs, crossEntropy, crossEntropyOnDevice, crossEntropyOnHost, logSoftmax, softmax } from './nn.js';

interface Case {
  label: string;
  shape: number[]; // logits (N, C, d...)
  probs: boolean;
  weight: boolean;
  ignoreIndex: number;
  labelSmoothing: number;
  reduction: 'mean' | 'sum' | 'none';
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const shape of [
    [7, 5],
    [3, 4, 2, 3],
  ]) {
    for (const probs of [false, true]) {
      for (const weight of [false, true]) {
        for (const labelSmoothing of [0, 0.2]) {
          for (const reduction of ['mean', 'sum', 'none'] as const) {
            for (const ignoreIndex of probs ? [-100] : [-100, 2]) {
              const label = `[${shape}] ${probs ? 'probabilities' : 'indices'} weight=${weight} s=${labelSmoothing} ${reduction} ignore=${ignoreIndex}`;
              out.push({ label, shape, probs, weight, ignoreIndex, labelSmoothing, reduction });
            }
          }
        }
      }
    }
  }
  return out;
}

/** The tensors of a case, on the default device: logits (a leaf with grad), target, weight, upstream gradient. */
function build(c: Case, seed: number): { args: CrossEntropyArgs; upstream: Tensor | undefined } {
  const r = new Rng(seed);
  const [n, classes, ...spatial] = c.shape;
  const size = c.shape.reduce((a, b) => a * b, 1);
  const logits = tensor(
    Array.from({ length: size }, () => r.uniform(-3, 3)),
    { requiresGrad: true },
  ).reshape(c.shape);
  const rows = size / classes;
  let target: Tensor;
  if (c.probs) {
    target = softmax(tensor(Array.from({ length: size }, () => r.uniform(-2, 2))).reshape(c.shape), 1);
  } else {
    // every class, plus ignored entries (-100 or the class ignoreIndex names)
    const values = Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? c.ignoreIndex : Math.floor(r.uniform(0, classes))));
    target = tensor(values, { dtype: 'int32' }).reshape([n, ...spatial]);
  }
  const weight = c.weight ? tensor(Array.from({ length: classes }, () => r.uniform(0.2, 2))) : null;
  const upstream =
    c.reduction === 'none' ? tensor(Array.from({ length: rows }, () => r.uniform(-1, 1))).reshape([n, ...spatial]) : undefined;
  const leaf = logits.detach().requiresGrad_(true);
  return {
    args: { logits: leaf, target, weight, ignoreIndex: c.ignoreIndex, labelSmoothing: c.labelSmoothing, reduction: c.reduction },
    upstream,
  };
}

async function run(path: (a: CrossEntropyArgs) => Tensor, c: Case, seed: number) {
  const { args, upstream } = build(c, seed);
  const loss = path(args);
  loss.backward(upstream);
  return { loss: await snapshotAsync(loss), grad: await snapshotAsync(args.logits.grad as Tensor) };
}

for (const device of ['reference', 'cpu']) {
  test(`crossEntropy: the composed path equals the host path, values and gradients, every option (${device})`, async () => {
    let seed = 0;
    for (const c of cases()) {
      seed++;
      const [host, composed] = await withDevice(device, async () => [
        await run(crossEntropyOnHost, c, seed),
        await run(crossEntropyOnDevice, c, seed),
      ]);
      assertClose(composed.loss, host.loss, `${c.label} loss`, { rtol: 2e-5, atol: 2e-6 });
      assertClose(composed.grad, host.grad, `${c.label} grad`, { rtol: 2e-5, atol: 2e-6 });
    }
  });
}

test("crossEntropy and nllLoss on 'async-ref' (no synchronous reads) run composed and equal the reference device's results", async () => {
  const dev = asyncRefDevice();
  let seed = 100;
  for (const c of cases()) {
    seed++;
    const want = await withDevice('reference', () => run(crossEntropyOnHost, c, seed));
    const got = await withDevice(dev, () =>
      run(
        (a) =>
          crossEntropy(a.logits, a.target, {
            weight: a.weight ?? undefined,
            ignoreIndex: a.ignoreIndex,
            labelSmoothing: a.labelSmoothing,
            reduction: a.reduction,
          }),
        c,
        seed,
      ),
    );
    assertClose(got.loss, want.loss, `${c.label} loss`, { rtol: 2e-5, atol: 2e-6 });
    assertClose(got.grad, want.grad, `${c.label} grad`, { rtol: 2e-5, atol: 2e-6 });
    if (c.probs || c.labelSmoothing > 0) continue;
    // nllLoss of the log-softmax is the same loss
    const nll = (a: CrossEntropyArgs) =>
      nllLoss(logSoftmax(a.logits, 1), a.target, { weight: a.weight, ignoreIndex: a.ignoreIndex, reduction: a.reduction });
    const nllWant = await withDevice('reference', () => run(nll, c, seed));
    const nllGot = await withDevice(dev, () => run(nll, c, seed));
    assertClose(nllGot.loss, nllWant.loss, `nllLoss ${c.label} loss`, { rtol: 2e-5, atol: 2e-6 });
    assertClose(nllGot.grad, nllWant.grad, `nllLoss ${c.label} grad`, { rtol: 2e-5, atol: 2e-6 });
    assertClose(nllGot.loss, want.loss, `nllLoss = crossEntropy ${c.label}`, { rtol: 2e-5, atol: 2e-6 });
  }
});

test("an out-of-range target throws where the device reads synchronously, and makes the loss NaN on 'async-ref'", async () => {
  const dev = asyncRefDevice();
  const data = [
    [1, 2, 3],
    [0, 0, 1],
    [2, 1, 0],
    [1, 1, 1],
  ];
  const labels = [0, 3, -100, -1]; // valid, too large, ignored, negative
  withDevice('reference', () => {
    assert.throws(
      () => crossEntropy(tensor(data), tensor(labels, { dtype: 'int32' })),
      /crossEntropy: target 3 is out of range for 3 classes \(row 1/,
    );
    assert.throws(
      () => nllLoss(tensor(data), tensor(labels, { dtype: 'int32' })),
      /nllLoss: target 3 is out of range for 3 classes \(element 1/,
    );
  });
  await withDevice(dev, async () => {
    const x = tensor(data, { requiresGrad: true });
    const t = tensor(labels, { dtype: 'int32' });
    const rows = Array.from(await crossEntropy(x, t, { reduction: 'none' }).data());
    assert.ok(Math.abs(rows[0] - 2.4076059) < 1e-5, `row 0: ${rows[0]}`);
    assert.ok(Number.isNaN(rows[1]) && rows[2] === 0 && Number.isNaN(rows[3]), `rows: ${rows}`);
    for (const reduction of ['mean', 'sum'] as const) {
      assert.ok(Number.isNaN((await crossEntropy(x, t, { reduction }).data())[0]), `crossEntropy ${reduction}`);
      assert.ok(Number.isNaN((await nllLoss(x, t, { reduction }).data())[0]), `nllLoss ${reduction}`);
    }
    const nllRowsGot = Array.from(await nllLoss(x, t, { reduction: 'none' }).data());
    assert.deepEqual(nllRowsGot.map(Number.isNaN), [false, true, false, true]);
    // the valid targets alone give a finite loss
    assert.ok(Number.isFinite((await crossEntropy(x, tensor([0, 2, -100, 1], { dtype: 'int32' })).data())[0]));
  });
});

test('from 100 classes crossEntropy is composed where reads are allowed too: same values and gradients, same target error', async () => {
  for (const device of ['cpu', 'reference']) {
    await withDevice(device, async () => {
      const c: Case = {
        label: `(16, 120) ${device}`,
        shape: [16, 120],
        probs: false,
        weight: true,
        ignoreIndex: -100,
        labelSmoothing: 0.1,
        reduction: 'mean',
      };
      const host = await run(crossEntropyOnHost, c, 7);
      const viaDispatch = await run(
        (a) => crossEntropy(a.logits, a.target, { weight: a.weight ?? undefined, labelSmoothing: a.labelSmoothing }),
        c,
        7,
      );
      assertClose(viaDispatch.loss, host.loss, `${c.label} loss`, { rtol: 2e-5, atol: 2e-6 });
      assertClose(viaDispatch.grad, host.grad, `${c.label} grad`, { rtol: 2e-5, atol: 2e-6 });
      const logits = tensor(new Array(2 * 120).fill(0)).reshape([2, 120]);
      assert.throws(
        () => crossEntropy(logits, tensor([5, 120], { dtype: 'int32' })),
        /^RangeError: crossEntropy: target 120 is out of range for 120 classes \(row 1; valid: 0 to 119, or ignoreIndex -100\)$/,
      );
      const uniform = (await crossEntropy(logits, tensor([5, -100], { dtype: 'int32' })).data())[0];
      assert.ok(Math.abs(uniform - Math.log(120)) < 1e-5, `ignored row not counted: ${uniform}`);
    });
  }
});

test('the composed path has the finite-difference gradient (weights, smoothing, ignored targets, (N, C, d) input, probabilities)', () => {
  withDevice('reference', () => {
    const r = new Rng(11);
    const logits = tensor(
      Array.from({ length: 3 * 4 * 2 }, () => r.uniform(-2, 2)),
      { requiresGrad: true },
    ).reshape([3, 4, 2]);
    const leaf = logits.detach().requiresGrad_(true);
    const weight = tensor([0.5, 1, 2, 1.5]);
    const labels = tensor([0, 3, -100, 1, 2, 2], { dtype: 'int32' }).reshape([3, 2]);
    const probs = softmax(tensor(Array.from({ length: 24 }, () => r.uniform(-1, 1))).reshape([3, 4, 2]), 1);
    for (const reduction of ['mean', 'none'] as const) {
      for (const target of [labels, probs]) {
        gradcheck(
          `crossEntropyOnDevice ${target.dtype} ${reduction}`,
          (x) => crossEntropyOnDevice({ logits: x, target, weight, ignoreIndex: -100, labelSmoothing: 0.15, reduction }),
          [leaf],
        );
      }
    }
  });
});
