// The Device interface: where a tensor's memory lives and the backend that computes in it. A
// device allocates and frees buffers, moves values in and out of them, and says whether they can
// be read synchronously. The registry of devices is src/backend/registry.ts; lifetimes (when a
// buffer is freed) are decided in one place, src/core/lifetime.ts, through this interface.

import type { DType, TypedArray } from '../core/dtype.js';
import type { Backend, DeviceBuffer } from './backend.js';

export type { DeviceBuffer } from './backend.js';

/**
 * What the finalizer backstop holds for a buffer until its storage is garbage collected:
 * `reclaim()` frees the buffer. It must not keep the buffer's values alive (a spilled copy).
 */
export interface Reclaimable {
  reclaim(): void;
}

/** Bytes a device holds for live tensors. @example getDevice('cpu').memoryStats().residentBytes */
export interface DeviceMemoryStats {
  residentBytes: number;
}

/**
 * A place tensors live: its memory (buffers) and its compute (`backend`).
 *
 * @example
 * const dev = getDevice('reference');
 * const buf = dev.allocate(16);
 * dev.write(buf, 'float32', 0, [1, 2, 3, 4]);
 * await dev.read(buf, 'float32', 0, 4); // Float32Array [1, 2, 3, 4]
 */
export interface Device {
  /** The name tensors report as `t.device`: 'cpu', 'reference', ... */
  readonly name: string;
  readonly backend: Backend;
  /** Whether `item()`, `toArray()` and `toTypedArray()` may read this device's tensors; else only `await t.data()`. */
  readonly syncRead: boolean;
  /** The most bytes one buffer can take. */
  readonly maxBufferBytes: number;
  /** A new buffer of `nbytes` (contents undefined). Throws a DeviceOutOfMemory when it cannot. */
  allocate(nbytes: number): DeviceBuffer;
  /** Frees a buffer now; using it afterwards is an error the device reports. */
  free(buffer: DeviceBuffer): void;
  /** Buffers smaller than this are never watched by the finalizer backstop (`finalizer` is not asked). */
  readonly finalizeMinBytes: number;
  /** The finalizer's handle on `buffer`, or null when the device leaves it to other means. */
  finalizer(buffer: DeviceBuffer): Reclaimable | null;
  /** Starts one primitive: the buffers it touches from now on stay where they are until the next call. */
  beginOp(): void;
  /** Writes `data` (converted to `dtype`; bool as 0/1) at element `offset` of `buffer`. */
  write(buffer: DeviceBuffer, dtype: DType, offset: number, data: ArrayLike<number>): void;
  /** A copy of `n` elements at element `offset`; absent on a device that cannot read synchronously at all (a GPU). */
  readSync?(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): TypedArray;
  /** A copy of `n` elements at element `offset`, read asynchronously (every device). */
  read(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): Promise<TypedArray>;
  memoryStats(): DeviceMemoryStats;
}

/**
 * A device cannot hold a requested buffer. The device is left as it was, so code that catches it
 * can go on; `core/exec.ts` rethrows it naming the op and shape.
 * @example try { dev.allocate(2 ** 33) } catch (e) { if (e instanceof DeviceOutOfMemory) console.log(e.bytes) }
 */
export class DeviceOutOfMemory extends RangeError {
  constructor(
    /** Bytes requested. */
    readonly bytes: number,
    readonly reason: string,
  ) {
    super(`out of memory: cannot allocate ${bytes} bytes (${formatBytes(bytes)}): ${reason}`);
    this.name = 'RangeError';
  }
}

/** A byte count for error messages, in binary units. @example formatBytes(4e12) // '3.64 TiB' */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}
