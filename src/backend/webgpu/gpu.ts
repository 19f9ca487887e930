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
  requestAdapter(o?: { powerPreference?: string }): Promise<GpuAdapter | null>;
}

/** Why a WebGPU device cannot be made here; names what to install. */
export class WebGpuUnavailable extends Error {
  constructor(reason: string) {
    super(`webgpu: ${reason}`);
    this.name = 'WebGpuUnavailable';
  }
}

let cached: Promise<Gpu> | null = null;

/**
 * The GPU entry point: `navigator.gpu` in a browser, else the `webgpu` package's `create([])`.
 * Throws a WebGpuUnavailable naming `npm install webgpu` when the package is missing.
 * @example const adapter = await (await loadGpu()).requestAdapter();
 */
export function loadGpu(): Promise<Gpu> {
  if (cached === null) cached = load();
  return cached;
}

async function load(): Promise<Gpu> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu !== undefined) return nav.gpu;
  const pkg = 'webgpu'; // a variable, so bundlers and tsc leave the optional import alone
  let mod: { create(options: string[]): Gpu };
  try {
    mod = (await import(pkg)) as typeof mod;
  } catch (e) {
    cached = null;
    throw new WebGpuUnavailable(
      `the 'webgpu' package (Dawn for Node) is not installed: run \`npm install webgpu\` to use the 'webgpu' device (${(e as Error).message})`,
    );
  }
  // The GPU object is kept only in this module's closure, never on globalThis (a global
  // reference is what keeps Node from exiting: dawn-gpu/node-webgpu README).
  return mod.create([]);
}
