// Crash at every step of a writer, and lose power at every step, and check what is left each time.
//
//   const steps = await crashEveryStep({ root, setup, run, label });
//
// For k = 1, 2, ... until the writer finishes without reaching a k-th mutating operation:
// `setup()` prepares `root` afresh (e.g. saves the old version), `run()` writes under crash.ts's
// failure injection crashing at operation k, and then `label(copy)` reads a copy of `root`:
//   - as the crash left it on disk (a kill at that instant),
//   - as a power loss at that instant could leave it (powerloss.ts): every unflushed change lost,
//     every entry change kept with only flushed bytes, and a few random mixes.
// `label` loads each folder of interest and names its version as a number per folder (0: missing
// or the oldest, then one per save, in order), throwing when a folder does not load. The checks,
// per folder: a kill's version never goes backwards as k grows (what was saved stays saved); a
// power loss gives a version between what was durable and what was visible at that instant; what
// was durable never goes backwards; and once `run()` returns, the last version is durable.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFaults } from './crash.js';
import { DiskModel } from './powerloss.js';

/** A version number per folder of interest, e.g. `{ best: 1, last: 2 }`. */
export type Versions = Record<string, number>;

export interface CrashEveryStep {
  /** The folder the writer writes under, recreated empty before each step. */
  root: string;
  /** Prepares `root` before each step (outside the injection), e.g. by saving the old version. */
  setup?: () => Promise<void>;
  /** The writer, run under the injection. */
  run: () => Promise<void>;
  /** Reads a copy of `root` (the folder given) and names each folder's version; throws if one does not load. */
  label: (dir: string) => Promise<Versions>;
  /** The versions once `run` has returned. */
  final: Versions;
  /** Random power-loss mixes per step. Default 3. */
  mixes?: number;
}

/** Runs the checks above; returns the number of mutating operations of the writer (the steps). */
export async function crashEveryStep(c: CrashEveryStep): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
  let views = 0;
  const labelOf = async (dir: string, what: string): Promise<Versions> => {
    try {
      return await c.label(dir);
    } catch (e) {
      throw new Error(`${what}: a folder does not load: ${(e as Error).message}`, { cause: e });
    }
  };
  const fresh = async () => {
    rmSync(c.root, { recursive: true, force: true });
    mkdirSync(c.root, { recursive: true });
    await c.setup?.();
  };
  try {
    let seenKill: Versions = {};
    let seenDurable: Versions = {};
    for (let k = 1; ; k++) {
      await fresh();
      const disk = new DiskModel(c.root);
      const copy = join(scratch, `kill-${k}`);
      const run = await withFaults(c.run, { crashAt: k, onCrash: () => cpSync(c.root, copy, { recursive: true }) });
      disk.apply(run.ops.slice(0, run.crashed ? k - 1 : run.ops.length));
      const at = run.crashed ? `step ${k} (${run.ops[k - 1].call} ${run.ops[k - 1].path})` : 'the end';
      const visible = await labelOf(run.crashed ? copy : c.root, run.crashed ? `a kill before ${at}` : 'after the writer returned');
      const durable = await labelOf(disk.view(join(scratch, `durable-${k}`), 'durable'), `power loss before ${at}, nothing unflushed kept`);
      views += 2;
      for (const [name, v] of Object.entries(visible)) {
        assert.ok(
          v >= (seenKill[name] ?? 0),
          `${name}: a kill before ${at} leaves version ${v}, older than ${seenKill[name]} seen earlier`,
        );
        const d = durable[name];
        assert.ok(d <= v, `${name}: the durable version ${d} is newer than the visible ${v} before ${at}`);
        assert.ok(d >= (seenDurable[name] ?? 0), `${name}: a power loss before ${at} leaves version ${d}, older than ${seenDurable[name]}`);
      }
      const policies: ('volatile' | number)[] = ['volatile', ...Array.from({ length: c.mixes ?? 3 }, (_, i) => k * 101 + i)];
      for (const policy of policies) {
        const mixed = await labelOf(disk.view(join(scratch, `mix-${k}-${policy}`), policy), `power loss before ${at} (${policy})`);
        views++;
        for (const [name, v] of Object.entries(mixed)) {
          assert.ok(
            v >= durable[name] && v <= visible[name],
            `${name}: a power loss before ${at} (${policy}) leaves version ${v}, not between ${durable[name]} and ${visible[name]}`,
          );
        }
      }
      seenKill = visible;
      seenDurable = durable;
      for (const name of readdirSync(scratch)) rmSync(join(scratch, name), { recursive: true, force: true });
      if (!run.crashed) {
        assert.deepEqual(visible, c.final, 'the versions after the writer returned');
        assert.deepEqual(durable, c.final, 'the versions a power loss leaves after the writer returned (not all flushed)');
        assert.ok(views > 0);
        return k - 1;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(c.root, { recursive: true, force: true });
  }
}
