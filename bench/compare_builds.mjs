// Two builds of tessera in one run, on the same cases: did a change cost speed? Runs each build's
// own bench/run.js (tessera alone, no peers) in alternating rounds, so drift in machine load hits
// both, and prints per case the median of the round medians and the ratio new speed / old speed
// (> 1: the new build is faster). Both checkouts must be built (npm run build).
//
//   git worktree add ../tessera-old <commit> && (cd ../tessera-old && npm ci)
//   node bench/compare_builds.mjs ../tessera-old . --rounds=3 -- --only=gemm,conv,elementwise,overhead,train
//
// Everything after `--` goes to bench/run.js. Writes bench/results/compare.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const own = split === -1 ? argv : argv.slice(0, split);
const passThrough = split === -1 ? [] : argv.slice(split + 1);
const dirs = own.filter((a) => !a.startsWith('--'));
const roundsArg = own.find((a) => a.startsWith('--rounds='));
const rounds = roundsArg === undefined ? 2 : Number(roundsArg.slice('--rounds='.length));
if (dirs.length !== 2 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node bench/compare_builds.mjs OLD_CHECKOUT NEW_CHECKOUT [--rounds=N] [-- run.js flags]');
  process.exit(2);
}
const [oldDir, newDir] = dirs.map((d) => path.resolve(d));

/** One bench/run.js of a checkout: case id -> { label, metric, higherIsBetter, medianMs, value }. */
function runOnce(dir) {
  const script = path.join(dir, 'dist/bench/run.js');
  execFileSync(process.execPath, [script, '--peers=', ...passThrough], { stdio: ['ignore', 'ignore', 'inherit'] });
  const json = JSON.parse(readFileSync(path.join(dir, 'bench/results/latest.json'), 'utf8'));
  const out = new Map();
  for (const c of json.cases) {
    const r = c.results.tessera;
    if (r?.status === 'ok')
      out.set(c.id, { label: c.label, metric: c.metric, higherIsBetter: c.higherIsBetter, ms: r.medianMs, value: r.value });
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const runs = { old: [], new: [] };
for (let r = 0; r < rounds; r++) {
  for (const [key, dir] of r % 2 === 0
    ? [
        ['old', oldDir],
        ['new', newDir],
      ]
    : [
        ['new', newDir],
        ['old', oldDir],
      ]) {
    console.error(`round ${r + 1}/${rounds}: ${key} (${dir})`);
    runs[key].push(runOnce(dir));
  }
}

const rows = [];
for (const [id, first] of runs.new[0]) {
  const oldMs = runs.old.map((m) => m.get(id)?.ms).filter((x) => x !== undefined);
  const newMs = runs.new.map((m) => m.get(id)?.ms).filter((x) => x !== undefined);
  if (oldMs.length === 0) continue;
  const o = median(oldMs);
  const n = median(newMs);
  rows.push({ id, label: first.label, metric: first.metric, oldMs: o, newMs: n, ratio: o / n, oldRounds: oldMs, newRounds: newMs });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`old: ${oldDir}\nnew: ${newDir}\n${cpu}, ${os.cpus().length} cores, ${rounds} rounds each, alternating\n`);
console.log('| case | old median ms | new median ms | new speed / old |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.oldMs.toPrecision(3)} | ${r.newMs.toPrecision(3)} | ${r.ratio.toFixed(2)}x |`);
mkdirSync(path.join(newDir, 'bench/results'), { recursive: true });
writeFileSync(path.join(newDir, 'bench/results/compare.json'), `${JSON.stringify({ oldDir, newDir, cpu, rounds, rows }, null, 2)}\n`);
