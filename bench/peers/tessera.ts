// tessera under benchmark, called the way a user calls it: plain ops, `.backward()`, `.grad`.
// Outputs are released with `.dispose()` inside timing loops because the peers dispose too (in
// tessera it is an optional optimisation; without it the heap reclaims memory by itself).
// One runner per device (`--device=cpu,webgpu`): inputs and models live on that device, and on an
// asynchronous device (WebGPU) every timed call waits for the queue (`sync()`), so a time is the
// work done, not the work queued.

import * as T from '../../src/index.js';
import type { CaseSpec } from '../cases.js';
import { type CaseInputs, input } from '../data.js';
import type { TimingPolicy } from '../harness.js';
import { type Prepared, type Result, type Runner, timePrepared } from '../runner.js';
import { prepareModelCase } from './tessera_training.js';

type Tensor = T.Tensor;

/** Thread controls arrive with the wasm backend; until then they may be missing. */
const threadApi = T as unknown as { setNumThreads?: (n: number) => void; getNumThreads?: () => number };

/** Options of the tessera runner. */
export interface TesseraOptions {
  /** Device to use; default tessera's own default ('cpu'). */
  backend?: string;
  /** Threads to ask for; default tessera's default (all cores). */
  threads?: number;
}

/** A device that queues work (WebGPU): `sync()` settles when everything queued has run. */
type Queued = { sync(): Promise<void>; adapter?: { info?: { vendor: string; device: string; description: string } } };

/** What a case needs to know of its device: its name and how to wait for it (null: synchronous). */
export interface BenchDevice {
  name: string;
  sync: (() => Promise<void>) | null;
  /** The GPU adapter, in words (vendor, device, description), when there is one. */
  adapter?: string;
}

/**
 * Makes `name` usable ('webgpu' and 'webgpu:N' are registered here, asynchronously: N is the
 * adapter's index in `listWebGpuAdapters()`) and says how
 * to wait for it. Throws when the device cannot be made (no `webgpu` package, no adapter).
 * @example const dev = await openDevice('webgpu'); await dev.sync?.();
 */
export async function openDevice(name: string): Promise<BenchDevice> {
  if (name === 'webgpu' || name.startsWith('webgpu:')) {
    const adapter = name === 'webgpu' ? 0 : Number(name.slice('webgpu:'.length));
    const dev = (await T.registerWebGpu({ adapter })) as unknown as Queued;
    const info = dev.adapter?.info;
    return { name, sync: () => dev.sync(), adapter: info ? `${info.vendor} ${info.device} (${info.description})` : 'unknown' };
  }
  if (!T.listDevices().includes(name)) throw new Error(`bench: unknown device '${name}'; registered: ${T.listDevices().join(', ')}`);
  return { name, sync: null };
}

/** Tensor of `shape` holding `data` on `device`, optionally a leaf that requires grad. */
function fromData(data: Float32Array, shape: readonly number[], device: string, requiresGrad = false): Tensor {
  const t = T.tensor(data, { device }).reshape([...shape]);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Reads a tensor back (asynchronously: every device can) and releases it. */
export async function readBack(t: Tensor): Promise<Float32Array> {
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

/** Threads tessera computes with: 1 on the reference backend or before thread controls exist. */
export function tesseraThreads(): number {
  if (T.getDefaultDevice() === 'reference') return 1;
  return threadApi.getNumThreads?.() ?? 1;
}

/** Sets tessera's thread count where the API exists; returns whether it did. */
export function setTesseraThreads(n: number): boolean {
  if (threadApi.setNumThreads === undefined) return false;
  threadApi.setNumThreads(n);
  return true;
}

/**
 * GFLOP/s of a 128x128x128 matmul on `device` (median of 5, each waiting for the device): a
 * yardstick to estimate how long a case would take, so hopeless cases (the reference backend, a
 * software GPU) are skipped up front.
 * @example const gflops = await calibrateGemmRate(await openDevice('cpu'));
 */
export async function calibrateGemmRate(device: BenchDevice = { name: T.getDefaultDevice(), sync: null }): Promise<number> {
  const n = 128;
  const a = T.randn([n, n]).to(device.name);
  const b = T.randn([n, n]).to(device.name);
  const times: number[] = [];
  await device.sync?.();
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    T.matmul(a, b).dispose();
    await device.sync?.();
    times.push(performance.now() - t0);
  }
  a.dispose();
  b.dispose();
  const ms = times.slice(2).sort((x, y) => x - y)[2];
  return (2 * n ** 3) / (Math.max(ms, 1e-4) * 1e6);
}

/** `prep` whose timed call waits for the device's queue (on a device that queues). */
function synced(prep: Prepared, device: BenchDevice): Prepared {
  const sync = device.sync;
  if (sync === null) return prep;
  return {
    ...prep,
    call: async () => {
      await prep.call();
      await sync();
    },
  };
}

function prepare(spec: CaseSpec, inputs: CaseInputs, device: string): Prepared {
  const get = (name: string, grad = false): Tensor => {
    const v = input(inputs, name);
    return fromData(v.data, v.spec.shape, device, grad);
  };
  if (spec.kind === 'conv2d') return prepareConv(spec, get);
  if (spec.kind === 'train' || spec.kind === 'infer') return prepareModelCase(spec, inputs, device);
  const ins: Tensor[] = spec.inputs.map((s) => get(s.name));
  const [a, b] = ins;
  let op: () => Tensor;
  switch (spec.kind) {
    case 'matmul':
      op = () => T.matmul(a, b);
      break;
    case 'add':
    case 'scalarAdd':
      op = () => T.add(a, b);
      break;
    case 'exp':
      op = () => T.exp(a);
      break;
    case 'relu':
      op = () => T.relu(a);
      break;
    case 'softmax':
      op = () => T.softmax(a, -1);
      break;
    default:
      throw new Error(`tessera runner: unknown kind '${spec.kind}'`);
  }
  return {
    call: () => op().dispose(),
    outputs: async () => [await readBack(op())],
    dispose: () => {
      for (const t of ins) t.dispose();
    },
  };
}

function prepareConv(spec: CaseSpec, get: (name: string, grad?: boolean) => Tensor): Prepared {
  const p = spec.conv!;
  const x = get('x', p.backward && p.gradInput); // (N, C, H, W)
  const w = get('w', p.backward); // (O, C, KH, KW)
  const b = get('b', p.backward); // (O)
  const dy = p.backward ? get('dy') : null; // (N, O, OH, OW)
  const leaves = p.gradInput ? [x, w, b] : [w, b];
  const opts = { stride: p.stride, padding: p.padding };
  const forward = (): Tensor => T.conv2d(x, w, b, opts);
  /** Forward + backward; returns the gradients and leaves `.grad` cleared, like zero_grad(set_to_none). */
  const step = (): Tensor[] => {
    const y = forward();
    y.backward(dy!);
    y.dispose();
    const grads = leaves.map((t) => t.grad!);
    for (const t of leaves) t.grad = null;
    return grads;
  };
  return {
    call: p.backward
      ? () => {
          for (const g of step()) g.dispose();
        }
      : () => forward().dispose(),
    outputs: () => Promise.all((p.backward ? step() : [forward()]).map(readBack)),
    dispose: () => {
      for (const t of [x, w, b, dy]) t?.dispose();
    },
  };
}

/** The tessera column, on one device (`device`, default the default device). */
export class TesseraRunner implements Runner {
  readonly name = 'tessera';
  private dev: BenchDevice | null = null;
  constructor(private readonly options: TesseraOptions & { device?: string } = {}) {}

  /** The device this runner computes on (after setup). */
  get device(): BenchDevice {
    if (this.dev === null) throw new Error('tessera runner: setup() first');
    return this.dev;
  }

  async setup(): Promise<Record<string, string | number>> {
    if (this.options.backend !== undefined) T.setDefaultDevice(this.options.backend);
    const threadsSet = this.options.threads !== undefined && setTesseraThreads(this.options.threads);
    this.dev = await openDevice(this.options.device ?? T.getDefaultDevice());
    return {
      backend: T.getDefaultDevice(),
      device: this.dev.name,
      ...(this.dev.adapter !== undefined ? { adapter: this.dev.adapter } : {}),
      'backends registered': T.listDevices().join(', '),
      threads: tesseraThreads(),
      'thread API': threadApi.setNumThreads ? (threadsSet ? 'setNumThreads called' : 'present') : 'absent (single-threaded)',
    };
  }

  run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result> {
    const device = this.device;
    return timePrepared(() => synced(prepare(spec, inputs, device.name), device), policy);
  }

  async close(): Promise<void> {}
}
