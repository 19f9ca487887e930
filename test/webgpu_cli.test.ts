// The CLI on the 'webgpu' device, end to end in child processes: `tessera train --device webgpu`
// (and the config's `device` key) trains, saves a model that `evaluate` scores the same on the CPU
// and on the GPU, `predict --device webgpu` runs it, `--resume` continues a GPU run on the CPU,
// `tessera info --devices` names the adapter; without the `webgpu` package (hidden by a preload
// here) asking for the device is an error naming what to install, and bad device names are usage
// or config errors. Under CI=true a missing adapter fails instead of skipping (webgpu_kit.gpu).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_cli.test.js

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, type CliResult, runCli, scratchDir, writeText } from './cli_harness.js';
import { gpu } from './webgpu_kit.js';

const work = await scratchDir('tessera-webgpu-cli-');
const NO_WEBGPU = fileURLToPath(new URL('./no_webgpu_preload.js', import.meta.url));
const tessera = (args: string[]) => runCli(args, work);

/** The CLI with the `webgpu` package hidden, as where it is not installed. */
function withoutWebGpu(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', NO_WEBGPU, CLI_MAIN, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The quick start's data and a smaller MLP, 2 epochs: small enough for lavapipe. */
const CONFIG = (extra: string) => `
seed: 0
data:
  source: builtin:fashion-mnist-small
  validationSplit: 0.1
  batchSize: 64
model:
  layers:
    - { type: Linear, inFeatures: 784, outFeatures: 32 }
    - { type: ReLU }
    - { type: Linear, inFeatures: 32, outFeatures: 10 }
optimizer: { type: adam, lr: 0.003 }
loss: crossEntropy
metrics: [accuracy, f1]
epochs: 2
checkpoint: { everySteps: 5 }
${extra}
`;

const accuracyOf = (r: CliResult) => JSON.parse(r.stdout).results.accuracy as number;

test('train --device webgpu, evaluate on cpu and webgpu (same accuracy), predict --device webgpu, resume on the cpu', async (t) => {
  if ((await gpu(t)) === null) return;
  const config = await writeText(work, 'gpu.yaml', CONFIG(''));
  const out = join(work, 'run-gpu');
  const started = performance.now();
  const train = await tessera(['train', config, '--device', 'webgpu', '--output', out]);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stderr, /Device: webgpu \(.+\)/);
  assert.match(train.stdout, /Trained 2 epochs[\s\S]*test: .*accuracy[\s\S]*Saved the model to/);
  const testAccuracy = Number(/test: .*accuracy (\d+\.\d+)%/.exec(train.stdout)?.[1]) / 100;
  console.log(
    `CLI train --device webgpu (2 epochs, 900 images): ${seconds.toFixed(1)} s; ${train.stdout.split('\n').find((l) => l.startsWith('test:'))}`,
  );
  const onCpu = await tessera(['evaluate', out, '--json']);
  const onGpu = await tessera(['evaluate', out, '--json', '--device', 'webgpu']);
  assert.equal(onCpu.code, 0, onCpu.stderr);
  assert.equal(onGpu.code, 0, onGpu.stderr);
  assert.ok(accuracyOf(onCpu) > 0.5, `accuracy ${accuracyOf(onCpu)}`);
  assert.equal(accuracyOf(onGpu), accuracyOf(onCpu));
  if (Number.isFinite(testAccuracy))
    assert.ok(Math.abs(testAccuracy - accuracyOf(onCpu)) < 1e-3, `${testAccuracy} vs ${accuracyOf(onCpu)}`);
  const predicted = await tessera(['predict', out, 'builtin:fashion-mnist-small:test', '--limit', '5', '--json', '--device', 'webgpu']);
  assert.equal(predicted.code, 0, predicted.stderr);
  const onCpuPredicted = await tessera(['predict', out, 'builtin:fashion-mnist-small:test', '--limit', '5', '--json']);
  type Predicted = { predictions: { top: { class: number; probability: number }[] }[] };
  const gpuTop = (JSON.parse(predicted.stdout) as Predicted).predictions.map((p) => p.top[0]);
  const cpuTop = (JSON.parse(onCpuPredicted.stdout) as Predicted).predictions.map((p) => p.top[0]);
  assert.deepEqual(
    gpuTop.map((p) => p.class),
    cpuTop.map((p) => p.class),
  );
  for (const [i, p] of gpuTop.entries()) {
    assert.ok(Math.abs(p.probability - cpuTop[i].probability) < 1e-4, `probability ${p.probability} vs ${cpuTop[i].probability}`);
  }
  // the GPU run's checkpoint goes on on the CPU (config.device may change on --resume)
  const resumed = await tessera(['train', config, '--output', out, '--resume', '--epochs', '3', '--device', 'cpu']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Resumed from .*: 2 epochs done[\s\S]*Trained 3 epochs/);
});

test('config.device: webgpu trains there; tessera info --devices names the adapter', async (t) => {
  if ((await gpu(t)) === null) return;
  const config = await writeText(work, 'gpu-key.yaml', CONFIG('device: webgpu'));
  const train = await tessera(['train', config, '--output', join(work, 'run-key'), '--epochs', '1', '--quiet']);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /Trained 1 epoch/);
  const info = await tessera(['info', '--devices']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /cpu +available/);
  assert.match(info.stdout, /webgpu +available +WebGPU adapter: \S+/);
  const json = JSON.parse((await tessera(['info', '--devices', '--json'])).stdout);
  assert.equal(json.devices.find((d: { name: string }) => d.name === 'webgpu')?.available, true);
  // 'webgpu:0' is 'webgpu'; an adapter past the last is an error naming the adapters there are
  const zero = await tessera(['train', config, '--output', join(work, 'run-key0'), '--epochs', '1', '--quiet', '--device', 'webgpu:0']);
  assert.equal(zero.code, 0, zero.stderr);
  const far = await tessera(['train', config, '--output', join(work, 'never'), '--device', 'webgpu:99']);
  assert.equal(far.code, 1);
  assert.match(far.stderr, /--device webgpu:99: WebGPU is not available: no adapter 'webgpu:99': .*'webgpu:0' = /);
});

test('without the webgpu package: --device webgpu and config.device fail naming npm install webgpu and Mesa; info --devices says so', async () => {
  const config = await writeText(work, 'nogpu.yaml', CONFIG(''));
  for (const args of [
    ['train', config, '--device', 'webgpu', '--output', join(work, 'never')],
    ['train', await writeText(work, 'nogpu-key.yaml', CONFIG('device: webgpu')), '--output', join(work, 'never')],
  ]) {
    const r = await withoutWebGpu(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /(--device|config\.device) webgpu: WebGPU is not available: .*npm install webgpu.*mesa-vulkan-drivers/);
    assert.doesNotMatch(r.stderr, /Loading/, 'fails before loading the data');
  }
  const info = await withoutWebGpu(['info', '--devices']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /webgpu +unavailable +.*npm install webgpu/);
});

test('a malformed device is a usage error (--device) or a config error (config.device), exit code 2', async () => {
  const bad = await tessera(['train', await writeText(work, 'ok.yaml', CONFIG('')), '--device', 'cuda']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--device must be cpu or webgpu \(webgpu:N for the Nth adapter\), got "cuda"/);
  const key = await tessera(['train', await writeText(work, 'bad-key.yaml', CONFIG('device: gpu0'))]);
  assert.equal(key.code, 2);
  assert.match(key.stderr, /config\.device: expected cpu or webgpu \(webgpu:N for the Nth adapter\), got "gpu0"/);
  for (const command of [
    ['evaluate', work],
    ['predict', work, 'x.csv'],
  ]) {
    const r = await tessera([...command, '--device', 'tpu']);
    assert.equal(r.code, 2, `${command[0]}: ${r.stderr}`);
    assert.match(r.stderr, /--device must be cpu or webgpu/);
  }
});
