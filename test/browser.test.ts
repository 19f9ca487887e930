// The browser build (dist/browser/tessera.js, from `npm run build`) in headless Chromium: Debian's
// `chromium` driven by playwright-core, pages served from 127.0.0.1. On a page with COOP/COEP
// headers the quick-start MLP (README, examples/quickstart.yaml) trains with `fit` on the
// Fashion-MNIST subset fetched from the server, and the CPU device runs its thread pool on module
// Workers; a page without those headers trains on one thread and warns once. The Node-only
// functions throw errors naming the browser alternative. Under CI=true a missing chromium fails.

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
  '--disable-gpu',
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

/** Trains on a page in `mode`; returns the page's result and the console messages it logged. */
async function run(mode: 'isolated' | 'plain'): Promise<{ result: PageResult; messages: string[] }> {
  assert.ok(existsSync(bundle), `${bundle} is missing: npm run build makes it`);
  const page = await (browser as Browser).newPage();
  const messages: string[] = [];
  const failures: string[] = [];
  page.on('console', (m) => messages.push(m.text()));
  page.on('pageerror', (e) => failures.push(e.message));
  page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  try {
    await page.goto(`${site?.origin}/${mode}/`);
    const result = await page.evaluate(quickStart);
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
