// The reference device: memory of its own, one ArrayBuffer per buffer, computed on by the plain
// TypeScript backend (index.ts). Its buffers of 1 KiB and up are counted as resident until freed
// or finalized, so tests can see that lifetimes hold on this device too.

import { type DType, type TypedArray, typedArray } from '../../core/dtype.js';
import type { Backend, DeviceBuffer } from '../backend.js';
import { type Device, type DeviceMemoryStats, DeviceOutOfMemory, type Reclaimable } from '../device.js';
import { arr, ReferenceBackend } from './index.js';

/** Blocks at least this large are freed by the finalizer backstop (smaller ones by the GC alone). */
const FINALIZE_MIN_BYTES = 1024;

/** A buffer of the reference device: an ArrayBuffer of its own, with a typed view per dtype. @example new RefBuffer(16).f32.length // 4 */
export class RefBuffer implements DeviceBuffer {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  released = false;
  ticket: RefTicket | null = null;
  constructor(readonly nbytes: number) {
    // rounded up to 4 bytes so that every dtype can view it
    const bytes = new ArrayBuffer(Math.ceil(nbytes / 4) * 4);
    this.f32 = new Float32Array(bytes);
    this.i32 = new Int32Array(bytes);
    this.u8 = new Uint8Array(bytes);
  }
}

/** The finalizer's handle: counts the bytes back without holding the buffer's values. */
class RefTicket implements Reclaimable {
  done = false;
  constructor(
    private readonly device: ReferenceDevice,
    private readonly nbytes: number,
  ) {}
  reclaim(): void {
    if (this.done) return;
    this.done = true;
    this.device.uncount(this.nbytes);
  }
}

/** Options of a ReferenceDevice. */
export interface ReferenceDeviceOptions {
  /** The name tensors report as `t.device`. Default 'reference'. */
  name?: string;
  /**
   * Whether `item()`, `toArray()` and `toTypedArray()` may read this device. Default true; false
   * makes a device that behaves like a GPU for read-back (only `await t.data()`), to test that
   * code reads values asynchronously.
   */
  syncRead?: boolean;
  /** A backend to run instead of the plain one (a test can drop a fused kernel). */
  backend?: Backend;
}

/**
 * The reference device: plain TypeScript compute on its own memory.
 *
 * @example
 * registerDevice('async-ref', () => new ReferenceDevice({ name: 'async-ref', syncRead: false }));
 * const x = zeros([2], { device: 'async-ref' });
 * await x.data(); // Float32Array [0, 0]; x.item() throws, naming data()
 */
export class ReferenceDevice implements Device {
  readonly name: string;
  readonly syncRead: boolean;
  readonly backend: Backend;
  readonly maxBufferBytes = 2 ** 31 - 1;
  readonly finalizeMinBytes = FINALIZE_MIN_BYTES;
  private resident = 0;

  constructor(options: ReferenceDeviceOptions = {}) {
    this.name = options.name ?? 'reference';
    this.syncRead = options.syncRead ?? true;
    this.backend = options.backend ?? new ReferenceBackend();
  }

  /** A new buffer; those of 1 KiB and up are counted as resident until freed or finalized. */
  allocate(nbytes: number): RefBuffer {
    let b: RefBuffer;
    try {
      b = new RefBuffer(nbytes);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new DeviceOutOfMemory(nbytes, `the JavaScript engine cannot allocate it (${e.message})`);
    }
    if (nbytes >= FINALIZE_MIN_BYTES) {
      this.resident += nbytes;
      b.ticket = new RefTicket(this, nbytes);
    }
    return b;
  }

  free(buffer: DeviceBuffer): void {
    const b = buffer as RefBuffer;
    b.released = true;
    b.ticket?.reclaim();
  }

  /** Small buffers are left to the garbage collector alone. */
  finalizer(buffer: DeviceBuffer): Reclaimable | null {
    return (buffer as RefBuffer).ticket;
  }

  /** Subtracts freed bytes from the resident count. @internal */
  uncount(nbytes: number): void {
    this.resident -= nbytes;
  }

  beginOp(): void {}

  write(buffer: DeviceBuffer, dtype: DType, offset: number, data: ArrayLike<number>): void {
    const b = buffer as RefBuffer;
    if (dtype === 'bool') {
      const u = b.u8;
      for (let i = 0; i < data.length; i++) u[offset + i] = data[i] !== 0 ? 1 : 0; // NaN is true
    } else arr(b, dtype).set(data, offset);
  }

  readSync(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): TypedArray {
    const b = buffer as RefBuffer;
    if (b.released) throw new Error('tensor used after dispose(): its memory was released');
    const out = typedArray(dtype, n);
    out.set(arr(b, dtype).subarray(offset, offset + n));
    return out;
  }

  async read(buffer: DeviceBuffer, dtype: DType, offset: number, n: number): Promise<TypedArray> {
    return this.readSync(buffer, dtype, offset, n);
  }

  memoryStats(): DeviceMemoryStats {
    return { residentBytes: this.resident };
  }
}
