// Run: npm run build && node --cpu-prof --cpu-prof-dir=prof dist/bench/profile_step.js --case=train-mlp --steps=400
//      node dist/bench/profile_step.js --summarize=prof/<file>.cpuprofile
//
// Where a tessera training step (or batch-1 inference) spends its time: runs one of the bench's model
// cases (bench/training.ts: train-mlp, train-cnn, infer-mlp, infer-cnn; same model, batch, seeded
// inputs, Adam, the plain loop) for --steps calls under V8's sampling profiler, then --summarize prints the top functions by self time and the totals by source file,
// with tessera's heap statistics (spills, uploads) for the steps.

import { readFileSync } from 'node:fs';
import * as T from '../src/index.js';
import { makeInputs } from './data.js';
import { prepareModelCase } from './peers/tessera_training.js';
import { trainingCases } from './training.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Prints the `top` functions by self time and the self time per source file of a .cpuprofile. */
function summarize(file: string, top = 25): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of prof.samples.entries()) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const short = (url: string): string => url.replace(/^.*\/dist\//, '').replace(/^file:\/\//, '') || '(native)';
  const fnKey = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anonymous)'}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    byFn.set(fnKey(n), (byFn.get(fnKey(n)) ?? 0) + us);
    const f = n.callFrame.url ? short(n.callFrame.url) : n.callFrame.functionName;
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('\ntop functions by self time:');
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
  console.log('\nself time by file (or native function):');
  for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
}

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => [a.split('=')[0], a.split('=').slice(1).join('=')]));
  if (args.has('--summarize')) {
    summarize(args.get('--summarize')!);
    return;
  }
  const id = args.get('--case') ?? 'train-mlp';
  const steps = Number(args.get('--steps') ?? 400);
  const spec = trainingCases().find((c) => c.id === id);
  if (spec === undefined)
    throw new Error(
      `profile_step: --case must be one of ${trainingCases()
        .map((c) => c.id)
        .join(', ')}, got '${id}'`,
    );
  const prep = prepareModelCase(spec, makeInputs(spec.id, spec.inputs));
  for (let i = 0; i < 20; i++) prep.call(); // warm-up
  const before = T.memoryStats();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) prep.call();
  const ms = (performance.now() - t0) / steps;
  const after = T.memoryStats();
  console.log(`${spec.label}: ${ms.toFixed(3)} ms/call, ${Math.round((spec.model!.batch * 1000) / ms)} samples/s over ${steps} calls`);
  console.log(
    `heap during the steps: ${after.spills - before.spills} spills (${((after.spilledBytes - before.spilledBytes) / 2 ** 20 / steps).toFixed(2)} MiB/step), ` +
      `${after.uploads - before.uploads} uploads; heap ${(after.heapBytes / 2 ** 20).toFixed(0)} MiB, budget ${(after.budgetBytes / 2 ** 20).toFixed(0)} MiB`,
  );
}

main();
