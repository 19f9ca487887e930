// PyTorch parity of tessera.optim: replays test/fixtures/torch_optim/*.json (written by
// scripts/torch_optim_fixtures.py, which documents the format) without Python. Optimizers must give
// PyTorch's parameters after each of 5 steps within 1e-5 relative on every backend, schedules
// PyTorch's learning-rate (and momentum) sequences, clipping PyTorch's norms and gradients.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/optim_parity.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import type { LRScheduler, Optimizer, ReduceLROnPlateau } from '../src/optim/index.js';
import * as optim from '../src/optim/index.js';
import { fixtureDir, loadCases } from './fixture_files.js';
import { DEVICES, deviceReady, settleReads, withValues } from './helpers.js';

/** Parameters: |got - want| <= ATOL + RTOL * |want| (the 1e-5 relative). */
const RTOL = 1e-5;
const ATOL = 1e-7;
/** Learning rates and momenta are float64 on both sides. */
const LR_RTOL = 1e-12;

interface TensorSpec {
  shape: number[];
  data: number[];
}

interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, unknown>;
  groups?: (Record<string, unknown> & { params: number[] })[];
  params: TensorSpec[];
  grads: (TensorSpec | null)[][];
  expected: TensorSpec[][];
}

interface SchedulerSpec {
  scheduler: string;
  options: Record<string, unknown>;
}

interface SchedulerCase extends SchedulerSpec {
  name: string;
  optimizer: { type: OptimizerCase['optimizer']; options: Record<string, unknown>; groupLrs: number[] };
  steps: number;
  metrics?: number[];
  lrs: number[][];
  momentum?: number[][];
}

interface ClipCase {
  name: string;
  fn: 'clipGradNorm' | 'clipGradValue';
  args: (number | 'inf')[];
  grads: (TensorSpec | null)[];
  total?: number;
  clipped: (TensorSpec | null)[];
}

const FIXTURES = fixtureDir('torch_optim');
const load = <C>(file: string): C[] => loadCases<C>(FIXTURES, file, '/usr/bin/python3 scripts/torch_optim_fixtures.py');

const build = (s: TensorSpec): Tensor => T.tensor(Float32Array.from(s.data)).reshape(s.shape);

/** |got - want| <= atol + rtol * |want| elementwise (atol may differ per element). */
function assertClose(got: ArrayLike<number>, want: readonly number[], label: string, rtol: number, atol: number | readonly number[]): void {
  assert.equal(got.length, want.length, `${label}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const a = typeof atol === 'number' ? atol : atol[i];
    if (!(Math.abs(got[i] - want[i]) <= a + rtol * Math.abs(want[i]))) {
      assert.fail(
        `${label}: element ${i} is ${got[i]}, expected ${want[i]} (|diff| ${Math.abs(got[i] - want[i])}, allowed ${a} + ${rtol} * |expected|)`,
      );
    }
  }
}

const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad };
const SCHEDULES: Record<string, new (o: Optimizer, options: never) => LRScheduler | ReduceLROnPlateau> = {
  StepLR: optim.StepLR,
  MultiStepLR: optim.MultiStepLR,
  ConstantLR: optim.ConstantLR,
  LinearLR: optim.LinearLR,
  ExponentialLR: optim.ExponentialLR,
  CosineAnnealingLR: optim.CosineAnnealingLR,
  OneCycleLR: optim.OneCycleLR,
  ReduceLROnPlateau: optim.ReduceLROnPlateau,
};

function makeOptimizer(type: OptimizerCase['optimizer'], params: unknown, options: Record<string, unknown>): Optimizer {
  const ctor = OPTIMIZERS[type] as unknown as new (p: unknown, o: unknown) => Optimizer;
  return new ctor(params, options);
}

const optimizerCases = load<OptimizerCase>('optimizers.json');
const schedulerCases = load<SchedulerCase>('schedulers.json');
const clipCases = load<ClipCase>('clip.json');

test('optimizer fixtures cover every optimizer, schedule and clipping function', () => {
  assert.deepEqual([...new Set(optimizerCases.map((c) => c.optimizer))].sort(), ['Adagrad', 'Adam', 'AdamW', 'RMSprop', 'SGD']);
  const schedules = new Set(schedulerCases.map((c) => c.scheduler));
  for (const s of [
    'StepLR',
    'MultiStepLR',
    'ExponentialLR',
    'CosineAnnealingLR',
    'LinearLR',
    'OneCycleLR',
    'ReduceLROnPlateau',
    'SequentialLR',
  ]) {
    assert.ok(schedules.has(s), `no fixture for ${s}`);
  }
  assert.deepEqual([...new Set(clipCases.map((c) => c.fn))].sort(), ['clipGradNorm', 'clipGradValue']);
});

for (const backend of DEVICES) {
  describe(`optimizer parity [${backend}]`, () => {
    for (const c of optimizerCases) {
      test(c.name, async (t) => {
        if (!(await deviceReady(backend, t))) return;
        T.setDefaultDevice(backend);
        const params = c.params.map((s) => build(s).requiresGrad_());
        const spec = c.groups === undefined ? params : c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) }));
        const opt = makeOptimizer(c.optimizer, spec, c.options);
        c.grads.forEach((step, k) => {
          params.forEach((p, i) => {
            const g = step[i];
            p.grad = g === null ? null : build(g);
          });
          opt.step();
          withValues(params, (values) =>
            values.forEach((got, i) => {
              const want = c.expected[k][i].data;
              assertClose(got, want, `${c.name} [${backend}]: parameter ${i} after step ${k + 1}`, RTOL, ATOL);
              // The displacement from the start, smaller than the parameter, must be right too: within
              // 1e-4 relative, plus the float32 rounding of the parameter over the steps taken.
              const start = c.params[i].data;
              const moved = Array.from(got, (v, j) => v - start[j]);
              const rounding = want.map((v) => 2 ** -23 * Math.max(1, Math.abs(v)) * (k + 1));
              assertClose(
                moved,
                want.map((v, j) => v - start[j]),
                `${c.name} [${backend}]: displacement of parameter ${i} after step ${k + 1}`,
                1e-4,
                rounding,
              );
            }),
          );
        });
        await settleReads();
      });
    }
  });

  describe(`gradient clipping parity [${backend}]`, () => {
    for (const c of clipCases) {
      test(c.name, async (t) => {
        if (!(await deviceReady(backend, t))) return;
        T.setDefaultDevice(backend);
        const params = c.grads.map((g, i) => {
          const p = T.zeros(g?.shape ?? c.clipped[i]?.shape ?? [1]).requiresGrad_();
          p.grad = g === null ? null : build(g);
          return p;
        });
        const args = c.args.map((a) => (a === 'inf' ? Number.POSITIVE_INFINITY : a));
        if (c.fn === 'clipGradNorm') {
          const total = optim.clipGradNorm(params, args[0], args[1]);
          withValues([total], ([v]) => assertClose(Array.from(v), [c.total as number], `${c.name}: total norm`, 1e-6, 0));
        } else {
          optim.clipGradValue(params, args[0]);
        }
        params.forEach((p, i) => {
          const want = c.clipped[i];
          if (want === null) assert.equal(p.grad, null, `${c.name}: parameter ${i} had no grad and must keep none`);
          else withValues([p.grad as Tensor], ([g]) => assertClose(g, want.data, `${c.name}: grad ${i}`, RTOL, 1e-7));
        });
        await settleReads();
      });
    }
  });
}

function makeScheduler(opt: Optimizer, spec: SchedulerSpec): LRScheduler | ReduceLROnPlateau {
  if (spec.scheduler === 'SequentialLR') {
    const o = spec.options as { schedulers: SchedulerSpec[]; milestones: number[] };
    const schedulers = o.schedulers.map((s) => makeScheduler(opt, s) as LRScheduler);
    return new optim.SequentialLR(opt, { schedulers, milestones: o.milestones });
  }
  const ctor = SCHEDULES[spec.scheduler];
  assert.ok(ctor !== undefined, `tessera has no schedule named ${spec.scheduler}`);
  return new ctor(opt, spec.options as never);
}

function momentumOf(opt: Optimizer): number[] {
  return opt.paramGroups.map((g: Record<string, unknown>) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number)));
}

describe('schedule parity', () => {
  for (const c of schedulerCases) {
    test(c.name, () => {
      const groups = c.optimizer.groupLrs.map((lr) => ({ params: [T.zeros([2]).requiresGrad_()], lr }));
      const opt = makeOptimizer(c.optimizer.type, groups, c.optimizer.options);
      const sched = makeScheduler(opt, c);
      const lrs = [sched.getLastLr()];
      const momentum = [momentumOf(opt)];
      for (let k = 0; k < c.steps; k++) {
        opt.step();
        if (c.metrics !== undefined) (sched as ReduceLROnPlateau).step(c.metrics[k]);
        else (sched as LRScheduler).step();
        lrs.push(sched.getLastLr());
        momentum.push(momentumOf(opt));
        assert.deepEqual(
          opt.paramGroups.map((g) => g.lr),
          lrs[lrs.length - 1],
          `${c.name}: getLastLr() disagrees with the groups' lr`,
        );
      }
      for (const [k, row] of lrs.entries()) assertClose(row, c.lrs[k], `${c.name}: lr after ${k} steps`, LR_RTOL, 1e-15);
      for (const [k, row] of c.momentum === undefined ? [] : momentum.entries()) {
        assertClose(row, (c.momentum as number[][])[k], `${c.name}: momentum after ${k} steps`, LR_RTOL, 1e-15);
      }
    });
  }
});
