// Learning-rate schedules: validation, getLastLr, and state dicts: a schedule resumed from a
// checkpoint (optimizer and schedule state, through JSON) continues exactly as if never stopped.
// PyTorch's sequences themselves are checked in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zeros } from '../index.js';
import {
  Adagrad,
  Adam,
  ConstantLR,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from './index.js';

const sgd = (lrs = [0.1, 0.01]) =>
  new SGD(
    lrs.map((lr) => ({ params: [zeros([2]).requiresGrad_()], lr })),
    { lr: 1, momentum: 0.9 },
  );
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x));

type Schedule = LRScheduler | ReduceLROnPlateau;
const METRICS = [5, 4, 4.5, 4.4, 4.6, 4.2, 4.3, 4.4, 4.5, 4.6, 3, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7];
const advance = (s: Schedule, k: number) => (s instanceof ReduceLROnPlateau ? s.step(METRICS[k]) : s.step());

const KINDS: [string, (o: Optimizer) => Schedule][] = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
  ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [2, 9, 9] })],
  ['ConstantLR', (o) => new ConstantLR(o, { factor: 0.5, totalIters: 6 })],
  ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 10 })],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.8 })],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.001 })],
  [
    'SequentialLR',
    (o) =>
      new SequentialLR(o, {
        schedulers: [new LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new CosineAnnealingLR(o, { tMax: 14 })],
        milestones: [4],
      }),
  ],
  ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: [1, 0.5], totalSteps: 18 })],
  ['ReduceLROnPlateau', (o) => new ReduceLROnPlateau(o, { patience: 1, cooldown: 1, factor: 0.5 })],
];

describe('schedule state dicts', () => {
  for (const [name, make] of KINDS) {
    test(`${name}: resuming from a checkpoint continues the same sequence`, () => {
      const optA = sgd();
      const a = make(optA);
      const want: number[][] = [];
      for (let k = 0; k < 18; k++) {
        advance(a, k);
        want.push([...a.getLastLr(), ...optA.paramGroups.map((g) => g.momentum)]);
      }
      const optB = sgd();
      const b = make(optB);
      for (let k = 0; k < 7; k++) advance(b, k);
      const checkpoint = json({ optimizer: optB.stateDict(), schedule: b.stateDict() });

      const optC = sgd();
      const c = make(optC);
      optC.loadStateDict(checkpoint.optimizer);
      c.loadStateDict(checkpoint.schedule);
      for (let k = 7; k < 18; k++) {
        advance(c, k);
        assert.deepEqual([...c.getLastLr(), ...optC.paramGroups.map((g) => g.momentum)], want[k], `step ${k + 1}`);
      }
    });
  }

  test('loading refuses another kind of schedule and unknown or mistyped fields', () => {
    const s = new StepLR(sgd(), { stepSize: 2 });
    assert.throws(
      () => s.loadStateDict(new ExponentialLR(sgd(), { gamma: 0.5 }).stateDict()),
      /StepLR.loadStateDict: the state dict is from ExponentialLR, not StepLR/,
    );
    assert.throws(() => s.loadStateDict({ ...s.stateDict(), typo: 1 }), /StepLR.loadStateDict: unknown key 'typo'/);
    assert.throws(
      () => s.loadStateDict({ ...s.stateDict(), lastEpoch: '3' }),
      /StepLR.loadStateDict: 'lastEpoch' must be a number, got string/,
    );
    assert.throws(() => s.loadStateDict({ ...s.stateDict(), baseLrs: 0.1 }), /'baseLrs' must be an array, got number/);
  });
});

describe('step-driven schedules', () => {
  test('construction applies the first rate; getLastLr returns a copy', () => {
    const opt = sgd();
    const s = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    assert.deepEqual(s.getLastLr(), [0.05, 0.005]);
    assert.deepEqual(
      opt.paramGroups.map((g) => [g.lr, g.initialLr]),
      [
        [0.05, 0.1],
        [0.005, 0.01],
      ],
    );
    s.getLastLr()[0] = 99;
    assert.equal(s.getLastLr()[0], 0.05);
    s.step();
    s.step();
    s.step();
    for (const [i, lr] of s.getLastLr().entries()) assert.ok(Math.abs(lr - [0.1, 0.01][i]) < 1e-15, `group ${i}: ${lr}`);
    assert.equal(s.lastEpoch, 3);
  });

  test('validate their settings with messages naming them', () => {
    assert.throws(() => new StepLR(sgd(), { stepSize: 0 }), /StepLR: stepSize must be an integer >= 1, got 0/);
    assert.throws(() => new StepLR(sgd(), { stepSize: 2.5 }), /StepLR: stepSize must be an integer >= 1, got 2.5/);
    assert.throws(() => new StepLR(sgd(), { stepSize: 2, gamma: -1 }), /StepLR: gamma must be in \(0, inf\), got -1/);
    assert.throws(
      () => new MultiStepLR(sgd(), { milestones: 5 as never }),
      /MultiStepLR: milestones must be an array of step numbers, got number/,
    );
    assert.throws(() => new MultiStepLR(sgd(), { milestones: [3, -1] }), /MultiStepLR: milestones\[1\] must be an integer >= 0, got -1/);
    assert.throws(() => new ExponentialLR(sgd(), {} as never), /ExponentialLR: gamma must be in \(0, inf\), got undefined/);
    assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 0 }), /CosineAnnealingLR: tMax must be in \(0, inf\), got 0/);
    assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 10, etaMin: -1 }), /CosineAnnealingLR: etaMin must be in \[0, inf\), got -1/);
    assert.throws(() => new LinearLR(sgd(), { startFactor: 0 }), /LinearLR: startFactor must be in \(0, 1\], got 0/);
    assert.throws(() => new LinearLR(sgd(), { endFactor: 1.5 }), /LinearLR: endFactor must be in \[0, 1\], got 1.5/);
    assert.throws(() => new LinearLR(sgd(), { totalIters: 0 }), /LinearLR: totalIters must be an integer >= 1, got 0/);
    assert.throws(() => new ConstantLR(sgd(), { factor: 2 }), /ConstantLR: factor must be in \(0, 1\], got 2/);
    assert.throws(() => new StepLR({} as Optimizer, { stepSize: 1 }), /StepLR: expected an Optimizer, got object/);
  });

  test("a second schedule on the same optimizer starts from the groups' initial rates", () => {
    const opt = sgd([0.1]);
    new LinearLR(opt, { startFactor: 0.5 });
    const cos = new CosineAnnealingLR(opt, { tMax: 10 });
    assert.deepEqual(cos.baseLrs, [0.1]);
  });
});

describe('SequentialLR', () => {
  test('refuses mismatched schedules and milestones', () => {
    const opt = sgd();
    const a = new LinearLR(opt);
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    assert.throws(
      () => new SequentialLR(opt, { schedulers: [a, b], milestones: [] }),
      /SequentialLR: expected 1 milestones for 2 schedulers, got 0/,
    );
    assert.throws(
      () => new SequentialLR(opt, { schedulers: [a, b, a], milestones: [3, 3] }),
      /SequentialLR: milestones must increase, got \[3,3\]/,
    );
    assert.throws(
      () => new SequentialLR(opt, { schedulers: [a, new StepLR(sgd(), { stepSize: 1 })], milestones: [2] }),
      /SequentialLR: schedulers\[1\] belongs to a different optimizer/,
    );
    assert.throws(
      () => new SequentialLR(opt, { schedulers: [], milestones: [] }),
      /SequentialLR: schedulers must be a non-empty array of schedules/,
    );
    assert.throws(
      () => new SequentialLR(opt, { schedulers: [a, new ReduceLROnPlateau(opt) as never], milestones: [2] }),
      /SequentialLR: schedulers\[1\] is not a step-driven schedule/,
    );
  });
});

describe('OneCycleLR', () => {
  test('validates its settings and refuses to run past its cycle', () => {
    assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1 }), /OneCycleLR: give totalSteps, or epochs and stepsPerEpoch/);
    assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 0 }), /OneCycleLR: totalSteps must be an integer >= 1, got 0/);
    assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, epochs: 2 }), /OneCycleLR: stepsPerEpoch must be an integer >= 1, got undefined/);
    assert.throws(
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, pctStart: 1.5 }),
      /OneCycleLR: pctStart must be in \[0, 1\], got 1.5/,
    );
    assert.throws(
      () => new OneCycleLR(sgd(), { maxLr: [1], totalSteps: 10 }),
      /OneCycleLR: expected 2 maxLr values \(one per group\), got 1/,
    );
    assert.throws(
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never }),
      /OneCycleLR: annealStrategy must be 'cos' or 'linear', got 'exp'/,
    );
    const adagrad = new Adagrad([zeros([1]).requiresGrad_()]);
    assert.throws(
      () => new OneCycleLR(adagrad, { maxLr: 1, totalSteps: 10 }),
      /OneCycleLR: Adagrad has no momentum or betas to cycle; pass cycleMomentum: false/,
    );
    new OneCycleLR(adagrad, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) s.step();
    assert.throws(() => s.step(), /OneCycleLR: stepped 4 times, past the cycle's totalSteps \(3\)/);
  });

  test("cycles Adam's beta1 and keeps beta2", () => {
    const opt = new Adam([zeros([1]).requiresGrad_()], { betas: [0.9, 0.99] });
    const s = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 10, baseMomentum: 0.8, maxMomentum: 0.9 });
    assert.deepEqual(opt.paramGroups[0].betas, [0.9, 0.99]);
    s.step();
    s.step(); // the peak: step pctStart * totalSteps - 1
    assert.deepEqual(opt.paramGroups[0].betas, [0.8, 0.99]);
    assert.equal(s.getLastLr()[0], 0.01);
  });
});

describe('ReduceLROnPlateau', () => {
  test('validates its settings and metrics', () => {
    assert.throws(() => new ReduceLROnPlateau(sgd(), { factor: 1 }), /ReduceLROnPlateau: factor must be in \[0, 1\), got 1/);
    assert.throws(() => new ReduceLROnPlateau(sgd(), { mode: 'up' as never }), /ReduceLROnPlateau: mode must be 'min' or 'max', got 'up'/);
    assert.throws(() => new ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as never }), /thresholdMode must be 'rel' or 'abs', got 'pct'/);
    assert.throws(() => new ReduceLROnPlateau(sgd(), { patience: -1 }), /ReduceLROnPlateau: patience must be an integer >= 0, got -1/);
    assert.throws(
      () => new ReduceLROnPlateau(sgd(), { minLr: [0.1] }),
      /ReduceLROnPlateau: expected 2 minLr values \(one per group\), got 1/,
    );
    assert.throws(
      () => new ReduceLROnPlateau(sgd()).step('0.5' as never),
      /ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got string/,
    );
  });

  test('reduces after patience bad steps, accepts tensors, and respects minLr', () => {
    const opt = sgd([0.1]);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', patience: 1, factor: 0.5, minLr: 0.04 });
    assert.deepEqual(s.getLastLr(), [0.1]);
    for (const m of [0.5, 0.5, 0.5]) s.step(zeros([]).add(m));
    assert.deepEqual(s.getLastLr(), [0.05]);
    for (const m of [0.5, 0.5, 0.5, 0.5]) s.step(m);
    assert.deepEqual(s.getLastLr(), [0.04]);
    assert.equal(s.best, 0.5);
  });
});
