// PyTorch CPU under benchmark, through a Python subprocess (bench/peers/torch.py) speaking JSON
// lines on stdin/stdout. Inputs travel as raw float32 files in a temporary folder, so PyTorch
// computes on exactly the data the JavaScript frameworks get; it times itself the same way
// (bench/harness.ts) and sends back per-call times, which are summarised here.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CaseSpec } from '../cases.js';
import type { CaseInputs } from '../data.js';
import { summarize, type TimingPolicy } from '../harness.js';
import type { Result, Runner } from '../runner.js';

/** bench/peers/torch.py, found from this file's place in dist/bench/peers/. */
const SCRIPT = fileURLToPath(new URL('../../../bench/peers/torch.py', import.meta.url));

/**
 * The first interpreter that can `import torch`: `preferred` if given, else `python3`, else the
 * system one (/usr/bin/python3, where Debian's python3-torch lives when another python3 shadows it).
 * @returns the interpreter, or null with the reason of the last failure.
 */
export function findPython(preferred?: string): { python: string | null; tried: string[] } {
  const candidates = preferred ? [preferred] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const py of [...new Set(candidates)]) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python: py, tried };
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    tried.push(`${py}: ${why}`);
  }
  return { python: null, tried };
}

/** Where Debian keeps the reference (netlib) BLAS and LAPACK that `libblas3`/`liblapack3` install. */
const REFERENCE_BLAS_DIRS = ['/usr/lib/x86_64-linux-gnu/blas', '/usr/lib/x86_64-linux-gnu/lapack'];

/**
 * A second PyTorch column, 'torch-refblas': the same PyTorch loaded against Debian's reference BLAS
 * (LD_LIBRARY_PATH ahead of the libblas.so.3 alternative). That is what `apt-get install
 * python3-torch` alone gives (the figures the issues quote were taken so); the 'torch' column is
 * whatever BLAS the machine has selected (OpenBLAS once libopenblas0-pthread is installed).
 */
export function referenceBlasEnv(): Record<string, string> {
  if (!existsSync(join(REFERENCE_BLAS_DIRS[0], 'libblas.so.3')))
    throw new Error(`no reference BLAS at ${REFERENCE_BLAS_DIRS[0]} (Debian package libblas3)`);
  const dirs = REFERENCE_BLAS_DIRS.filter((d) => existsSync(d));
  return { LD_LIBRARY_PATH: [...dirs, process.env.LD_LIBRARY_PATH ?? ''].filter(Boolean).join(':') };
}

/**
 * The launch configurations the PyTorch columns try (bench/peers/best_of.ts keeps the fastest per
 * case): torch's threads with OpenBLAS's threads as many (as launched before), the same without
 * OpenMP's spin-waiting (GOMP_SPINCOUNT=0), and single-threaded OpenBLAS under torch's threads.
 */
export function torchConfigs(threads: number): { label: string; env: () => Record<string, string> }[] {
  const n = String(threads);
  return [
    { label: `OMP_NUM_THREADS=${n} OPENBLAS_NUM_THREADS=${n}`, env: () => ({}) },
    { label: `GOMP_SPINCOUNT=0`, env: () => ({ GOMP_SPINCOUNT: '0' }) },
    { label: 'OPENBLAS_NUM_THREADS=1', env: () => ({ OPENBLAS_NUM_THREADS: '1' }) },
  ];
}

/** The PyTorch column (or, with `variant`, a named column for the same PyTorch in another set-up). */
export class TorchRunner implements Runner {
  readonly name: string;
  private proc: ChildProcessWithoutNullStreams | null = null;
  private lines: Interface | null = null;
  private readonly pending: ((line: string) => void)[] = [];
  private dir: string | null = null;
  private stderr = '';

  /** `threads`: torch.set_num_threads, equal to tessera's thread count. */
  constructor(
    private readonly threads: number,
    private readonly python?: string,
    private readonly variant?: { name: string; env: () => Record<string, string> },
  ) {
    this.name = variant?.name ?? 'torch';
  }

  async setup(): Promise<Record<string, string | number>> {
    const { python, tried } = findPython(this.python);
    if (python === null) throw new Error(`python3 -c "import torch" failed (${tried.join('; ')})`);
    // torch.set_num_threads (in torch.py) sizes torch's own pool; a BLAS with its own threads
    // (OpenBLAS, MKL) is sized by these, so the peer really uses `threads` threads.
    const n = String(this.threads);
    const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, ...this.variant?.env() };
    const proc = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    proc.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2000);
    });
    proc.on('exit', () => {
      for (const resolve of this.pending.splice(0)) resolve('');
    });
    this.proc = proc;
    this.lines = createInterface({ input: proc.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    this.dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
    const info = await this.request({ cmd: 'init', threads: this.threads });
    return {
      version: String(info.torch),
      threads: Number(info.threads),
      python: `${python} (${info.python})`,
      BLAS: String(info.blas),
      mkldnn: String(info.mkldnn),
    };
  }

  private request(req: object): Promise<Record<string, unknown>> {
    const proc = this.proc;
    if (proc === null || proc.exitCode !== null) return Promise.reject(new Error(`torch peer is not running${this.stderrTail()}`));
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        if (line === '') reject(new Error(`torch peer exited${this.stderrTail()}`));
        else resolve(JSON.parse(line) as Record<string, unknown>);
      });
      proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  private stderrTail(): string {
    const t = this.stderr.trim().split('\n').slice(-3).join(' | ');
    return t ? `: ${t}` : '';
  }

  async run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    const files = [...inputs.values()].map(({ spec: s, data }) => {
      const path = join(this.dir!, `${spec.id}-${s.name}.f32`);
      writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return { name: s.name, path, shape: s.shape };
    });
    try {
      const r = await this.request({
        cmd: 'run',
        case: { kind: spec.kind, conv: spec.conv ?? null, model: spec.model ?? null },
        inputs: files,
        policy,
      });
      if (r.status !== 'ok') return { status: r.status === 'unsupported' ? 'unsupported' : 'error', reason: String(r.reason) };
      return {
        status: 'ok',
        stats: summarize(r.perCallMs as number[], Number(r.inner), r.fromWarmup === true),
        checksum: Number(r.checksum),
      };
    } catch (e) {
      return { status: 'error', reason: e instanceof Error ? e.message : String(e) };
    } finally {
      for (const f of files) rmSync(f.path, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.proc?.kill();
          resolve();
        }, 5000);
        this.proc!.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.lines?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
