// tessera's benchmarks beside its peers (TensorFlow.js cpu and wasm, PyTorch CPU), in one run,
// on the same inputs: GEMM, conv2d forward/backward, elementwise, softmax, per-op overhead, and whole
// models (bench/training.ts: MLP and CNN training steps with Adam, batch-1 inference latency, the
// latter also against onnxruntime-node when it is installed).
//
//   npm run bench                        # build, then the full run (several minutes)
//   npm run bench -- --quick             # fewer sizes and repeats (about a minute)
//   node dist/bench/run.js --only=gemm,conv --threads=2
//   npm run bench -- --device=cpu,webgpu --only=gemm,train    # tessera on the CPU and on the GPU
//
// Flags: --quick; --only=GROUP|ID,... (gemm, conv, elementwise, softmax, overhead, train, or case ids
// and id prefixes such as gemm-1024, conv2-fwdbwd, exp, infer); --threads=N (tessera and PyTorch; default tessera's own);
// --backend=NAME (tessera backend); --device=cpu,webgpu (tessera's devices: each case runs on each,
// one row per device, the peers' figures shared by the rows; WebGPU times wait for the queue);
// --peers=tfjs-cpu,tfjs-wasm,torch,torch-refblas,onnxruntime; --python=PATH.
// torch-refblas is the same PyTorch on Debian's reference BLAS (what python3-torch alone installs).
// Each PyTorch column is the fastest per case of three launch settings (bench/peers/best_of.ts;
// the notes name the one used); --torch-configs=first runs the plain launch alone.
// Prints medians and ratios (tessera speed / peer speed) and writes bench/results/latest.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as T from '../src/index.js';
import { allCases, type CaseSpec, selectCases } from './cases.js';
import { makeInputs } from './data.js';
import { FULL_POLICY, plannedCalls, QUICK_POLICY } from './harness.js';
import { BestOfRunner } from './peers/best_of.js';
import { OrtRunner } from './peers/ort.js';
import { calibrateGemmRate, TesseraRunner, tesseraThreads } from './peers/tessera.js';
import { TfjsRunner } from './peers/tfjs.js';
import { referenceBlasEnv, TorchRunner, torchConfigs } from './peers/torch.js';
import { cellNotes, cellText, formatTable, type Row, toJson } from './report.js';
import type { Result, Runner } from './runner.js';

/** Command-line options, with their defaults. */
interface Options {
  /** Smaller set of cases and a shorter timing budget. */
  quick: boolean;
  /** Groups or case ids to run; empty = all. */
  only: string[];
  /** Threads for tessera and PyTorch; undefined = tessera's default. */
  threads?: number;
  /** tessera backend; undefined = tessera's default. */
  backend?: string;
  /** tessera devices, one row per case and device; empty = the default device. */
  devices: string[];
  /** Peer columns to run. */
  peers: string[];
  /** Python interpreter for the PyTorch peer; undefined = python3, then /usr/bin/python3. */
  python?: string;
  /** PyTorch launch settings: 'all' keeps the fastest per case (default), 'first' the plain launch only. */
  torchConfigs: 'all' | 'first';
}

const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'torch', 'torch-refblas', 'onnxruntime'];
/** Peers whose column appears only when they are installed (onnxruntime-node is not a dependency). */
const OPTIONAL_PEERS = ['onnxruntime', 'torch-refblas'];
/** A tessera case is skipped when its estimated measurement time exceeds this (ms). */
const SKIP_BUDGET_MS = { full: 30_000, quick: 8_000 };

function usage(): string {
  return (
    'usage: node dist/bench/run.js [--quick] [--only=gemm,conv,elementwise,softmax,overhead,train|CASE_ID,...] [--threads=N]\n' +
    '       [--backend=NAME] [--device=cpu,webgpu] [--peers=tfjs-cpu,tfjs-wasm,torch,torch-refblas,onnxruntime] [--python=PATH] [--torch-configs=all|first]'
  );
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, only: [], devices: [], peers: [...PEERS], torchConfigs: 'all' };
  for (const arg of argv) {
    const [key, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, ''];
    const list = (): string[] =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (key === '--quick') o.quick = true;
    else if (key === '--only') o.only = list();
    else if (key === '--threads') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench: --threads must be a positive integer, got '${value}'`);
      o.threads = n;
    } else if (key === '--backend') o.backend = value;
    else if (key === '--device') {
      o.devices = [...new Set(list())];
      if (o.devices.length === 0) throw new Error("bench: --device needs a list of devices, e.g. '--device=cpu,webgpu'");
    } else if (key === '--peers') {
      o.peers = list();
      const bad = o.peers.filter((p) => !PEERS.includes(p));
      if (bad.length > 0) throw new Error(`bench: unknown peer(s) ${bad.join(', ')}; choose from ${PEERS.join(', ')}`);
    } else if (key === '--python') o.python = value;
    else if (key === '--torch-configs') {
      if (value !== 'all' && value !== 'first') throw new Error(`bench: --torch-configs must be all or first, got '${value}'`);
      o.torchConfigs = value;
    } else if (key === '--help' || key === '-h') {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`bench: unknown argument '${arg}'\n${usage()}`);
  }
  return o;
}

/**
 * A PyTorch column: by default the fastest of torchConfigs' launch settings per case (the peer at
 * its best), or the first one alone with --torch-configs=first. `base` adds env (the reference BLAS).
 */
function torchPeer(name: string, threads: number, opts: Options, base: () => Record<string, string> = () => ({})): Runner {
  const configs = torchConfigs(threads).slice(0, opts.torchConfigs === 'first' ? 1 : undefined);
  return new BestOfRunner(
    name,
    configs.map(({ label, env }) => ({
      label,
      runner: new TorchRunner(threads, opts.python, { name, env: () => ({ ...base(), ...env() }) }),
    })),
  );
}

/** The x86 vector extensions the CPU reports (from /proc/cpuinfo on Linux), e.g. 'avx2 fma avx512f'. */
function vectorExtensions(): string {
  try {
    const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/) ?? []);
    const known = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile'];
    return known.filter((f) => flags.has(f)).join(' ') || 'none reported';
  } catch {
    return 'unknown (no /proc/cpuinfo)';
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const kv = (info: Record<string, string | number>): string =>
  Object.entries(info)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const policy = opts.quick ? QUICK_POLICY : FULL_POLICY;
  const cases = selectCases(allCases(), opts.only, opts.quick);
  if (cases.length === 0)
    throw new Error(
      `bench: --only=${opts.only.join(',')} matches no case; ids: ${allCases()
        .map((c) => c.id)
        .join(', ')}`,
    );

  // tessera first: its effective thread count is the one every peer gets. One runner per device;
  // a device that cannot be opened (no adapter) is a note, not a failure of the whole run.
  const envInfo: Record<string, Record<string, string | number>> = {};
  const devices: { name: string; runner: TesseraRunner; gemmRate: number }[] = [];
  const notes: string[] = [];
  for (const name of opts.devices.length > 0 ? opts.devices : [undefined]) {
    const runner = new TesseraRunner({ backend: opts.backend, threads: opts.threads, device: name });
    const key = name === undefined || name === 'cpu' ? 'tessera' : `tessera@${name}`;
    try {
      envInfo[key] = await runner.setup();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      envInfo[key] = { unavailable: msg };
      notes.push(`device ${name} skipped: ${msg}`);
      continue;
    }
    const gemmRate = await calibrateGemmRate(runner.device).catch((e: Error) => {
      notes.push(`device ${runner.device.name}: no matmul yardstick (${e.message.split('\n')[0]}): its cases are not skipped by estimate`);
      return Number.POSITIVE_INFINITY;
    });
    devices.push({ name: runner.device.name, runner, gemmRate });
  }
  if (devices.length === 0) throw new Error(`bench: no tessera device could be opened (${notes.join('; ')})`);
  const threads = tesseraThreads();
  if (opts.threads !== undefined && opts.threads !== threads) {
    notes.push(
      `--threads=${opts.threads} asked, but tessera (backend ${T.getDefaultDevice()}) computes with ${threads}; peers get ${threads} too, like for like.`,
    );
  }
  const runners: Runner[] = [];
  const candidates: Runner[] = [
    ...(opts.peers.includes('tfjs-cpu') ? [new TfjsRunner('cpu', threads)] : []),
    ...(opts.peers.includes('tfjs-wasm') ? [new TfjsRunner('wasm', threads)] : []),
    ...(opts.peers.includes('torch') ? [torchPeer('torch', threads, opts)] : []),
    ...(opts.peers.includes('torch-refblas') ? [torchPeer('torch-refblas', threads, opts, referenceBlasEnv)] : []),
    ...(opts.peers.includes('onnxruntime') ? [new OrtRunner(threads)] : []),
  ];
  for (const r of candidates) {
    try {
      envInfo[r.name] = await r.setup();
      runners.push(r);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      envInfo[r.name] = { unavailable: msg };
      notes.push(`${r.name} skipped: ${msg}`);
    }
  }
  const columns = [
    'tessera',
    ...PEERS.filter((p) => opts.peers.includes(p) && (!OPTIONAL_PEERS.includes(p) || runners.some((r) => r.name === p))),
  ];

  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    'vector extensions': vectorExtensions(),
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    platform: `${os.platform()} ${os.arch()}`,
    'load average (1 min) at start': os.loadavg()[0].toFixed(2),
  };
  const header = [
    `tessera benchmarks (${opts.quick ? 'quick' : 'full'} run), ${new Date().toISOString()}, commit ${gitCommit()}`,
    `machine    ${kv(machine)}`,
    `node       ${process.version} (V8 ${process.versions.v8})`,
    ...Object.entries(envInfo).map(([name, info]) => `${name.padEnd(10)} ${kv(info)}`),
    `yardstick  tessera matmul 128^3 at ${devices.map((d) => `${Number.isFinite(d.gemmRate) ? d.gemmRate.toFixed(2) : 'none'} GFLOP/s on ${d.name}`).join(', ')}: tessera cases estimated over ${(opts.quick ? SKIP_BUDGET_MS.quick : SKIP_BUDGET_MS.full) / 1000} s are skipped`,
    `timing     median per call over ${policy.minSamples}-${policy.maxSamples} samples of >= ${policy.minSampleMs} ms (${policy.slowSamples} for calls > ${policy.targetMs} ms), after warm-up`,
  ];
  console.log(header.join('\n'));
  console.log('');

  const rows: Row[] = [];
  for (const [i, spec] of cases.entries()) {
    const inputs = makeInputs(spec.id, spec.inputs);
    const peers = new Map<string, Result>();
    for (const runner of runners) peers.set(runner.name, await runner.run(spec, inputs, policy));
    // one row per tessera device; the peers (CPU frameworks) are measured once and shared, and a
    // later device's row also holds the first device's result (unprinted) so that "results agree"
    // compares the devices even without peers
    let first: [string, Result] | null = null;
    for (const d of devices) {
      const skip = skipReason(spec, d.gemmRate, T.getDefaultDevice(), opts.quick);
      const own = skip ?? (await d.runner.run(spec, inputs, policy));
      const results = new Map<string, Result>([['tessera', own], ...peers, ...(first ? [first] : [])]);
      first ??= [`tessera@${d.name}`, own];
      rows.push({ spec, device: d.name, results });
      const cells = columns.map((c) => `${c} ${cellText(spec, results.get(c))}`).join(' | ');
      process.stderr.write(`[${i + 1}/${cases.length}] ${spec.id} on ${d.name} (${spec.metric}): ${cells}\n`);
    }
  }
  for (const r of [...runners, ...devices.map((d) => d.runner)]) await r.close();

  notes.push(...staticNotes(envInfo), ...cellNotes(rows));
  console.log('');
  console.log(formatTable(rows, columns));
  console.log('');
  console.log('ratio "vs X" = tessera speed / X speed (X median time / tessera median time): > 1 means tessera is faster.');
  console.log(
    '* = noisy cell (interquartile range > 10% of the median). "results agree": sum |output| within 1e-3 of tessera\'s (a later device\'s row: of tessera on that device, compared with the peers and with tessera on the first device).',
  );
  for (const n of notes) console.log(`note: ${n}`);

  const file = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../../bench/results/', import.meta.url)), { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    argv: process.argv.slice(2),
    quick: opts.quick,
    threads,
    policy,
    environment: {
      machine: { ...machine, 'load average (1 min) at end': os.loadavg()[0].toFixed(2) },
      node: process.version,
      v8: process.versions.v8,
      ...envInfo,
      devices: devices.map((d) => d.name),
      gemmYardstickGflops: Object.fromEntries(devices.map((d) => [d.name, d.gemmRate])),
    },
    notes,
  };
  writeFileSync(file, `${JSON.stringify(toJson(rows, columns, meta), null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

/**
 * Why tessera should not run `spec` now, or null: the time estimated from the matmul yardstick
 * (times the op's known slowdown on the reference backend) exceeds the budget. A training step
 * runs on every device listed whatever the estimate (one step is seconds at worst, e.g. the CNN
 * on a software GPU), bounded by the timing policy's maxTotalMs.
 */
function skipReason(spec: CaseSpec, gemmRate: number, backend: string | number, quick: boolean): Result | null {
  if (spec.kind === 'train' && backend !== 'reference') return null;
  const estMs = (spec.flops * spec.refSlowdown) / (gemmRate * 1e6);
  const totalMs = estMs * plannedCalls(estMs, quick ? QUICK_POLICY : FULL_POLICY);
  if (totalMs <= (quick ? SKIP_BUDGET_MS.quick : SKIP_BUDGET_MS.full)) return null;
  const reason = backend === 'reference' ? 'skipped (reference backend)' : `skipped (est. ${(totalMs / 1000).toFixed(0)} s)`;
  return { status: 'skipped', reason };
}

/** Facts about the peers that qualify their numbers. */
function staticNotes(envInfo: Record<string, Record<string, string | number>>): string[] {
  const notes: string[] = [];
  if (envInfo['tfjs-wasm'] && !('unavailable' in envInfo['tfjs-wasm'])) {
    notes.push(
      'tfjs-wasm runs single-threaded in Node (tfjs reports no multithread support there); setThreadsCount was called but has no effect.',
    );
  }
  if (envInfo['tfjs-cpu'] && !('unavailable' in envInfo['tfjs-cpu'])) notes.push('tfjs-cpu is plain single-threaded JavaScript.');
  const blas = String(envInfo.torch?.BLAS ?? '');
  if (blas.startsWith('reference')) {
    notes.push(
      'torch is linked to the reference (netlib) BLAS on this machine, so its matmul figures are far below an OpenBLAS/MKL ' +
        "build (conv uses oneDNN and is unaffected); on Debian, 'apt-get install libopenblas0-pthread' switches libblas.so.3 to OpenBLAS.",
    );
  }
  if (envInfo.tessera?.backend === 'reference') {
    notes.push(
      "tessera ran on its 'reference' backend (plain TypeScript, single-threaded): figures are the fallback's, not the wasm kernels'.",
    );
  }
  const software = Object.values(envInfo).find((info) => /llvmpipe|lavapipe|swiftshader/i.test(String(info.adapter ?? '')));
  if (software !== undefined) {
    notes.push(
      `the WebGPU adapter is a software renderer (${software.adapter}): it runs on the CPU, so its figures say nothing of a GPU (reported, not tuned for).`,
    );
  }
  if (Object.keys(envInfo).some((k) => k.startsWith('tessera@'))) {
    notes.push("peers run on the CPU: a non-cpu row's ratios compare tessera on that device with the peer on the CPU.");
  }
  notes.push('conv2d: tessera and PyTorch take NCHW/OIHW; tfjs gets the same values permuted to its native NHWC/HWIO (outside timing).');
  return notes;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
