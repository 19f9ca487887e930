// Registers WebGPU devices: `await registerWebGpu()` asks the GPU for an adapter and a device
// (asynchronous, so not on the registry's synchronous first use), then hands the registry a
// factory returning the ready device. Nothing GPU-related is loaded until this is called.
//
// Several adapters (the rule): in Node, Dawn lists the adapters it finds (backend and name) and
// can be created for one of them by name (`create(['backend=B', 'adapter=NAME'])`); WebGPU itself
// has no call that enumerates adapters (`requestAdapter` returns one, steered only by
// powerPreference and forceFallbackAdapter). So 'webgpu' = 'webgpu:0' is the adapter
// requestAdapter() picks by default (a discrete or integrated GPU before a software one), and
// 'webgpu:1', 'webgpu:2', ... are the other adapters of Dawn's list, in Dawn's order (the same
// GPU under two backends counts twice). In a browser there is one: navigator.gpu's
// requestAdapter() is 'webgpu:0', and asking for 'webgpu:1' is an error. Where Dawn lists
// nothing parseable, 'webgpu:0' is its default adapter.

import { registerDevice } from '../registry.js';
import { WebGpuBackend } from './backend.js';
import { WebGpuDevice } from './device.js';
import { type DawnAdapter, type Gpu, listDawnAdapters, loadGpu, loadGpuFor, nodeGarbageCollector, WebGpuUnavailable } from './gpu.js';

/** Options of registerWebGpu. */
export interface WebGpuOptions {
  /** Which adapter: its index in listWebGpuAdapters() (default 0). The device is named 'webgpu:N' ('webgpu' for 0). */
  adapter?: number;
}

const made = new Map<number, Promise<WebGpuDevice>>();

/**
 * Makes a WebGPU device available (once per adapter; later calls return the same device) under
 * 'webgpu' ('webgpu:0') or 'webgpu:N'. Rejects with a WebGpuUnavailable when the `webgpu` package
 * is missing (naming `npm install webgpu`), no adapter is found, or `adapter` is out of range
 * (naming the adapters there are).
 * @example await registerWebGpu(); T.randn([2], { device: 'webgpu' })
 * @example await registerWebGpu({ adapter: 1 }); T.randn([2], { device: 'webgpu:1' })
 */
export function registerWebGpu(options: WebGpuOptions = {}): Promise<WebGpuDevice> {
  const index = options.adapter ?? 0;
  if (!Number.isInteger(index) || index < 0) {
    return Promise.reject(new TypeError(`registerWebGpu: adapter must be a non-negative integer, got ${String(index)}`));
  }
  let p = made.get(index);
  if (p === undefined) {
    p = create(index).catch((e) => {
      made.delete(index);
      throw e;
    });
    made.set(index, p);
  }
  return p;
}

/**
 * The adapters 'webgpu:0', 'webgpu:1', ... stand for, as "backend: name" (Node: Dawn's list; a
 * browser: one, 'navigator.gpu'). Rejects like registerWebGpu when WebGPU is unavailable.
 * @example await listWebGpuAdapters() // ["vulkan: llvmpipe (LLVM 15.0.6, 256 bits)"]
 */
export async function listWebGpuAdapters(): Promise<string[]> {
  const listed = await orderedAdapters();
  if (listed === null) return ['navigator.gpu'];
  return listed.map((a) => `${a.backend}: ${a.name}`);
}

let ordered: Promise<DawnAdapter[] | null> | null = null;

/** Dawn's adapters with the default one first (see the header), found once. */
function orderedAdapters(): Promise<DawnAdapter[] | null> {
  if (ordered === null)
    ordered = (async () => {
      const listed = await listDawnAdapters();
      if (listed === null || listed.length <= 1) return listed;
      const info = async (g: Promise<Gpu>) => (await (await g).requestAdapter())?.info;
      return defaultFirst(listed, await info(loadGpu()), (a) => info(loadGpuFor(a)));
    })().catch((e) => {
      ordered = null;
      throw e;
    });
  return ordered;
}

/** The adapter info requestAdapter() reports, compared field by field. */
type AdapterInfo = { vendor: string; architecture: string; device: string; description: string } | undefined;

/**
 * `listed` with the first adapter whose info equals `byDefault` moved to the front (unchanged
 * when none does, or when the default is unknown).
 * @example await defaultFirst([cpu, gpu], gpuInfo, infoOf) // [gpu, cpu]
 */
export async function defaultFirst(
  listed: DawnAdapter[],
  byDefault: AdapterInfo,
  infoOf: (a: DawnAdapter) => Promise<AdapterInfo>,
): Promise<DawnAdapter[]> {
  if (byDefault === undefined) return listed;
  for (const [i, a] of listed.entries()) {
    const x = await infoOf(a);
    if (
      x !== undefined &&
      x.vendor === byDefault.vendor &&
      x.architecture === byDefault.architecture &&
      x.device === byDefault.device &&
      x.description === byDefault.description
    )
      return [a, ...listed.slice(0, i), ...listed.slice(i + 1)];
  }
  return listed;
}

async function create(index: number): Promise<WebGpuDevice> {
  const listed = await orderedAdapters();
  let gpu: Gpu;
  if (listed === null || listed.length === 0) {
    if (index > 0) {
      const where = listed === null ? 'a browser has one WebGPU adapter' : 'Dawn listed no adapters';
      throw new WebGpuUnavailable(`no adapter 'webgpu:${index}': ${where} ('webgpu:0')`);
    }
    gpu = await loadGpu();
  } else {
    if (index >= listed.length) {
      const names = listed.map((a, i) => `'webgpu:${i}' = ${a.backend}: ${a.name}`).join('; ');
      throw new WebGpuUnavailable(`no adapter 'webgpu:${index}': Dawn found ${listed.length} (${names})`);
    }
    gpu = await loadGpuFor(listed[index]);
  }
  const adapter = await gpu.requestAdapter();
  if (adapter === null)
    throw new WebGpuUnavailable(
      inBrowser()
        ? 'navigator.gpu found no WebGPU adapter (the browser may have WebGPU disabled or blocklist this GPU; Chromium on Linux: --enable-unsafe-webgpu)'
        : 'no WebGPU adapter found (on Linux without a GPU: apt-get install -t bookworm-backports mesa-vulkan-drivers)',
    );
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize },
  });
  const name = index === 0 ? 'webgpu' : `webgpu:${index}`;
  const dev = new WebGpuDevice(name, gpu, device, adapter, (d) => new WebGpuBackend(d));
  dev.collectGarbage = await nodeGarbageCollector();
  registerDevice(name, () => dev);
  return dev;
}

/** Whether this is a browser (navigator.gpu's world) rather than Node. */
function inBrowser(): boolean {
  return typeof process === 'undefined' || process.versions?.node === undefined;
}
