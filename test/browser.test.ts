// The browser build (dist/browser/tessera.js, from `npm run build`) in headless Chromium: Debian's
// `chromium` driven by playwright-core, pages served from 127.0.0.1. On a page with COOP/COEP
// headers the quick-start MLP (README, examples/quickstart.yaml) trains with `fit` on the
// Fashion-MNIST subset fetched from the server, and the CPU device runs its thread pool on module
// Workers; a page without those headers trains on one thread and warns once. The Node-only
// functions throw errors naming the browser alternative. WebGPU: Chromium runs with
// --enable-unsafe-webgpu (and without --disable-gpu), the page is a secure context
// (http://127.0.0.1), and Debian's Chromium gives navigator.gpu a SwiftShader adapter (a CPU
// implementation of Vulkan): the page registers the 'webgpu' device from the bundle, checks
// elementwise ops and reductions against the page's CPU device, and trains a small MLP with fit on
// WebGPU (the loss falls; losses and predictions agree with the same model trained on the CPU).
// Under CI=true a missing chromium, or no WebGPU adapter in it, fails.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { skipUnlessAvailable } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu', // navigator.gpu on Linux (SwiftShader when there is no GPU)
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const WARNING = 'tessera: this page is not cross-origin isolated (COOP/COEP headers), so the CPU device runs on one thread';
const root = fileURLToPath(new URL('../..', import.meta.url)); // dist/test/ -> the repository
const bundle = join(root, 'dist/browser/tessera.js');
/** What the server hands out: the bundle and its worker, and the Fashion-MNIST subset. */
const SERVED = ['dist/browser/', 'data/fashion-mnist-small/'];
const TYPES: Record<string, string> = { js: 'text/javascript', map: 'application/json', gz: 'application/gzip' };

/**
 * Serves `/isolated/<file>` with COOP/COEP (so the page may share memory with workers) and
 * `/plain/<file>` without; `/<mode>/` is an empty page.
 */
function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const [, mode, ...rest] = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.split('/');
    const file = normalize(rest.join('/'));
    const headers: Record<string, string> =
      mode === 'isolated' ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if ((mode !== 'isolated' && mode !== 'plain') || (file !== '.' && !SERVED.some((dir) => file.startsWith(dir)))) {
      res.writeHead(404).end();
      return;
    }
    if (file === '.') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>tessera</title>');
      return;
    }
    try {
      const body = await readFile(join(root, file));
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[file.split('.').pop() as string] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/** What the page reports back. */
interface PageResult {
  isolated: boolean;
  losses: number[];
  testAccuracy: number;
  threads: number;
  names: string[];
  errors: Record<string, string>;
}

/**
 * Runs in the page: the quick-start MLP trained with fit on fetched IDX files, then every
 * Node-only function called once. Self-contained (it is serialised into the page).
 */
async function quickStart(): Promise<PageResult> {
  const t = (await import('./dist/browser/tessera.js' as string)) as typeof import('../src/browser.js');
  const idx = async (name: string) => {
    const url = `./data/fashion-mnist-small/${name}-ubyte.gz`;
    return t.decodeIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()), url);
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ['train-images-idx3', 'train-labels-idx1', 't10k-images-idx3', 't10k-labels-idx1'].map(idx),
  );
  const pixels = (a: typeof trainImages) => t.tensor(Float32Array.from(a.data, (v) => v / 255)).reshape([a.shape[0], 784]); // (N, 784)
  const labels = (a: typeof trainLabels) => t.tensor(Int32Array.from(a.data), { dtype: 'int32' }); // (N)

  t.manualSeed(0);
  const model = new t.Sequential(new t.Linear(784, 128), new t.ReLU(), new t.Linear(128, 10));
  const trainer = t.compile(model, {
    optimizer: new t.Adam(model.parameters(), { lr: 1e-3 }),
    loss: 'crossEntropy',
    metrics: ['accuracy'],
  });
  const history = await trainer.fit(pixels(trainImages), labels(trainLabels), {
    epochs: 10,
    batchSize: 32,
    validationSplit: 0.1,
    verbose: 0,
  });
  const { accuracy } = await trainer.evaluate(pixels(testImages), labels(testLabels));

  const errors: Record<string, string> = {};
  const calls: Record<string, () => Promise<unknown>> = {
    readCsv: () => t.readCsv('data.csv'),
    readParquet: () => t.readParquet('data.parquet'),
    query: () => t.query('SELECT 42'),
    openDatabase: () => t.openDatabase(),
    loadFashionMNIST: () => t.loadFashionMNIST(),
    readIdx: () => t.readIdx('train-images-idx3-ubyte.gz'),
    saveModel: () => t.saveModel(model, 'runs/mlp'),
    loadModel: () => t.loadModel('runs/mlp'),
    toSVG: () =>
      t
        .confusionMatrixChart([
          [5, 1],
          [2, 7],
        ])
        .toSVG(),
    toPNG: () =>
      t
        .confusionMatrixChart([
          [5, 1],
          [2, 7],
        ])
        .toPNG(),
  };
  for (const [name, call] of Object.entries(calls)) {
    try {
      await call();
      errors[name] = 'no error';
    } catch (e) {
      errors[name] = String((e as Error).message);
    }
  }
  return {
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    losses: history.history.loss,
    testAccuracy: accuracy,
    threads: t.runningThreads(),
    names: Object.keys(t),
    errors,
  };
}

/** What the WebGPU page reports: the adapter, or why there is none, and its checks. */
interface GpuPageResult {
  /** The adapter's info (vendor / architecture / device), or null when registerWebGpu rejected. */
  adapter: string | null;
  error?: string;
  /** Per check: the WebGPU values and the CPU's, as plain arrays. */
  checks: Record<string, { gpu: number[]; cpu: number[] }>;
}

/**
 * Runs in the page: registers the 'webgpu' device from the bundle (navigator.gpu), then the same
 * elementwise ops (broadcast, transposed view, comparison) and reductions on 'webgpu' and on
 * 'cpu'. Self-contained (it is serialised into the page).
 */
async function webgpuOps(): Promise<GpuPageResult> {
  const t = (await import('./dist/browser/tessera.js' as string)) as typeof import('../src/browser.js');
  let adapter: string;
  try {
    const dev = await t.registerWebGpu();
    const info = dev.adapter.info;
    adapter = info ? `${info.vendor} / ${info.architecture} / ${info.device}` : 'unknown';
  } catch (e) {
    return { adapter: null, error: (e as Error).message, checks: {} };
  }
  const xs = Float32Array.from({ length: 6 * 50 }, (_, i) => 3 * Math.sin(0.37 * i)); // (6, 50)
  const bs = Float32Array.from({ length: 50 }, (_, i) => 0.1 * i - 2); // (50)
  const checks: GpuPageResult['checks'] = {};
  const on = async (device: string) => {
    const x = t.tensor(xs, { device }).reshape([6, 50]);
    const b = t.tensor(bs, { device });
    const y = x.mul(0.5).add(b).exp().sub(x.relu()); // broadcast (6, 50) + (50)
    return {
      elementwise: y,
      transposedGt: x
        .transpose(0, 1)
        .gt(b.reshape([50, 1]))
        .to('float32'), // (50, 6): a strided view
      sumRows: y.sum(1), // (6)
      maxCols: x.max(0), // (50)
      meanAll: x.tanh().mean(),
    };
  };
  const [gpu, cpu] = [await on('webgpu'), await on('cpu')];
  for (const name of Object.keys(gpu) as (keyof typeof gpu)[]) {
    checks[name] = { gpu: Array.from(await gpu[name].data()), cpu: Array.from(await cpu[name].data()) };
  }
  return { adapter, checks };
}

/** What the WebGPU training page reports. */
interface GpuTrainResult {
  adapter: string | null;
  error?: string;
  devices: { gpu: string; cpu: string };
  losses: { gpu: number[]; cpu: number[] };
  predictions: { gpu: number[]; cpu: number[] };
  accuracy: { gpu: number; cpu: number };
}

/**
 * Runs in the page: the same small MLP (the same seeded initial weights) moved to 'webgpu' or kept
 * on 'cpu' and trained with fit on a synthetic 4-class problem (in-page data on the CPU: 256
 * samples of 8 features), without shuffling so both see the same batches; then both predict.
 * Self-contained.
 */
async function webgpuTraining(): Promise<GpuTrainResult> {
  const t = (await import('./dist/browser/tessera.js' as string)) as typeof import('../src/browser.js');
  const none = {
    devices: { gpu: '', cpu: '' },
    losses: { gpu: [], cpu: [] },
    predictions: { gpu: [], cpu: [] },
    accuracy: { gpu: 0, cpu: 0 },
  };
  let adapter: string;
  try {
    const dev = await t.registerWebGpu();
    adapter = dev.adapter.info?.architecture ?? 'unknown';
  } catch (e) {
    return { adapter: null, error: (e as Error).message, ...none };
  }
  // 4 Gaussian blobs in 8 dimensions (a small seeded generator: the page has no test helpers)
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const n = 256;
  const features = new Float32Array(n * 8);
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    classes[i] = i % 4;
    for (let j = 0; j < 8; j++) features[i * 8 + j] = (j % 4 === classes[i] ? 2 : 0) + (rand() + rand() + rand() - 1.5);
  }
  const train = async (device: string) => {
    t.manualSeed(0);
    const model = new t.Sequential(new t.Linear(8, 32), new t.ReLU(), new t.Linear(32, 4)).to(device);
    const trainer = t.compile(model, {
      optimizer: new t.Adam(model.parameters(), { lr: 1e-2 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
    });
    // the data stay on the CPU, as a user's do: fit, evaluate and predict move each batch to the model's device
    const x = t.tensor(features).reshape([n, 8]);
    const y = t.tensor(classes, { dtype: 'int32' });
    const history = await trainer.fit(x, y, { epochs: 8, batchSize: 32, shuffle: false, verbose: 0 });
    const { accuracy } = await trainer.evaluate(x, y);
    const predictions = trainer.predict(x);
    return {
      device: predictions.device,
      losses: history.history.loss,
      predictions: Array.from(await predictions.data()),
      accuracy,
    };
  };
  const gpu = await train('webgpu');
  const cpu = await train('cpu');
  return {
    adapter,
    devices: { gpu: gpu.device, cpu: cpu.device },
    losses: { gpu: gpu.losses, cpu: cpu.losses },
    predictions: { gpu: gpu.predictions, cpu: cpu.predictions },
    accuracy: { gpu: gpu.accuracy, cpu: cpu.accuracy },
  };
}

let browser: Browser | null = null;
let site: { server: Server; origin: string } | null = null;

before(async () => {
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  site = await serve();
});

after(async () => {
  await browser?.close();
  site?.server.close();
});

/** Runs `fn` on a page in `mode`; returns its result and the console messages the page logged. */
async function run<R = PageResult>(
  mode: 'isolated' | 'plain',
  fn: () => Promise<R> = quickStart as unknown as () => Promise<R>,
): Promise<{ result: R; messages: string[] }> {
  assert.ok(existsSync(bundle), `${bundle} is missing: npm run build makes it`);
  const page = await (browser as Browser).newPage();
  const messages: string[] = [];
  const failures: string[] = [];
  page.on('console', (m) => messages.push(m.text()));
  page.on('pageerror', (e) => failures.push(e.message));
  page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  try {
    await page.goto(`${site?.origin}/${mode}/`);
    const result = await page.evaluate(fn);
    assert.deepEqual(failures, [], `${mode} page`);
    return { result, messages };
  } finally {
    await page.close();
  }
}

function checkTraining(result: PageResult): void {
  const { losses, testAccuracy } = result;
  assert.equal(losses.length, 10);
  assert.ok(losses[9] < 0.6 * losses[0], `the loss falls: ${losses.map((l) => l.toFixed(3)).join(', ')}`);
  // random weights get about 0.1; the quick start reaches about 0.8
  assert.ok(testAccuracy > 0.65, `test accuracy ${testAccuracy}`);
}

test('browser: a cross-origin isolated page trains the quick-start MLP with the thread pool on Web Workers', async (t) => {
  if (skipUnlessAvailable(t, existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`)) return;
  const { result, messages } = await run('isolated');
  t.diagnostic(
    `losses ${result.losses.map((l) => l.toFixed(3)).join(' ')}, test accuracy ${result.testAccuracy}, ${result.threads} threads`,
  );
  assert.equal(result.isolated, true);
  checkTraining(result);
  assert.ok(result.threads > 1, `the pool ran ${result.threads} thread(s)`);
  assert.ok(!messages.includes(WARNING), messages.join('\n'));
});

test('browser: without COOP/COEP the CPU device trains on one thread and says so once', async (t) => {
  if (skipUnlessAvailable(t, existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`)) return;
  const { result, messages } = await run('plain');
  assert.equal(result.isolated, false);
  checkTraining(result);
  assert.equal(result.threads, 1);
  assert.equal(messages.filter((m) => m === WARNING).length, 1, messages.join('\n'));

  // the same names as the Node entry; the Node-only ones fail with an error that says what to do instead
  const node = Object.keys(await import('../src/index.js'));
  assert.deepEqual(
    node.filter((name) => !result.names.includes(name)),
    [],
  );
  for (const op of ['readCsv', 'readParquet', 'query', 'openDatabase']) {
    assert.match(
      result.errors[op],
      new RegExp(`^${op} needs Node\\.js \\(DuckDB\\); in the browser, build a Table from arrays with Table\\.fromColumns`),
    );
  }
  for (const op of ['loadFashionMNIST', 'readIdx', 'saveModel', 'loadModel']) {
    // (loadModel's error names loadModelFiles, the file-level function it calls)
    assert.match(result.errors[op], new RegExp(`^${op}(Files)?: needs Node\\.js file system access; in a browser`));
  }
  assert.match(result.errors.toSVG, /^toSVG: charts need the vega and vega-lite packages, which the browser bundle leaves out/);
  assert.match(
    result.errors.toPNG,
    /^toPNG: PNG rendering needs Node\.js \(@resvg\/resvg-js is a native module\); in a browser, draw the SVG/,
  );
});

/** |a - b| <= rtol |b| + atol element by element; the message names the first mismatch. */
function close(got: readonly number[], want: readonly number[], what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const bad = got.findIndex((v, i) => !(Math.abs(v - want[i]) <= rtol * Math.abs(want[i]) + atol));
  assert.equal(bad, -1, `${what}: element ${bad}: webgpu ${got[bad]}, cpu ${want[bad]}`);
}

/** The WebGPU adapter is required: skips without one, fails under CI=true (helpers.skipUnlessAvailable). */
function needAdapter(t: Parameters<typeof skipUnlessAvailable>[0], result: { adapter: string | null; error?: string }): boolean {
  return skipUnlessAvailable(
    t,
    result.adapter !== null,
    `a WebGPU adapter in Chromium (--enable-unsafe-webgpu; Debian's chromium has SwiftShader): ${result.error}`,
  );
}

test("browser: WebGPU (navigator.gpu, Chromium's SwiftShader adapter): elementwise ops and reductions agree with the CPU device", async (t) => {
  if (skipUnlessAvailable(t, existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`)) return;
  const { result } = await run('plain', webgpuOps);
  if (needAdapter(t, result)) return;
  t.diagnostic(`adapter: ${result.adapter}`);
  assert.deepEqual(Object.keys(result.checks), ['elementwise', 'transposedGt', 'sumRows', 'maxCols', 'meanAll']);
  const { elementwise, transposedGt, sumRows, maxCols, meanAll } = result.checks;
  close(elementwise.gpu, elementwise.cpu, 'exp(x/2 + b) - relu(x)');
  assert.deepEqual(transposedGt.gpu, transposedGt.cpu, 'x.T > b');
  assert.ok(transposedGt.cpu.includes(0) && transposedGt.cpu.includes(1), 'the comparison has both outcomes');
  close(sumRows.gpu, sumRows.cpu, 'sum(1)', 1e-4, 1e-5 * Math.sqrt(50 / 256));
  assert.deepEqual(maxCols.gpu, maxCols.cpu, 'max(0)');
  close(meanAll.gpu, meanAll.cpu, 'tanh(x).mean()', 1e-4, 1e-5 * Math.sqrt(300 / 256));
});

test('browser: WebGPU: a small MLP trains with fit on the page; losses and predictions agree with the CPU device', async (t) => {
  if (skipUnlessAvailable(t, existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`)) return;
  const { result } = await run('plain', webgpuTraining);
  if (needAdapter(t, result)) return;
  const { losses, predictions, accuracy, devices } = result;
  t.diagnostic(
    `${result.adapter}: losses webgpu ${losses.gpu.map((l) => l.toFixed(4)).join(' ')}; cpu ${losses.cpu.map((l) => l.toFixed(4)).join(' ')}; accuracy ${accuracy.gpu} / ${accuracy.cpu}`,
  );
  assert.deepEqual(devices, { gpu: 'webgpu', cpu: 'cpu' });
  assert.equal(losses.gpu.length, 8);
  assert.ok(losses.gpu[7] < 0.5 * losses.gpu[0], `the loss falls on webgpu: ${losses.gpu.join(', ')}`);
  assert.ok(accuracy.gpu > 0.9, `accuracy on webgpu ${accuracy.gpu}`);
  // the same weights, batches and updates: the two devices differ only by float rounding
  close(losses.gpu, losses.cpu, 'epoch losses', 1e-3, 1e-4);
  close(predictions.gpu, predictions.cpu, 'predictions (256, 4)', 1e-3, 1e-3);
});
