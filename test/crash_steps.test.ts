// The crash harness itself: it must catch the bugs it exists for. A small two-file writer (a data
// file named by its version, then a manifest naming it, as saveModel does) passes when written
// correctly and fails, under crashEveryStep, with each durability step left out in turn; and
// saveModel's recorded operations follow the protocol of src/io/model_files.ts's header in order.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { tensor } from '../src/index.js';
import { syncDirectory } from '../src/io/durable.js';
import { saveModel } from '../src/io/model_files.js';
import { nodeModules } from '../src/io/node.js';
import { withFaults } from './crash.js';
import { crashEveryStep } from './crash_steps.js';

const base = mkdtempSync(join(tmpdir(), 'tessera-crash-harness-'));
type Skip = 'fileSync' | 'dirSync' | 'parentSync' | 'tmp' | null;

/** Writes `dir`/data-<v> then `dir`/manifest naming it, removing older data files; `skip` leaves one step out. */
async function write(dir: string, v: number, skip: Skip): Promise<void> {
  const { fs } = await nodeModules('test');
  if (!existsSync(dir)) {
    await fs.mkdir(dir);
    if (skip !== 'parentSync') await syncDirectory(dirname(dir));
  }
  const put = async (name: string, text: string) => {
    const tmp = join(dir, skip === 'tmp' ? name : `.${name}.tmp`);
    const h = await fs.open(tmp, 'w');
    await h.writeFile(text);
    if (skip !== 'fileSync') await h.sync();
    await h.close();
    if (tmp !== join(dir, name)) await fs.rename(tmp, join(dir, name));
    if (skip !== 'dirSync') await syncDirectory(dir);
  };
  await put(`data-${v}`, `version ${v}`);
  await put('manifest', `data-${v}`);
  for (const name of await fs.readdir(dir)) if (name.startsWith('data-') && name !== `data-${v}`) await fs.rm(join(dir, name));
}

async function version(dir: string): Promise<number> {
  if (!existsSync(join(dir, 'manifest'))) return 0;
  const file = readFileSync(join(dir, 'manifest'), 'utf8');
  const text = readFileSync(join(dir, file), 'utf8');
  if (text !== `version ${file.slice(5)}`) throw new Error(`${file} holds ${JSON.stringify(text)}`);
  return Number(file.slice(5));
}

async function check(skip: Skip): Promise<void> {
  const root = join(base, `w-${skip}`);
  const dir = join(root, 'd');
  await crashEveryStep({ root, run: () => write(dir, 1, skip), label: async (d) => ({ d: await version(join(d, 'd')) }), final: { d: 1 } });
  await crashEveryStep({
    root,
    setup: () => write(dir, 1, null),
    run: () => write(dir, 2, skip),
    label: async (d) => ({ d: await version(join(d, 'd')) }),
    final: { d: 2 },
  });
}

test('a writer with every flush in place passes', async () => {
  await check(null);
});

for (const [skip, what] of [
  ['fileSync', 'no fsync of the file before its rename: a power loss keeps the name, not the bytes'],
  ['dirSync', 'no fsync of the folder after a rename: the old data file can be gone before the manifest is durable'],
  ['parentSync', 'no fsync of the parent of a new folder: the saved folder can vanish'],
  ['tmp', 'writing in place: a kill leaves a torn file'],
] as const) {
  test(`the harness catches a writer with ${what}`, async () => {
    await assert.rejects(check(skip), /does not load|older than|not between|versions a power loss leaves|versions after/);
  });
}

test("saveModel's operations follow the protocol: weights flushed and renamed, then model.json, then cleanup", async () => {
  const dir = join(base, 'm');
  const input = (v: number) => ({ stateDict: { w: tensor([v]) }, architecture: {} });
  await saveModel(dir, input(1));
  const { ops } = await withFaults(() => saveModel(dir, input(2)));
  const steps = ops.map((op) => {
    const name = (p: string) =>
      p === dir
        ? '<dir>'
        : basename(p)
            .replace(/^\..*\.tmp$/, '<tmp>')
            .replace(/[0-9a-f]{16}/, '<sha>');
    return `${op.call} ${name(op.path)}${op.to ? ` -> ${name(op.to)}` : ''}`;
  });
  assert.deepEqual(steps, [
    'mkdir <dir>',
    'open <tmp>',
    'handle.writeFile <tmp>',
    'handle.sync <tmp>',
    'rename <tmp> -> model-<sha>.safetensors',
    'handle.sync <dir>',
    'open <tmp>',
    'handle.writeFile <tmp>',
    'handle.sync <tmp>',
    'rename <tmp> -> model.json',
    'handle.sync <dir>',
    'rm model-<sha>.safetensors',
    'handle.sync <dir>',
  ]);
});
