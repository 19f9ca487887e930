// tessera's whole-dataset metrics (src/eval/metrics) beside scikit-learn's, on the same predictions.
//
//   npm run build && node dist/bench/metrics.js [--n=1000000] [--quick] [--only=roc_auc,r2] [--python=/usr/bin/python3]
//
// One set of N predictions (binary labels and scores, 10-class labels, predictions and
// probabilities, regression targets and predictions) is drawn from a fixed seed and written to a
// temporary folder as raw int32 / float32 files; scikit-learn reads the same files in a subprocess
// (bench/peers/sklearn_metrics.py) and times itself with the same policy (bench/harness.ts:
// warm-up, then the median of several samples). Prints medians, the ratio tessera speed / sklearn
// speed (> 1: tessera is faster), and whether the two results agree.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy, f1 } from '../src/eval/metrics/classification.js';
import { confusionMatrix } from '../src/eval/metrics/confusion.js';
import { logLoss } from '../src/eval/metrics/log_loss.js';
import { averagePrecision, rocAuc } from '../src/eval/metrics/ranking.js';
import { meanSquaredError, r2Score } from '../src/eval/metrics/regression.js';
import { FULL_POLICY, measure, QUICK_POLICY, summarize, type TimingPolicy } from './harness.js';
import { fmtNum } from './report.js';

const SCRIPT = fileURLToPath(new URL('../../bench/peers/sklearn_metrics.py', import.meta.url));
const K = 10;

/** The benchmark's inputs: flat typed arrays, as read back from the raw files. */
interface Data {
  yBin: Int32Array;
  scoreBin: Float32Array;
  yMc: Int32Array;
  predMc: Int32Array;
  probMc: Float32Array; // (N, K)
  yReg: Float32Array;
  predReg: Float32Array;
}

/** Seeded normals (mulberry32 + Box-Muller), so every run and both sides see the same data. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function makeData(n: number): Data {
  const g = normals(42);
  const d: Data = {
    yBin: new Int32Array(n),
    scoreBin: new Float32Array(n),
    yMc: new Int32Array(n),
    predMc: new Int32Array(n),
    probMc: new Float32Array(n * K),
    yReg: new Float32Array(n),
    predReg: new Float32Array(n),
  };
  const logits = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    d.yBin[i] = g() > 0.5 ? 1 : 0; // about 31% positives
    d.scoreBin[i] = 1 / (1 + Math.exp(-(1.5 * d.yBin[i] - 1 + g())));
    const y = Math.min(K - 1, Math.floor(Math.abs(g()) * 3.5)); // skewed class sizes
    d.yMc[i] = y;
    let max = -Infinity;
    for (let j = 0; j < K; j++) {
      logits[j] = g() + (j === y ? 2 : 0);
      max = Math.max(max, logits[j]);
    }
    let sum = 0;
    for (let j = 0; j < K; j++) sum += Math.exp(logits[j] - max);
    let best = 0;
    for (let j = 0; j < K; j++) {
      d.probMc[i * K + j] = Math.exp(logits[j] - max) / sum;
      if (logits[j] > logits[best]) best = j;
    }
    d.predMc[i] = best;
    d.yReg[i] = 5 + 3 * g();
    d.predReg[i] = d.yReg[i] + g();
  }
  return d;
}

function writeData(dir: string, d: Data): void {
  const files: [string, ArrayBufferView][] = [
    ['y_bin.i32', d.yBin],
    ['score_bin.f32', d.scoreBin],
    ['y_mc.i32', d.yMc],
    ['pred_mc.i32', d.predMc],
    ['prob_mc.f32', d.probMc],
    ['y_reg.f32', d.yReg],
    ['pred_reg.f32', d.predReg],
  ];
  for (const [name, a] of files) writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** The confusion matrix reduced to one number, as the Python side does: sum (i + 1)(j + 1) count. */
function cmChecksum(cm: number[][]): number {
  return cm.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (i + 1) * (j + 1) * v, 0), 0);
}

interface Case {
  name: string;
  input: string;
  run: (d: Data) => number;
  /** Relative difference allowed between the two results: numpy computes float32 inputs in float32. */
  tol: number;
}

const CASES: Case[] = [
  { name: 'accuracy', input: 'labels, 10 classes', run: (d) => accuracy(d.yMc, d.predMc), tol: 1e-12 },
  { name: 'f1_macro', input: 'labels, 10 classes', run: (d) => f1(d.yMc, d.predMc, { average: 'macro' }), tol: 1e-12 },
  { name: 'confusion_matrix', input: 'labels, 10 classes', run: (d) => cmChecksum(confusionMatrix(d.yMc, d.predMc)), tol: 1e-12 },
  { name: 'roc_auc', input: 'binary scores', run: (d) => rocAuc(d.yBin, d.scoreBin), tol: 1e-9 },
  { name: 'average_precision', input: 'binary scores', run: (d) => averagePrecision(d.yBin, d.scoreBin), tol: 1e-9 },
  { name: 'log_loss', input: 'probs (N, 10) f32', run: (d) => logLoss(d.yMc, d.probMc, { numClasses: K }), tol: 1e-5 },
  { name: 'mse', input: 'values f32', run: (d) => meanSquaredError(d.yReg, d.predReg), tol: 1e-5 },
  { name: 'r2', input: 'values f32', run: (d) => r2Score(d.yReg, d.predReg), tol: 1e-5 },
];

interface PeerResult {
  perCallMs: number[];
  inner: number;
  fromWarmup: boolean;
  value: number;
}

function runSklearn(python: string, dir: string, n: number, policy: TimingPolicy, only: string[]) {
  const r = spawnSync(python, [SCRIPT, dir, String(n), JSON.stringify(policy), only.join(',')], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${python} ${SCRIPT} failed (exit ${r.status}${r.error ? `: ${r.error.message}` : ''})`);
  return JSON.parse(r.stdout) as { sklearn: string; numpy: string; python: string; cases: Record<string, PeerResult> };
}

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : (arg.split('=')[1] ?? '');
}

async function main(): Promise<void> {
  const n = Number(option('n') ?? 1_000_000);
  if (!Number.isInteger(n) || n < 10) throw new RangeError(`--n must be an integer >= 10, got ${option('n')}`);
  const policy = option('quick') !== undefined ? QUICK_POLICY : FULL_POLICY;
  const python = option('python') ?? '/usr/bin/python3';
  const only = option('only')?.split(',') ?? [];
  const cases = only.length ? CASES.filter((c) => only.includes(c.name)) : CASES;
  if (cases.length === 0) throw new RangeError(`--only matches no case; cases: ${CASES.map((c) => c.name).join(', ')}`);
  const data = makeData(n);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-metrics-'));
  try {
    writeData(dir, data);
    const ours = new Map<string, { ms: number; spread: number; value: number }>();
    for (const c of cases) {
      const value = c.run(data);
      const stats = await measure(() => void c.run(data), policy);
      ours.set(c.name, { ms: stats.medianMs, spread: stats.spread, value });
      console.error(`tessera ${c.name}: ${stats.medianMs.toFixed(2)} ms`);
    }
    const peer = runSklearn(
      python,
      dir,
      n,
      policy,
      cases.map((c) => c.name),
    );
    console.log(
      `\nmetrics on N = ${n.toLocaleString('en-US')} predictions; Node ${process.version}, scikit-learn ${peer.sklearn} (numpy ${peer.numpy}, Python ${peer.python})`,
    );
    console.log('median ms per call; ratio = tessera speed / sklearn speed (> 1: tessera faster); * = noisy (IQR > 10% of median)\n');
    const header = ['metric', 'input', 'tessera ms', 'sklearn ms', 'ratio', 'agree (rel diff)'];
    const rows = cases.map((c) => {
      const t = ours.get(c.name)!;
      const p = peer.cases[c.name];
      const ps = summarize(p.perCallMs, p.inner, p.fromWarmup);
      const rel = Math.abs(t.value - p.value) / Math.max(Math.abs(p.value), 1e-300);
      const agree = `${rel <= c.tol ? 'yes' : 'NO'} (${rel === 0 ? '0' : rel.toExponential(1)})`;
      const noisy = (s: number) => (s > 0.1 ? '*' : '');
      return [
        c.name,
        c.input,
        fmtNum(t.ms) + noisy(t.spread),
        fmtNum(ps.medianMs) + noisy(ps.spread),
        `${fmtNum(ps.medianMs / t.ms)}x`,
        agree,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((s, i) => (i < 2 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    if (rows.some((r) => r[5].startsWith('NO'))) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
