// The benchmark table with a device column: one row per case and tessera device, the peers' cells
// shared, and "results agree" comparing a later device's row with tessera on the first device
// (carried unprinted as 'tessera@DEVICE'), so a wrong GPU result shows without any peer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCases } from './cases.js';
import { summarize } from './harness.js';
import { cellNotes, formatTable, type Row, toJson } from './report.js';
import type { Result } from './runner.js';

const ok = (ms: number, checksum: number): Result => ({ status: 'ok', stats: summarize([ms, ms, ms], 1), checksum });
const spec = allCases().find((c) => c.id === 'train-mlp')!;

function rows(gpuChecksum: number): Row[] {
  const peer = ok(20, 100);
  const cpu = ok(10, 100);
  return [
    {
      spec,
      device: 'cpu',
      results: new Map([
        ['tessera', cpu],
        ['torch', peer],
      ]),
    },
    {
      spec,
      device: 'webgpu',
      results: new Map([
        ['tessera', ok(5, gpuChecksum)],
        ['torch', peer],
        ['tessera@cpu', cpu],
      ]),
    },
  ];
}

test('bench table: a device column, one row per device, ratios per row, devices compared', () => {
  const table = formatTable(rows(100), ['tessera', 'torch']).split('\n');
  assert.match(table[0], /^case\s+device\s+unit\s+tessera\s+torch\s+vs torch\s+results agree$/);
  assert.match(table[2], /\scpu\s+samples\/s\s+12800\s+6400\s+2\.000x\s+yes$/);
  assert.match(table[3], /\swebgpu\s+samples\/s\s+25600\s+6400\s+4\.000x\s+yes$/);
  assert.ok(!table.join('\n').includes('tessera@cpu'), 'the first device result is not printed as a column');
});

test('bench table: a GPU result that differs from the CPU device is flagged, with or without peers', () => {
  const wrong = rows(101);
  assert.match(formatTable(wrong, ['tessera', 'torch']).split('\n')[3], /NO: torch 9\.9e-3, tessera@cpu 9\.9e-3$/);
  for (const r of wrong) r.results.delete('torch');
  assert.match(formatTable(wrong, ['tessera']).split('\n')[3], /NO: tessera@cpu 9\.9e-3$/);
  const json = toJson(wrong, ['tessera'], {}) as { cases: { device: string }[] };
  assert.deepEqual(
    json.cases.map((c) => c.device),
    ['cpu', 'webgpu'],
  );
});

test("bench notes: a peer's failure is noted once per case, tessera's once per device", () => {
  const r = rows(100);
  const err: Result = { status: 'error', reason: 'boom' };
  for (const row of r) row.results.set('torch', err);
  r[1].results.set('tessera', { status: 'unsupported', reason: 'webgpu: conv2d is not implemented yet' });
  assert.deepEqual(cellNotes(r), [
    'train-mlp / torch: error: boom',
    'train-mlp / tessera on webgpu: unsupported: webgpu: conv2d is not implemented yet',
  ]);
});
