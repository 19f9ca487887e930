// Checkpoints: a run resumed from a checkpoint (model, optimizer and scheduler state, epoch, step,
// global and loader RNG states) ends with bit-identical weights to a run never stopped, whether it
// stopped between epochs or mid-epoch; saves replace each other atomically; corruption is refused.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataLoader, type DataLoaderState, TensorDataset } from '../data/index.js';
import { dropout, Generator, getRngState, manualSeed, noGrad, randn, setRngState, type Tensor, tensor, zeros } from '../index.js';
import { CHECKPOINT_JSON, encodeCheckpoint, FileFormatError, loadCheckpoint, saveCheckpoint } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-ckpt-'));

/** A tiny training run: linear model, dropout (global RNG), shuffled loader, SGD with momentum, step decay. */
class Run {
  w: Tensor;
  b: Tensor;
  velocity: Tensor[];
  lr = 0.05;
  epoch = 0;
  step = 0;
  loader: DataLoader<Tensor[]>;

  constructor(seed: number) {
    const x = randn([40, 4], { generator: new Generator(123) }); // the same data in every run
    manualSeed(seed);
    const y = x.matmul(tensor([[1], [-2], [0.5], [3]])).add(0.1); // (40, 1)
    this.loader = new DataLoader(new TensorDataset(x, y), { batchSize: 6, shuffle: true });
    this.w = randn([4, 1]).requiresGrad_();
    this.b = zeros([1]).requiresGrad_();
    this.velocity = [zeros([4, 1]), zeros([1])];
  }

  /** Trains until `epochs` epochs are done, or stops after `stopAfter` steps of the current epoch. */
  train(epochs: number, stopAfter = Number.POSITIVE_INFINITY): void {
    while (this.epoch < epochs) {
      let k = 0;
      for (const [x, y] of this.loader) {
        const loss = dropout(x, 0.1).matmul(this.w).add(this.b).sub(y).square().mean();
        loss.backward();
        noGrad(() =>
          [this.w, this.b].forEach((p, i) => {
            this.velocity[i].mul_(0.9).add_(p.grad!);
            p.sub_(this.velocity[i], this.lr);
            p.grad = null;
          }),
        );
        this.step++;
        if (++k === stopAfter) return;
      }
      this.epoch++;
      if (this.epoch % 2 === 0) this.lr *= 0.5;
    }
  }

  save(dir: string): Promise<string> {
    return saveCheckpoint(dir, {
      model: { weight: this.w, bias: this.b },
      optimizer: {
        state: { 0: { momentumBuffer: this.velocity[0] }, 1: { momentumBuffer: this.velocity[1] } },
        paramGroups: [{ lr: this.lr, momentum: 0.9 }],
      },
      scheduler: { stepSize: 2, gamma: 0.5, lastEpoch: this.epoch },
      epoch: this.epoch,
      step: this.step,
      rng: { global: getRngState(), loader: this.loader.stateDict() },
      extra: { note: 'resume test' },
    });
  }

  async restore(dir: string): Promise<void> {
    const ckpt = await loadCheckpoint(dir);
    noGrad(() => {
      this.w.copy_(ckpt.model.weight);
      this.b.copy_(ckpt.model.bias);
    });
    const opt = ckpt.optimizer as { state: Record<string, { momentumBuffer: Tensor }>; paramGroups: { lr: number }[] };
    this.velocity = [opt.state[0].momentumBuffer, opt.state[1].momentumBuffer];
    this.lr = opt.paramGroups[0].lr;
    this.epoch = ckpt.epoch!;
    this.step = ckpt.step!;
    const rng = ckpt.rng as { global: number[]; loader: DataLoaderState };
    setRngState(rng.global);
    this.loader.loadStateDict(rng.loader);
    assert.deepEqual(ckpt.extra, { note: 'resume test' });
  }
}

const weights = (r: Run) => [...r.w.toTypedArray(), ...r.b.toTypedArray()];

test('resuming from a checkpoint continues exactly as if never stopped', async () => {
  const straight = new Run(1);
  straight.train(5);

  // stopped after 3 epochs, restored into a fresh run built from another seed
  const dir = join(tmp(), 'last');
  const first = new Run(1);
  first.train(3);
  await first.save(dir);
  const resumed = new Run(99);
  await resumed.restore(dir);
  resumed.train(5);
  assert.deepEqual(weights(resumed), weights(straight));
  assert.equal(resumed.step, straight.step);

  // stopped mid-epoch (after 4 steps of epoch 3)
  const mid = new Run(1);
  mid.train(2);
  mid.train(5, 4);
  await mid.save(dir);
  const resumedMid = new Run(7);
  await resumedMid.restore(dir);
  resumedMid.train(5);
  assert.deepEqual(weights(resumedMid), weights(straight));
});

test('a new save replaces the old one; a save interrupted before its manifest leaves the old one readable', async () => {
  const dir = join(tmp(), 'ckpt');
  await saveCheckpoint(dir, { model: { w: tensor([1, 2]) }, epoch: 1 });
  const firstFiles = readdirSync(dir).sort();
  assert.equal(firstFiles.length, 2);
  await saveCheckpoint(dir, { model: { w: tensor([3, 4]) }, epoch: 2 });
  assert.equal(readdirSync(dir).length, 2, 'the old tensor file is removed');
  assert.deepEqual((await loadCheckpoint(dir)).model.w.toArray(), [3, 4]);

  // a crash after the new tensor file but before the new manifest: the previous checkpoint still loads
  const next = await encodeCheckpoint({ model: { w: tensor([5, 6]) }, epoch: 3 });
  writeFileSync(join(dir, next.tensorFile), next.tensors);
  const ckpt = await loadCheckpoint(join(dir, CHECKPOINT_JSON));
  assert.equal(ckpt.epoch, 2);
  assert.deepEqual(ckpt.model.w.toArray(), [3, 4]);
});

test('refuses corrupted or missing tensor files and bad manifests, clearly', async () => {
  const dir = join(tmp(), 'ckpt');
  const jpath = await saveCheckpoint(dir, { model: { w: randn([8, 8]) }, optimizer: { m: randn([8, 8]) } });
  const manifest = JSON.parse(readFileSync(jpath, 'utf8'));
  const tpath = join(dir, manifest.tensors.file);
  const good = readFileSync(tpath);
  const bad = Buffer.from(good);
  bad[200] ^= 1;
  writeFileSync(tpath, bad);
  await assert.rejects(loadCheckpoint(dir), (e: unknown) => {
    assert.ok(e instanceof FileFormatError);
    assert.equal(e.file, tpath);
    assert.match(e.message, /SHA-256 .* does not match .* recorded in .*checkpoint\.json: the file is corrupted/);
    return true;
  });
  writeFileSync(tpath, good.subarray(0, 100));
  await assert.rejects(loadCheckpoint(dir), /is 100 bytes but .*checkpoint\.json records \d+: the file is truncated/);
  rmSync(tpath);
  await assert.rejects(loadCheckpoint(dir), /checkpoint\.json: refers to tensors-[0-9a-f]{16}\.safetensors, which is missing beside it/);
  writeFileSync(jpath, '{"format": "tessera-checkpoint", "version": 1, "tens');
  await assert.rejects(loadCheckpoint(dir), /checkpoint\.json: not valid JSON .*the checkpoint is corrupted/);
  writeFileSync(jpath, JSON.stringify({ ...manifest, format: 'tessera-model' }));
  await assert.rejects(loadCheckpoint(dir), /field "format" must be "tessera-checkpoint", got "tessera-model": not a tessera checkpoint/);
});

test('saveCheckpoint validates its fields', async () => {
  const dir = tmp();
  await assert.rejects(
    saveCheckpoint(dir, { model: {}, optimiser: {} } as never),
    /unknown field "optimiser" \(expected model, optimizer, scheduler, epoch, step, rng, extra; put other data in "extra"\)/,
  );
  await assert.rejects(saveCheckpoint(dir, { model: { w: 1 } } as never), /saveCheckpoint: model\["w"\] must be a Tensor, got number/);
  await assert.rejects(saveCheckpoint(dir, { model: {}, epoch: -1 }), /epoch must be a non-negative integer, got -1/);
  await assert.rejects(saveCheckpoint(dir, { model: {}, extra: { cb: () => 0 } }), /cannot store extra\.cb \(function\)/);
  assert.deepEqual(readdirSync(dir), []);
});
