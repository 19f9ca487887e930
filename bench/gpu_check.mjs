#!/usr/bin/env node
// A short check to run first on a machine lent with a GPU (issue 11): what the machine has, whether
// Dawn (the `webgpu` npm package) finds an adapter and which, then tessera's GEMM GFLOP/s on that
// adapter (against the card's FP32 peak where the name is known) and MLP/CNN training samples/s on
// WebGPU against tessera's CPU device, each step timed until the GPU queue is empty (device.sync()).
// Each step reports its own failure and the script goes on, so one run says what is missing.
//
//   npm run build && node bench/gpu_check.mjs                 # 4096^3 GEMM, 30 s per training figure at most
//   node bench/gpu_check.mjs --gemm=1024 --steps=20            # smaller, e.g. on lavapipe
//
// Needs dist/ (tsc's output: `npx tsc -p tsconfig.json`), node_modules/webgpu and a Vulkan driver
// (on Linux: the card's own, or Mesa's lavapipe). It writes nothing.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const GEMM = Number(args.gemm ?? 4096);
const STEPS = Number(args.steps ?? 50);
const BUDGET_MS = Number(args['budget-ms'] ?? 30_000);

/** FP32 peaks (TFLOP/s, boost clock, dense) of cards a session may be lent; matched on the adapter's name. */
const FP32_PEAK_TFLOPS = [
  [/H200/i, 66.9],
  [/H100.*PCIe/i, 51.2],
  [/H100/i, 66.9],
  [/A100/i, 19.5],
  [/L40S/i, 91.6],
  [/L4\b/i, 30.3],
  [/A10G?\b/i, 31.2],
  [/T4\b/i, 8.1],
];

const line = (k, v) => console.log(`${k.padEnd(22)} ${v}`);
const fail = (k, e) => line(k, `FAILED: ${e instanceof Error ? e.message.split('\n')[0] : e}`);

async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    fail(name, e);
    return null;
  }
}

line(
  'node',
  `${process.version} (${process.platform} ${process.arch}), ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
line('cpu', os.cpus()[0]?.model ?? 'unknown');
const icdDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].filter(existsSync);
await step('nvidia-smi', () => {
  const out = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  line('nvidia-smi', out.trim().split('\n').join('; '));
});
line('vulkan ICDs', icdDirs.flatMap((d) => readdirSync(d).map((f) => `${d}/${f}`)).join(', ') || 'none found');

// Dawn directly: the instance (gpu) stays referenced until the end (docs/webgpu-notes.md: the Dawn instance rule).
const dawn = await step('webgpu package', async () => {
  const mod = await import('webgpu');
  line('webgpu package', 'loaded');
  return mod;
});
let gpu = null;
const adapter = await step('Dawn adapter', async () => {
  if (dawn === null) throw new Error('no webgpu package (npm install webgpu)');
  gpu = dawn.create([]);
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (a === null) throw new Error('requestAdapter returned null: no Vulkan driver Dawn accepts');
  const i = a.info;
  line('Dawn adapter', `${i.vendor} / ${i.architecture} / ${i.device} / ${i.description}`);
  line('adapter limits', `maxStorageBufferBindingSize ${a.limits.maxStorageBufferBindingSize}, maxBufferSize ${a.limits.maxBufferSize}`);
  return a;
});
const adapterName = adapter ? `${adapter.info.device} ${adapter.info.description}` : '';
const software = /llvmpipe|lavapipe|swiftshader/i.test(adapterName);
if (software) line('note', 'a software adapter (runs on the CPU): its figures say nothing of a GPU');

// tessera on the device.
const T = await step('tessera (dist/)', () => import('../dist/src/index.js'));
const { openDevice, readBack } = (await step('bench code (dist/)', () => import('../dist/bench/peers/tessera.js'))) ?? {};
const webgpu = T && openDevice ? await step('tessera webgpu device', () => openDevice('webgpu')) : null;
if (webgpu) line('tessera webgpu device', `registered (${webgpu.adapter})`);

/** Median ms per call of `fn` (awaited, then the device's queue drained), over at most `budget` ms. */
async function time(fn, sync, { min = 3, max = STEPS, budget = BUDGET_MS } = {}) {
  await fn();
  await sync?.(); // warm-up: pipelines compiled, pools filled
  const times = [];
  const start = performance.now();
  while (times.length < max && (times.length < min || performance.now() - start < budget)) {
    const t0 = performance.now();
    await fn();
    await sync?.();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

async function gemm(device, sync, n) {
  T.manualSeed(0); // drawn on the CPU, then moved: the same matrices on every device
  const a = T.randn([n, n]).to(device);
  const b = T.randn([n, n]).to(device);
  // read once: sum |C| is compared with the CPU's product where that one is computed too
  const out = await readBack(T.matmul(a, b));
  const ms = await time(() => T.matmul(a, b).dispose(), sync, { max: 10 });
  a.dispose();
  b.dispose();
  return { gflops: (2 * n ** 3) / (ms * 1e6), ms, sum: out.reduce((s, v) => s + Math.abs(v), 0) };
}

if (T && webgpu) {
  await step(`GEMM ${GEMM} f32`, async () => {
    const g = await gemm('webgpu', webgpu.sync, GEMM);
    const c = GEMM <= 2048 ? await gemm('cpu', null, GEMM) : null;
    const peak = FP32_PEAK_TFLOPS.find(([re]) => re.test(adapterName))?.[1];
    const ofPeak = peak
      ? `, ${((100 * g.gflops) / (peak * 1000)).toFixed(1)}% of the card's ${peak} TFLOP/s FP32 peak`
      : ', FP32 peak unknown for this adapter';
    const agree = c
      ? `; CPU ${c.gflops.toFixed(1)} GFLOP/s, sum |C| agrees within ${(Math.abs(g.sum - c.sum) / c.sum).toExponential(1)}`
      : '';
    line(`GEMM ${GEMM} f32`, `${g.gflops.toFixed(1)} GFLOP/s on webgpu (${g.ms.toFixed(2)} ms)${ofPeak}${agree}`);
  });
}

if (T && webgpu) {
  const { trainingCases } = await import('../dist/bench/training.js');
  const { makeInputs } = await import('../dist/bench/data.js');
  const { prepareModelCase } = await import('../dist/bench/peers/tessera_training.js');
  for (const spec of trainingCases().filter((c) => c.kind === 'train')) {
    await step(spec.id, async () => {
      const inputs = makeInputs(spec.id, spec.inputs);
      const rate = async (device, sync) => {
        const prep = prepareModelCase(spec, inputs, device);
        const [loss] = await prep.outputs();
        const ms = await time(() => prep.call(), sync);
        return { sps: (spec.model.batch * 1000) / ms, loss: loss[0] };
      };
      const cpu = await rate('cpu', null);
      const gpuRate = await rate('webgpu', webgpu.sync);
      line(
        spec.id,
        `${gpuRate.sps.toFixed(0)} samples/s on webgpu, ${cpu.sps.toFixed(0)} on cpu: ${(gpuRate.sps / cpu.sps).toFixed(2)}x ` +
          `(${spec.label}; first loss ${gpuRate.loss.toFixed(5)} vs ${cpu.loss.toFixed(5)})`,
      );
    });
  }
}
line('done', gpu === null ? 'without a Dawn instance' : 'Dawn instance held to the end');
