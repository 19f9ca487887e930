// The CPU device: tensors in the wasm heap (heap.ts: allocator, spilling, LRU), computed by the
// WebAssembly backend on every core (index.ts, pool.ts). The default device.

import { type DType, itemSize, type TypedArray, typedArray } from '../../core/dtype.js';
import type { Backend, DeviceBuffer } from '../backend.js';
import type { Device, Reclaimable } from '../device.js';
import { type Block, FINALIZE_MIN_BYTES, type Heap, type HeapStats, heap, MAX_TENSOR_BYTES } from './heap.js';
import { WasmBackend } from './index.js';

/** Options of a CpuDevice. */
export interface CpuDeviceOptions {
  /** The name tensors report. Default 'cpu'. */
  name?: string;
  /** The backend to run. Default a WasmBackend with the best kernel build. */
  backend?: Backend;
}

/**
 * The CPU device over the process-wide wasm heap.
 * @example registerDevice('cpu-simd', () => new CpuDevice({ name: 'cpu-simd', backend: new WasmBackend({ build: 'simd' }) }))
 */
export class CpuDevice implements Device {
  readonly name: string;
  readonly backend: Backend;
  readonly syncRead = true;
  readonly maxBufferBytes = MAX_TENSOR_BYTES;
  readonly finalizeMinBytes = FINALIZE_MIN_BYTES;
  private readonly heap: Heap = heap();

  constructor(options: CpuDeviceOptions = {}) {
    this.name = options.name ?? 'cpu';
    this.backend = options.backend ?? new WasmBackend();
  }

  allocate(nbytes: number): Block {
    return this.heap.allocate(nbytes);
  }

  free(buffer: DeviceBuffer): void {
    this.heap.free(buffer as Block);
  }

  finalizer(buffer: DeviceBuffer): Reclaimable | null {
    return this.heap.finalizer(buffer as Block);
  }

  beginOp(): void {
    this.heap.beginOp();
  }

  write(buffer: DeviceBuffer, dtype: DType, offset: number, data: ArrayLike<number>): void {
    const p = this.heap.resolve(buffer as Block) + offset * itemSize(dtype);
    const h = this.heap;
    if (dtype === 'bool') {
      const u = h.u8;
      for (let i = 0; i < data.length; i++) u[p + i] = data[i] !== 0 ? 1 : 0; // NaN is true
    } else (dtype === 'float32' ? h.f32 : h.i32).set(data, p >>> 2);
  }

  readSync(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): TypedArray {
    const out = typedArray(dtype, n);
    if (n === 0) return out;
    const p = this.heap.resolve(buffer as Block) + offset * itemSize(dtype);
    const h = this.heap;
    if (dtype === 'float32') out.set(h.f32.subarray(p >>> 2, (p >>> 2) + n));
    else if (dtype === 'int32') out.set(h.i32.subarray(p >>> 2, (p >>> 2) + n));
    else out.set(h.u8.subarray(p, p + n));
    return out;
  }

  async read(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): Promise<TypedArray> {
    return this.readSync(buffer, dtype, offset, n);
  }

  /** The heap's statistics: resident bytes, heap size, spills and uploads, budget. */
  memoryStats(): HeapStats {
    return this.heap.getStats();
  }
}
