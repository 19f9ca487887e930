// tessera's side of the model cases (bench/training.ts), written the way its README tells users to
// write them: nn layers in a Sequential, Adam, and the plain PyTorch loop (zeroGrad, forward,
// crossEntropy, backward, step) with no dispose() and no tidy(): memory management is part of what
// is measured. Inference runs in eval mode under noGrad. The model is built on the CPU, moved to
// the case's device (`model.to(device)`, as a user does) and given the case's initial weights there.

import * as T from '../../src/index.js';
import type { CaseSpec } from '../cases.js';
import { type CaseInputs, input } from '../data.js';
import type { Prepared } from '../runner.js';
import { type Arch, paramInput, paramSpecs } from '../training.js';

/**
 * The network of `arch` (see `paramSpecs`), with tessera's own (PyTorch-default) initialisation.
 * @example buildModel('cnn').forward(randn([64, 1, 28, 28])).shape; // [64, 10]
 */
export function buildModel(arch: Arch): T.Sequential {
  if (arch === 'mlp')
    return new T.Sequential(new T.Linear(784, 256), new T.ReLU(), new T.Linear(256, 128), new T.ReLU(), new T.Linear(128, 10));
  return new T.Sequential(
    new T.Conv2d(1, 32, 3), // (N, 32, 26, 26)
    new T.ReLU(),
    new T.MaxPool2d(2), // (N, 32, 13, 13)
    new T.Conv2d(32, 64, 3), // (N, 64, 11, 11)
    new T.ReLU(),
    new T.MaxPool2d(2), // (N, 64, 5, 5)
    new T.Flatten(), // (N, 1600)
    new T.Linear(1600, 10),
  );
}

/** A model case made ready on `device`: the model holds the case's initial weights. */
export function prepareModelCase(spec: CaseSpec, inputs: CaseInputs, device = 'cpu'): Prepared {
  const m = spec.model!;
  const model = buildModel(m.arch).to(device);
  const weights = new Map(
    paramSpecs(m.arch).map((p) => [p.name, T.tensor(input(inputs, paramInput(p.name)).data, { device }).reshape([...p.shape])]),
  );
  model.loadStateDict(weights);
  const xs = input(inputs, 'x');
  const x = T.tensor(xs.data, { device }).reshape([...xs.spec.shape]); // (B, 784) or (B, 1, 28, 28)
  const read = async (t: T.Tensor): Promise<Float32Array> => (await t.data()) as Float32Array;

  if (!m.train) {
    model.eval();
    const forward = (): T.Tensor => T.noGrad(() => model.forward(x)); // (1, 10)
    return { call: () => void forward(), outputs: async () => [await read(forward())], dispose: () => {} };
  }

  const y = T.tensor(Int32Array.from(input(inputs, 'y').data), { device }); // (B) class indices
  const opt = new T.Adam(model.parameters(), { lr: m.lr, betas: [0.9, 0.999], eps: 1e-8 });
  model.train();
  const step = (): T.Tensor => {
    opt.zeroGrad();
    const loss = T.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  return {
    call: () => void step(),
    // The first step from the shared initial weights: its loss and gradients (before the update).
    outputs: async () => {
      opt.zeroGrad();
      const loss = T.crossEntropy(model.forward(x), y);
      loss.backward();
      const out = await Promise.all([loss, ...model.parameters().map((p) => p.grad!)].map(read));
      opt.step();
      return out;
    },
    dispose: () => {},
  };
}
