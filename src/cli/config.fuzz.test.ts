// Random training configs for the config validator and for `tessera train`: valid ones (images or a
// CSV table, layer lists or presets, every optimizer, schedules, callbacks, the checkpoint section)
// and the same with one random defect (a wrong type, an unknown field, an out-of-range number, a
// missing required field, bad nesting, a prototype-pollution key). Oracles: a valid config parses
// and keeps its values; a defective one is a ConfigError one of whose problems names the defect's
// field path; nothing else is thrown, no case hangs, Object.prototype is never touched. A few of
// each then go through a real `tessera train --dry-run` process (and one trains an epoch): exit 0,
// or exit 2 with the field path on stderr.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, scratchDir, writeText } from '../../test/cli_harness.js';
import { expectClearError, FUZZ_SEED, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { parseTrainConfig } from './config.js';
import { ConfigError } from './errors.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const CUSTOMERS = fileURLToPath(new URL('../../../test/fixtures/cli_tabular/customers.csv', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const hidden = fc.integer({ min: 1, max: 48 });
const images = fc.record({
  source: fc.constant('builtin:fashion-mnist-small'),
  validationSplit: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 0.5, noNaN: true })),
  batchSize: fc.integer({ min: 1, max: 256 }),
  shuffle: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1e6 }),
});
const table = fc.record({
  source: fc.constant('csv'),
  path: fc.constant(CUSTOMERS),
  target: fc.constant('churned'),
  drop: fc.constant(['id']),
  testSplit: fc.constantFrom(0.2, 0.3),
  validationSplit: fc.constantFrom(0, 0.2),
  batchSize: fc.integer({ min: 1, max: 64 }),
});
const layers = hidden.map((h) => ({
  layers: [{ type: 'Linear', inFeatures: 784, outFeatures: h }, { type: 'ReLU' }, { type: 'Linear', inFeatures: h, outFeatures: 10 }],
}));
const mlp = fc.record({ preset: fc.constant('mlp'), hidden: fc.array(hidden, { minLength: 1, maxLength: 3 }) });
const optimizer = fc.record({
  type: fc.constantFrom('adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'),
  lr: fc.double({ min: 1e-5, max: 1, noNaN: true }),
});
const schedule = fc.oneof(
  fc.record({
    type: fc.constant('step'),
    stepSize: fc.integer({ min: 1, max: 10 }),
    gamma: fc.double({ min: 0.1, max: 0.99, noNaN: true }),
  }),
  fc.record({ type: fc.constant('exponential'), gamma: fc.double({ min: 0.5, max: 0.99, noNaN: true }) }),
  fc.record({ type: fc.constant('cosine') }),
);

/** A valid config: the monitor fields follow from whether there is validation data. */
const validConfig: fc.Arbitrary<Obj> = fc
  .record({
    kind: fc.constantFrom('images', 'images', 'table'),
    data: fc.oneof(images, table),
    model: fc.oneof(layers, mlp),
    optimizer,
    schedule: fc.option(schedule, { nil: undefined }),
    metrics: fc.subarray(['accuracy', 'top3', 'f1', 'precision', 'recall']),
    epochs: fc.integer({ min: 1, max: 50 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    earlyStopping: fc.option(fc.record({ patience: fc.integer({ min: 0, max: 10 }), restoreBestWeights: fc.boolean() }), {
      nil: undefined,
    }),
    logger: fc.boolean(),
    checkpoint: fc.oneof(fc.constant(undefined), fc.constant(false), fc.record({ everySteps: fc.integer({ min: 0, max: 1000 }) })),
  })
  .map((r) => {
    const data = r.kind === 'table' ? { ...r.data, source: 'csv', path: CUSTOMERS, target: 'churned' } : r.data;
    const tableData = data.source === 'csv';
    const config: Obj = {
      seed: r.seed,
      data: data as Obj,
      model: (tableData ? { preset: 'mlp', hidden: [8] } : r.model) as Obj,
      optimizer: r.optimizer,
      metrics: tableData ? r.metrics.filter((m) => m !== 'top3') : r.metrics,
      epochs: r.epochs,
    };
    if (r.schedule !== undefined) config.schedule = r.schedule as Obj;
    const monitor = (data.validationSplit as number) > 0 ? 'val_loss' : 'loss';
    const callbacks: Obj = {};
    if (r.earlyStopping !== undefined) callbacks.earlyStopping = { monitor, ...r.earlyStopping };
    if (r.logger) callbacks.csvLogger = 'log.csv';
    if (Object.keys(callbacks).length > 0) config.callbacks = callbacks;
    if (r.checkpoint !== undefined) config.checkpoint = r.checkpoint as Json;
    return config;
  });

/** Every field of `v` with its path as the validator writes it: config.data.batchSize, config.model.layers[0].type. */
function paths(v: Json, at = 'config'): { path: string; value: Json }[] {
  const out = [{ path: at, value: v }];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...paths(x, `${at}[${i}]`));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, `${at}.${k}`));
  return out;
}

/** A deep copy of `config` with the value at `path` replaced by `f(old)` (or removed when f returns undefined). */
function edit(config: Obj, path: string, f: (old: Json) => Json | undefined): Obj {
  const copy = structuredClone(config);
  const keys = [...path.slice('config'.length).matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
  if (keys.length === 0) return f(copy) as Obj; // the whole config
  let parent: Json = copy;
  for (const k of keys.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k];
  const last = keys[keys.length - 1];
  const value = f((parent as Record<string | number, Json>)[last]);
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Obj)[String(last)];
  } else (parent as Record<string | number, Json>)[last] = value;
  return copy;
}

/** Adds own key `key` to the object at `path` (own, even for __proto__, as JSON.parse and YAML give it). */
function addKey(config: Obj, path: string, key: string, value: Json): Obj {
  return edit(config, path, (old) => {
    const o = { ...(old as Obj) };
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
    return o;
  });
}

const INTEGER_FIELDS = /\.(seed|epochs|batchSize|patience|stepSize|everySteps|inFeatures|outFeatures)$|\.hidden\[\d+\]$/;
/** Fields the validator must require (when their parent is there). */
const REQUIRED = /^config\.(data|model|optimizer|data\.source|optimizer\.type|data\.target|data\.path)$|\.layers\[\d+\]\.type$/;

/** A defect applied to a valid config, and the field path the error must name. */
type Defect = { config: Obj; path: string; kind: string };

function defects(config: Obj, pick: number, variant: number): Defect[] {
  const fields = paths(config).filter((f) => f.path !== 'config');
  const field = fields[pick % fields.length];
  const objects = paths(config).filter((f) => f.value !== null && typeof f.value === 'object' && !Array.isArray(f.value));
  const object = objects[pick % objects.length].path;
  const out: Defect[] = [];
  const v = field.value;
  // a value of a type the field never takes
  const wrongs: Json[] =
    typeof v === 'number'
      ? ['fast', true, [1]]
      : typeof v === 'string'
        ? [42, [], { a: 1 }]
        : typeof v === 'boolean'
          ? ['yes', 1]
          : ['x', 42];
  const wrong = wrongs[variant % wrongs.length];
  if (!(field.path === 'config.checkpoint' && wrong === false))
    out.push({ config: edit(config, field.path, () => wrong), path: field.path, kind: 'wrong type' });
  if (typeof v === 'number') {
    const bad = INTEGER_FIELDS.test(field.path) && variant % 2 === 0 ? 2.5 : [-1, Number.POSITIVE_INFINITY, Number.NaN][variant % 3];
    if (!(field.path.endsWith('.lr') && bad === 2.5))
      out.push({ config: edit(config, field.path, () => bad), path: field.path, kind: 'out of range' });
  }
  if (REQUIRED.test(field.path)) out.push({ config: edit(config, field.path, () => undefined), path: field.path, kind: 'missing' });
  const unknown = ['colour', 'epoch', 'batchsize', 'lR', 'Layers'][variant % 5];
  out.push({ config: addKey(config, object, unknown, 1), path: `${object}.${unknown}`, kind: 'unknown field' });
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    out.push({ config: addKey(config, object, key, { polluted: true }), path: `${object}.${key}`, kind: 'prototype pollution' });
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    out.push({ config: edit(config, field.path, (old) => [old]), path: field.path, kind: 'bad nesting' });
  }
  return out;
}

/** Runs the validator on `raw`: the config, or the ConfigError. Anything else fails the case. */
async function validate(raw: unknown): Promise<{ ok: true } | { problems: readonly string[] }> {
  const r = await outcome(() => parseTrainConfig(raw, { name: 'fuzz' }), 5000);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  if ('ok' in r) return { ok: true };
  expectClearError(r.error, ['config']);
  assert.ok(r.error instanceof ConfigError, `not a ConfigError: ${String(r.error)}`);
  return { problems: r.error.problems };
}

test('valid random configs parse (oracle: no problem, and the values given are the values kept)', async () => {
  await fc.assert(
    fc.asyncProperty(validConfig, async (raw) => {
      const r = await outcome(() => parseTrainConfig(raw, { name: 'fuzz' }), 5000);
      assert.ok('ok' in r, `a valid config was refused: ${'error' in r ? (r.error as Error).message : ''}\n${JSON.stringify(raw)}`);
      const config = r.ok;
      assert.equal(config.epochs, raw.epochs);
      assert.equal(config.data.batchSize, (raw.data as Obj).batchSize);
      assert.equal(config.optimizer.lr, (raw.optimizer as Obj).lr);
      assert.equal(config.checkpoint === null, raw.checkpoint === false);
    }),
    fuzzParams(60, { includeErrorInReport: true }),
  );
});

test('random defects (oracle: a ConfigError naming the defect field path; never another error, a hang or pollution)', async () => {
  await fc.assert(
    fc.asyncProperty(validConfig, fc.nat(), fc.nat(), async (config, pick, variant) => {
      for (const d of defects(config, pick, variant)) {
        const r = await validate(d.config);
        assert.ok('problems' in r, `${d.kind} at ${d.path} was accepted: ${JSON.stringify(d.config)}`);
        assert.ok(
          r.problems.some((p) => p.includes(d.path)),
          `${d.kind} at ${d.path}: no problem names it:\n  ${r.problems.join('\n  ')}`,
        );
      }
    }),
    fuzzParams(60, { includeErrorInReport: true }),
  );
});

test('top-level shapes that are not configs (oracle: a ConfigError naming config)', async () => {
  for (const raw of [null, undefined, 42, 'epochs: 3', [], [{}], true, Object.create(null)]) {
    const r = await validate(raw);
    assert.ok('problems' in r && r.problems.some((p) => p.startsWith('config')), JSON.stringify(raw));
  }
});

test('a few random configs through a real `tessera train` process: valid ones run, defective ones exit 2 naming the field', async () => {
  const work = await scratchDir('tessera-fuzz-train-');
  const valid = fc.sample(validConfig, { seed: FUZZ_SEED, numRuns: 3 });
  for (const [i, config] of valid.entries()) {
    const file = await writeText(work, `valid${i}.json`, JSON.stringify({ ...config, output: `out${i}` }));
    const args = i === 0 ? ['train', file, '--epochs', '1', '--quiet'] : ['train', file, '--dry-run', '--quiet'];
    const r = await runCli(args, work, MAIN);
    assert.equal(r.code, 0, `${JSON.stringify(config)}\n${r.stderr}`);
    if (i === 0) assert.match(r.stdout, /Trained 1 epoch in [\d.]+ s/);
  }
  const broken = fc.sample(fc.tuple(validConfig, fc.nat(), fc.nat()), { seed: FUZZ_SEED + 1, numRuns: 3 });
  for (const [i, [config, pick, variant]] of broken.entries()) {
    const all = defects(config, pick, variant);
    const d = all[variant % all.length];
    const file = await writeText(work, `broken${i}.json`, JSON.stringify(d.config));
    const r = await runCli(['train', file, '--dry-run'], work, MAIN);
    assert.equal(r.code, 2, `${d.kind} at ${d.path}: ${r.stderr}`);
    assert.ok(r.stderr.includes(d.path), `${d.kind}: stderr does not name ${d.path}:\n${r.stderr}`);
  }
});
