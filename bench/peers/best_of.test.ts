// BestOfRunner keeps, per case, the fastest configuration that ran, names it and the others'
// medians, skips configurations that fail to start, and reports a failure only when none ran.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaseSpec } from '../cases.js';
import type { CaseInputs } from '../data.js';
import { QUICK_POLICY, summarize } from '../harness.js';
import type { Result, Runner } from '../runner.js';
import { BestOfRunner } from './best_of.js';

/** A runner that reports a fixed median (ms), fails, or cannot start. */
function fake(ms: number | 'error' | 'no-start'): Runner {
  return {
    name: 'torch',
    setup: async () => {
      if (ms === 'no-start') throw new Error('cannot start');
      return { version: '1.13' };
    },
    run: async (): Promise<Result> =>
      ms === 'error' || ms === 'no-start'
        ? { status: 'error', reason: 'boom' }
        : { status: 'ok', stats: summarize([ms, ms, ms], 1), checksum: 1 },
    close: async () => {},
  };
}

const spec = { id: 'train-mlp' } as CaseSpec;
const inputs = new Map() as CaseInputs;

test('BestOfRunner keeps the fastest configuration per case and names it', async () => {
  const r = new BestOfRunner('torch', [
    { label: 'plain', runner: fake(2.1) },
    { label: 'GOMP_SPINCOUNT=0', runner: fake(1.9) },
    { label: 'OPENBLAS_NUM_THREADS=1', runner: fake('error') },
    { label: 'broken', runner: fake('no-start') },
  ]);
  const info = await r.setup();
  assert.match(String(info.configurations), /\[plain\] \[GOMP_SPINCOUNT=0\] \[OPENBLAS_NUM_THREADS=1\]/);
  assert.match(String(info['failed configurations']), /broken: cannot start/);
  const result = await r.run(spec, inputs, QUICK_POLICY);
  assert.equal(result.status, 'ok');
  if (result.status !== 'ok') return;
  assert.equal(result.stats.medianMs, 1.9);
  assert.match(result.note ?? '', /^fastest configuration GOMP_SPINCOUNT=0 \(1\.90 ms; plain 2\.10 ms\)$/);
  await r.close();
});

test('BestOfRunner reports the failure when no configuration ran the case, and refuses to start with none', async () => {
  const r = new BestOfRunner('torch', [{ label: 'a', runner: fake('error') }]);
  await r.setup();
  assert.deepEqual(await r.run(spec, inputs, QUICK_POLICY), { status: 'error', reason: 'boom' });
  await assert.rejects(new BestOfRunner('torch', [{ label: 'b', runner: fake('no-start') }]).setup(), /b: cannot start/);
});
