// The webgpu device: tensors in GPUBuffers of a WebGPU device (Dawn in Node, the browser's
// navigator.gpu), computed on by WGSL kernels (backend.ts). Buffers come from pools by size class
// and go back on free (explicitly, or when the garbage collector takes a tensor: `finalizer`);
// dispatches are recorded into one compute pass of one command encoder and submitted in batches
// (before a write or a read, or every BATCH dispatches); pipelines are cached by their WGSL source.
// Values are read only asynchronously (`syncRead: false`): a staging buffer and mapAsync.

import { type DType, type TypedArray, typedArray } from '../../core/dtype.js';
import type { Backend, DeviceBuffer } from '../backend.js';
import { type Device, type DeviceMemoryStats, DeviceOutOfMemory, type Reclaimable } from '../device.js';
import {
  type Gpu,
  type GpuAdapter,
  type GpuBuffer,
  type GpuComputePass,
  type GpuDevice,
  type GpuEncoder,
  type GpuPipeline,
  MAP_READ,
  USAGE,
} from './gpu.js';
import { ROW, WG } from './wgsl.js';

/** One kernel dispatch (WebGpuDevice.run): WGSL with entry point `main`, its params, buffers and workgroup grid. */
export interface KernelRun {
  code: string;
  params: ArrayLike<number>;
  outputs: readonly GpuBuf[];
  inputs: readonly GpuBuf[];
  /** Workgroups along x, y, z (each at most 65535). */
  groups: readonly [number, number, number];
}

/**
 * The workgroup grid of a 1-D kernel over `invocations` threads, WG per workgroup, wrapping into y
 * past 65535 workgroups; the kernel's thread index is `g.x + g.y * ROW`.
 * @example grid1d(1000) // [4, 1, 1]
 */
export function grid1d(invocations: number): [number, number, number] {
  const groups = Math.ceil(invocations / WG);
  const x = Math.min(groups, ROW / WG);
  return [x, Math.ceil(groups / x), 1];
}

/** Dispatches recorded before the encoder is submitted anyway. */
const BATCH = 64;
/** Bytes of free buffers the pools keep; buffers freed beyond it are destroyed (after the next submit). */
const MAX_POOLED_BYTES = 256 * 2 ** 20;
/**
 * Growth of the resident bytes past the level the last reclaimed garbage left, at which the device
 * asks for a garbage collection (collectGarbage): V8 sees only the small JS wrappers of GPU
 * buffers, so without it the tensors a loop drops pile up on the GPU until V8 happens to collect.
 */
const GC_PRESSURE_BYTES = 16 * 2 ** 20;

/** The webgpu device's memory figures. @example (getDevice('webgpu') as WebGpuDevice).memoryStats().pooledBytes */
export interface WebGpuMemoryStats extends DeviceMemoryStats {
  /** Bytes of free buffers held in the pools for reuse. */
  pooledBytes: number;
  /** GPUBuffers alive for tensors (resident or pooled; the params arena and staging buffers not counted). */
  buffers: number;
}
const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/** A webgpu device buffer: a pooled GPUBuffer of `size` bytes (its size class) holding `nbytes`. @example dev.allocate(10).size // 16 */
export class GpuBuf implements DeviceBuffer {
  released = false;
  constructor(
    readonly nbytes: number,
    readonly size: number,
    readonly gpu: GpuBuffer,
  ) {}
}

/** The size class of an `nbytes` buffer: 16 bytes at least, then powers of two up to 1 MiB, then MiB multiples. */
export function sizeClass(nbytes: number): number {
  if (nbytes <= 16) return 16;
  if (nbytes <= 1 << 20) return 2 ** Math.ceil(Math.log2(nbytes));
  return Math.ceil(nbytes / (1 << 20)) * (1 << 20);
}

/**
 * The WebGPU device (register it with `registerWebGpu()`, src/backend/webgpu/register.ts).
 *
 * @example
 * await registerWebGpu();
 * const x = T.randn([4], { device: 'webgpu' });
 * await x.exp().data(); // Float32Array(4)
 */
export class WebGpuDevice implements Device {
  readonly syncRead = false;
  /** Every buffer is watched: a GPU buffer the collector leaves behind is never reclaimed otherwise. */
  readonly finalizeMinBytes = 0;
  readonly maxBufferBytes: number;
  readonly backend: Backend;
  private readonly pools = new Map<number, GpuBuffer[]>();
  private readonly pipelines = new Map<string, GpuPipeline>();
  /** Each pipeline's bind group layout, asked of it once (a native call per dispatch otherwise). */
  private readonly layouts = new WeakMap<GpuPipeline, unknown>();
  private encoder: GpuEncoder | null = null;
  /** The compute pass dispatches are recorded into (ended before a copy and at the submit). */
  private pass: GpuComputePass | null = null;
  private pending = 0;
  private pooled = 0;
  private buffers = 0;
  /** Buffers freed past MAX_POOLED_BYTES: destroyed once the work recorded so far is submitted. */
  private doomed: GpuBuffer[] = [];
  /** The params words of the recorded dispatches, uploaded at the submit. */
  private readonly params: ParamsArena;
  private resident = 0;
  /** Dispatches recorded since the device was made (a test can count them). */
  dispatches = 0;
  /**
   * Runs a full garbage collection, where the platform lets tessera ask (Node: register.ts sets
   * it); the finalizers then return dropped tensors' buffers when the event loop next turns.
   */
  collectGarbage: (() => void) | null = null;
  /** Resident bytes at which collectGarbage is called next. */
  private nextGcAt = GC_PRESSURE_BYTES;
  /** Garbage collections asked for (a test can count them). */
  collections = 0;
  private collectedSinceRead = false;

  constructor(
    readonly name: string,
    /**
     * The GPU entry point the adapter came from, held for the device's life: when Dawn's instance
     * (`create()`'s object) is garbage collected, its event processing crashes the process
     * (SIGSEGV in CallbackTaskManager::Flush; docs/webgpu-notes.md).
     */
    readonly instance: Gpu,
    readonly gpu: GpuDevice,
    readonly adapter: GpuAdapter,
    makeBackend: (dev: WebGpuDevice) => Backend,
  ) {
    this.maxBufferBytes = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
    this.params = new ParamsArena(gpu, gpu.limits.minStorageBufferOffsetAlignment ?? 256);
    this.backend = makeBackend(this);
  }

  allocate(nbytes: number): GpuBuf {
    if (nbytes > this.maxBufferBytes) {
      throw new DeviceOutOfMemory(nbytes, `larger than this adapter's largest storage binding (${this.maxBufferBytes} bytes)`);
    }
    const size = sizeClass(nbytes);
    let gpu = this.pools.get(size)?.pop();
    if (gpu === undefined) {
      gpu = this.gpu.createBuffer({ size, usage: STORAGE });
      this.buffers++;
    } else this.pooled -= size;
    this.resident += size;
    if (this.resident >= this.nextGcAt && this.collectGarbage !== null) {
      this.collections++;
      this.collectedSinceRead = true;
      this.collectGarbage();
      // the collected buffers come back later (finalizers), each lowering the mark again
      this.nextGcAt = this.resident + GC_PRESSURE_BYTES;
    }
    return new GpuBuf(nbytes, size, gpu);
  }

  /** Returns the buffer to its pool: later work on the queue is ordered after the work that used it. */
  free(buffer: DeviceBuffer): void {
    const b = buffer as GpuBuf;
    if (b.released) return;
    b.released = true;
    this.resident -= b.size;
    if (this.pooled + b.size > MAX_POOLED_BYTES) {
      this.doomed.push(b.gpu);
      this.buffers--;
      return;
    }
    this.pooled += b.size;
    const pool = this.pools.get(b.size);
    if (pool === undefined) this.pools.set(b.size, [b.gpu]);
    else pool.push(b.gpu);
  }

  /** Returns the buffer to the pool when its tensor is collected (it holds the GpuBuf, never the tensor). */
  finalizer(buffer: DeviceBuffer): Reclaimable | null {
    const b = buffer as GpuBuf;
    return {
      reclaim: () => {
        this.free(b);
        this.nextGcAt = Math.min(this.nextGcAt, this.resident + Math.max(GC_PRESSURE_BYTES, this.resident / 2));
      },
    };
  }

  beginOp(): void {}

  write(buffer: DeviceBuffer, dtype: DType, offset: number, data: ArrayLike<number>): void {
    const b = live(buffer);
    // queue.writeBuffer runs before anything still in the encoder: submit that first
    this.flush();
    let bytes = packBytes(dtype, data);
    const at = offset * itemBytes(dtype);
    if (bytes.byteLength % 4 !== 0 && at + bytes.byteLength >= b.nbytes) {
      // a bool tail: the bytes past nbytes up to the word are the buffer's own padding
      const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
      padded.set(bytes);
      bytes = padded;
    }
    if (at % 4 !== 0 || bytes.byteLength % 4 !== 0) {
      throw new Error(`webgpu: write of ${data.length} ${dtype} at element ${offset} is not 4-byte aligned (not implemented yet)`);
    }
    if (bytes.byteLength > 0) this.gpu.queue.writeBuffer(b.gpu, at, bytes);
  }

  async read(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): Promise<TypedArray> {
    const b = live(buffer);
    const item = itemBytes(dtype);
    const start = offset * item;
    const from = start - (start % 4);
    const len = Math.ceil((start + n * item - from) / 4) * 4;
    const out = typedArray(dtype, n);
    if (n === 0) return out;
    const staging = this.gpu.createBuffer({ size: len, usage: MAP_READ_USAGE });
    this.endPass();
    this.encode().copyBufferToBuffer(b.gpu, from, staging, 0, len);
    this.flush();
    await staging.mapAsync(MAP_READ);
    if (this.collectedSinceRead) {
      // a collection was asked for since the last read: one turn of the event loop lets the
      // finalizers return its buffers before the caller records more work
      this.collectedSinceRead = false;
      await new Promise((r) => setTimeout(r, 0));
    }
    const raw = new Uint8Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    const src = raw.subarray(start - from, start - from + n * item);
    if (dtype === 'bool') out.set(src);
    else out.set(new (dtype === 'int32' ? Int32Array : Float32Array)(src.buffer, src.byteOffset, n));
    return out;
  }

  /** Bytes of live tensors' buffers (by size class), bytes pooled for reuse, GPUBuffers alive. @example dev.memoryStats().buffers */
  memoryStats(): WebGpuMemoryStats {
    return { residentBytes: this.resident, pooledBytes: this.pooled, buffers: this.buffers };
  }

  /** The pipeline of WGSL `code` (entry point `main`), compiled once. */
  pipeline(code: string): GpuPipeline {
    let p = this.pipelines.get(code);
    if (p === undefined) {
      p = this.gpu.createComputePipeline({
        layout: 'auto',
        compute: { module: this.gpu.createShaderModule({ code }), entryPoint: 'main' },
      });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /**
   * Records one dispatch of `code` over `invocations` threads laid out by grid1d (WG per
   * workgroup): binding 0 is `params` (u32 words), binding 1 the output, then the inputs.
   * @example dev.dispatch(code, [n], out, [x], n)
   */
  dispatch(code: string, params: ArrayLike<number>, out: GpuBuf, inputs: readonly GpuBuf[], invocations: number): void {
    if (invocations === 0) return;
    this.run({ code, params, outputs: [out], inputs, groups: grid1d(invocations) });
  }

  /**
   * Records one dispatch of a kernel: binding 0 its params (u32 words, read-only storage), then
   * its outputs (read_write), then its inputs (read). An input that is also an output is read
   * from a copy taken first; two outputs must be distinct buffers.
   * @example dev.run({ code, params: [m, n, k], outputs: [c], inputs: [a, b], groups: [m / 64, n / 64, 1] })
   */
  run(k: KernelRun): void {
    const [gx, gy, gz] = k.groups;
    if (gx === 0 || gy === 0 || gz === 0) return;
    const enc = this.encode();
    const outs = k.outputs.map(live);
    for (let i = 0; i < outs.length; i++)
      for (let j = 0; j < i; j++) if (outs[i].gpu === outs[j].gpu) throw new Error("webgpu: a kernel's outputs must be distinct buffers");
    const temps: GpuBuf[] = [];
    const ins = k.inputs.map((b) => {
      live(b);
      if (!outs.some((o) => o.gpu === b.gpu)) return b;
      const t = this.allocate(b.size);
      this.endPass();
      enc.copyBufferToBuffer(b.gpu, 0, t.gpu, 0, b.size);
      temps.push(t);
      return t;
    });
    const at = this.params.push(k.params);
    if (at < 0) {
      // the arena is full: submit what is recorded, then record this dispatch into a fresh batch
      for (const t of temps) this.free(t);
      this.flush();
      this.run(k);
      return;
    }
    const pipe = this.pipeline(k.code);
    const entries = [{ binding: 0, resource: { buffer: this.params.gpu, offset: at, size: k.params.length * 4 || 4 } }];
    for (const b of [...outs, ...ins]) entries.push({ binding: entries.length, resource: { buffer: b.gpu, offset: 0, size: b.size } });
    let layout = this.layouts.get(pipe);
    if (layout === undefined) {
      layout = pipe.getBindGroupLayout(0);
      this.layouts.set(pipe, layout);
    }
    const group = this.gpu.createBindGroup({ layout, entries });
    if (this.pass === null) this.pass = enc.beginComputePass();
    // one pass for the batch: WebGPU makes each dispatch its own usage scope, so a dispatch sees
    // the writes of the dispatches recorded before it in the same pass
    this.pass.setPipeline(pipe);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(gx, gy, gz);
    for (const t of temps) this.free(t); // later work on the queue is ordered after this dispatch
    this.dispatches++;
    if (++this.pending >= BATCH) this.flush();
  }

  /** Submits the recorded dispatches. */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    // the params of this batch land before it runs, and after every batch submitted before
    this.params.upload(this.gpu);
    this.gpu.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    for (const g of this.doomed) g.destroy(); // destroyed after the submit that last used them
    this.doomed = [];
  }

  private endPass(): void {
    if (this.pass === null) return;
    this.pass.end();
    this.pass = null;
  }

  /** Waits for every submitted dispatch (tests, timing). */
  async sync(): Promise<void> {
    this.flush();
    await this.gpu.queue.onSubmittedWorkDone();
  }

  private encode(): GpuEncoder {
    if (this.encoder === null) this.encoder = this.gpu.createCommandEncoder();
    return this.encoder;
  }
}

const MAP_READ_USAGE = USAGE.MAP_READ | USAGE.COPY_DST;

function live(buffer: DeviceBuffer): GpuBuf {
  const b = buffer as GpuBuf;
  if (b.released) throw new Error('tensor used after dispose(): its memory was released');
  return b;
}

/** Bytes per element of `dtype` in a device buffer. @example itemBytes('bool') // 1 */
export function itemBytes(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

function packBytes(dtype: DType, data: ArrayLike<number>): Uint8Array {
  if (dtype === 'bool') {
    const u = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) u[i] = data[i] !== 0 ? 1 : 0; // NaN is true
    return u;
  }
  const t = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
  return new Uint8Array(t.buffer);
}

/** Bytes of the params arena: one batch's params (BATCH dispatches, a few hundred bytes each). */
const ARENA_BYTES = 1 << 18;

/**
 * The params of one batch of dispatches in one storage buffer, each at an aligned offset, written
 * with one queue.writeBuffer at the submit (ordered after the batches submitted before it).
 */
class ParamsArena {
  readonly gpu: GpuBuffer;
  private readonly words = new Uint32Array(ARENA_BYTES / 4);
  private used = 0;

  constructor(
    device: GpuDevice,
    private readonly align: number,
  ) {
    this.gpu = device.createBuffer({ size: ARENA_BYTES, usage: USAGE.STORAGE | USAGE.COPY_DST });
  }

  /** Copies `params` in; returns their byte offset, or -1 when the arena is full. */
  push(params: ArrayLike<number>): number {
    const at = this.used;
    const bytes = Math.max(4, params.length * 4);
    if (at + bytes > ARENA_BYTES) {
      if (at === 0) throw new Error(`webgpu: ${params.length} params words exceed the arena`);
      return -1;
    }
    for (let i = 0; i < params.length; i++) this.words[at / 4 + i] = params[i] >>> 0;
    this.used = Math.ceil((at + bytes) / this.align) * this.align;
    return at;
  }

  upload(device: GpuDevice): void {
    if (this.used > 0) device.queue.writeBuffer(this.gpu, 0, this.words.subarray(0, this.used / 4));
    this.used = 0;
  }
}
