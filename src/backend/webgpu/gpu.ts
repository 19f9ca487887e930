// The slice of the WebGPU API the webgpu device uses, typed structurally (tsconfig loads no
// @webgpu/types), and the loader: `navigator.gpu` in browsers, the optional `webgpu` package
// (Dawn) in Node, imported only when a WebGPU device is first asked for.

/** GPUBufferUsage flags (the spec's values; Node has no global until `webgpu` is loaded). */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, STORAGE: 128 } as const;
/** GPUMapMode.READ. */
export const MAP_READ = 1;

/** The structural slice of the WebGPU API used here (GPUBuffer, GPUCommandEncoder, ...: the spec's names without 'Gpu'). @example const b: GpuBuffer = device.createBuffer({ size: 16, usage: USAGE.STORAGE }) */
export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface GpuComputePass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, so: number, dst: GpuBuffer, d: number, n: number): void;
  finish(): unknown;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuDevice {
  readonly limits: Record<string, number>;
  readonly queue: {
    submit(cbs: unknown[]): void;
    writeBuffer(b: GpuBuffer, off: number, data: ArrayBufferView): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): unknown;
  createCommandEncoder(): GpuEncoder;
  pushErrorScope(f: string): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}
export interface GpuAdapter {
  readonly limits: Record<string, number>;
  readonly info?: { vendor: string; architecture: string; device: string; description: string };
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}
export interface Gpu {
  requestAdapter(o?: { powerPreference?: string; forceFallbackAdapter?: boolean }): Promise<GpuAdapter | null>;
}

/** Why a WebGPU device cannot be made here; names what to install. */
export class WebGpuUnavailable extends Error {
  constructor(reason: string) {
    super(`webgpu: ${reason}`);
    this.name = 'WebGpuUnavailable';
  }
}

type DawnModule = { create(options: string[]): Gpu };

let cached: Promise<Gpu> | null = null;
let dawn: Promise<DawnModule | null> | null = null;
/** Dawn instances made for one adapter each, held for the process's life (the instance rule: docs/webgpu-notes.md). */
const perAdapter = new Map<string, Promise<Gpu>>();

/**
 * The GPU entry point: `navigator.gpu` in a browser, else the `webgpu` package's `create([])`.
 * Throws a WebGpuUnavailable naming `npm install webgpu` when the package is missing.
 * @example const adapter = await (await loadGpu()).requestAdapter();
 */
export function loadGpu(): Promise<Gpu> {
  if (cached === null)
    cached = (async () => {
      const mod = await loadDawn();
      // navigator.gpu where there is one; the Dawn instance is kept only in this module's
      // closure, never on globalThis (a global reference keeps Node from exiting: its README)
      return mod === null ? (navigatorGpu() as Gpu) : mod.create([]);
    })().catch((e) => {
      cached = null;
      throw e;
    });
  return cached;
}

/** One adapter as Dawn lists it. */
export interface DawnAdapter {
  backend: string;
  name: string;
}

/**
 * Dawn's list of adapters, in its order; null in a browser (navigator.gpu enumerates nothing).
 * Dawn for Node has no listing call: asked for an adapter name that exists nowhere, it fails
 * with "Available adapters:" and one "* backend: 'B', name: 'N'" line each (its README's way).
 * @example await listDawnAdapters() // [{ backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' }]
 */
export function listDawnAdapters(): Promise<DawnAdapter[] | null> {
  if (listing === null)
    listing = listOnce().catch((e) => {
      listing = null;
      throw e;
    });
  return listing;
}

let listing: Promise<DawnAdapter[] | null> | null = null;

async function listOnce(): Promise<DawnAdapter[] | null> {
  const mod = await loadDawn();
  if (mod === null) return null;
  const probe = mod.create(['adapter=tessera: no adapter has this name']);
  try {
    await probe.requestAdapter();
    return [];
  } catch (e) {
    return parseDawnAdapters(String((e as Error).message));
  } finally {
    holdInstance(probe);
  }
}

/**
 * The adapters in Dawn's "Available adapters:" message.
 * @example parseDawnAdapters("Available adapters:\n * backend: 'vulkan', name: 'llvmpipe'") // [{ backend: 'vulkan', name: 'llvmpipe' }]
 */
export function parseDawnAdapters(message: string): DawnAdapter[] {
  const out: DawnAdapter[] = [];
  for (const m of message.matchAll(/^\s*\* backend: '([^']*)', name: '(.*)'\s*$/gm)) out.push({ backend: m[1], name: m[2] });
  return out;
}

/** A Dawn instance that offers only `adapter` (created once per adapter and held). @example await loadGpuFor({ backend: 'vulkan', name: 'llvmpipe' }) */
export function loadGpuFor(adapter: DawnAdapter): Promise<Gpu> {
  const key = `${adapter.backend}\n${adapter.name}`;
  let p = perAdapter.get(key);
  if (p === undefined) {
    p = loadDawn().then((mod) => {
      if (mod === null) return navigatorGpu() as Gpu;
      return mod.create([`backend=${adapter.backend}`, `adapter=${adapter.name}`]);
    });
    perAdapter.set(key, p);
  }
  return p;
}

/** Instances whose adapters were only asked for a list: held so they are never collected mid-event (docs/webgpu-notes.md). */
const probes: Gpu[] = [];
function holdInstance(g: Gpu): void {
  probes.push(g);
}

/**
 * A full garbage collection in Node (V8's gc, exposed through node:v8 and node:vm without
 * putting `gc` on globalThis); null in a browser, which offers none.
 * @example (await nodeGarbageCollector())?.()
 */
export async function nodeGarbageCollector(): Promise<(() => void) | null> {
  if (navigatorGpu() !== undefined || typeof process === 'undefined' || process.versions?.node === undefined) return null;
  try {
    const [v8, vm] = [await import('node:v8'), await import('node:vm')];
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

function navigatorGpu(): Gpu | undefined {
  return (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
}

/** The `webgpu` package, or null in a browser (navigator.gpu); throws a WebGpuUnavailable when neither exists. */
function loadDawn(): Promise<DawnModule | null> {
  if (dawn === null)
    dawn = load().catch((e) => {
      dawn = null;
      throw e;
    });
  return dawn;
}

async function load(): Promise<DawnModule | null> {
  if (navigatorGpu() !== undefined) return null;
  const pkg = 'webgpu'; // a variable, so bundlers and tsc leave the optional import alone
  try {
    return (await import(pkg)) as DawnModule;
  } catch (e) {
    throw new WebGpuUnavailable(
      `the 'webgpu' package (Dawn for Node) is not installed: run \`npm install webgpu\` to use the 'webgpu' device (${(e as Error).message})`,
    );
  }
}
