// The CPU device's memory: one WebAssembly.Memory that the kernels and the worker threads share,
// with a size-class allocator, spilling to JS memory under a budget, and LRU order.
//
// A buffer of the CPU device is a Block of the heap. When a Block is freed is decided by
// src/core/lifetime.ts (an explicit release, the autograd graph, or the finalizer backstop through
// `finalizer`); this file adds the one mechanism only the heap has: spilling, which keeps a
// synchronous loop flat. FinalizationRegistry callbacks never run while synchronous code runs, so
// when resident bytes pass the budget, the least recently used blocks are copied out to ordinary
// JS memory and their heap space is reused. A spilled block that is used again is uploaded back
// transparently; a dead one is reclaimed by the JS garbage collector with its storage. The budget
// doubles (up to 1 GiB) when live data is seen to thrash.
// Nothing is ever lost: a block leaves the heap only by being freed when unreachable, or copied.

import { DeviceOutOfMemory, formatBytes, type Reclaimable } from '../device.js';

export { formatBytes } from '../device.js';

/** A region of the heap holding one buffer's bytes, or (when spilled) a JS copy of them. */
export class Block {
  /** Byte address in the heap; meaningful only while `resident`. */
  ptr = 0;
  /** Bytes reserved in the heap (the size class), >= `nbytes`. */
  reserved = 0;
  resident = false;
  /** The bytes while spilled. */
  spilled: Uint8Array | null = null;
  /** Last operation epoch that used this block; blocks of the running op are never spilled. */
  epoch = 0;
  prev: Block | null = null;
  next: Block | null = null;
  /** Explicitly released; any later use is a bug reported clearly. */
  released = false;
  /** The finalizer's handle (blocks of 1 KiB and up), pointing back here only while resident. */
  ticket: Ticket | null = null;
  constructor(readonly nbytes: number) {}
}

/**
 * What the finalizer backstop holds for a block: it frees the heap space when the storage dies.
 * It forgets the block while the block is spilled, so that the registry never keeps a spilled
 * copy alive (the copy dies with its storage, reclaimed by the JS garbage collector).
 */
export class Ticket implements Reclaimable {
  constructor(
    private readonly heap: Heap,
    public block: Block | null,
  ) {}
  reclaim(): void {
    const b = this.block;
    if (b !== null && !b.released) this.heap.free(b);
  }
}
const PAGE = 65536;
/** The heap's largest size: 65536 pages of 64 KiB (4 GiB), WebAssembly's 32-bit address space. */
const MAX_PAGES = 65536;
const MAX_HEAP_BYTES = MAX_PAGES * PAGE;
/** The first MiB is left to the kernel module's static data and stack. */
const HEAP_BASE = 1 << 20;
const ALIGN = 64;
const MIN_BUDGET = 64 * 1024 * 1024;
/** The budget grows by itself (when live data thrashes) up to this; setBudget may go further. */
const MAX_AUTO_BUDGET = 1024 * 1024 * 1024;
/** Blocks at least this large are freed by the garbage collector's finalizers. @example block.nbytes >= FINALIZE_MIN_BYTES */
export const FINALIZE_MIN_BYTES = 1024;

/** Size classes: 64-byte multiples up to 1 KiB, then four classes per power of two (< 19% waste). */
function sizeClass(nbytes: number): number {
  if (nbytes <= 1024) return Math.max(ALIGN, Math.ceil(nbytes / ALIGN) * ALIGN);
  const p = 2 ** Math.floor(Math.log2(nbytes));
  const step = p / 4;
  return Math.ceil(nbytes / step) * step;
}

/**
 * The tensor heap cannot hold a requested block. The heap is left as it was (budget, resident
 * and spilled blocks), so code that catches it can go on.
 * @example try { heap().allocate(2 ** 33) } catch (e) { if (e instanceof HeapOutOfMemory) console.log(e.bytes) }
 */
export class HeapOutOfMemory extends DeviceOutOfMemory {}

/** The most bytes one tensor can take on the heap (4 GiB less what the kernels reserve). @example sizeOf(shape) * 4 <= MAX_TENSOR_BYTES */
export const MAX_TENSOR_BYTES = MAX_HEAP_BYTES - HEAP_BASE;

export interface HeapStats {
  /** Bytes held by live blocks in the heap. */
  residentBytes: number;
  /** Size of the WebAssembly memory. */
  heapBytes: number;
  /** Blocks copied out under memory pressure, and bytes copied, since start. */
  spills: number;
  spilledBytes: number;
  /** Spilled blocks that were used again and uploaded back. */
  uploads: number;
  budgetBytes: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Views over the whole memory, refreshed after growth. */
  u8!: Uint8Array;
  f32!: Float32Array;
  i32!: Int32Array;
  private top = HEAP_BASE;
  private readonly freeLists = new Map<number, number[]>();
  private resident = 0;
  private budget = MIN_BUDGET;
  private lruHead: Block | null = null;
  private lruTail: Block | null = null;
  private epoch = 1;
  private stats = { spills: 0, spilledBytes: 0, uploads: 0 };
  private recentUploads = 0;

  constructor() {
    // Shared whenever the engine allows it, whatever the SharedArrayBuffer global says: the kernels
    // declare shared memory, and a page that is not cross-origin isolated hides that global yet
    // still creates shared wasm memory (it just cannot hand it to workers: see pool.ts).
    let memory: WebAssembly.Memory | undefined;
    try {
      memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    } catch {
      memory = undefined;
    }
    this.shared = memory !== undefined;
    this.memory = memory ?? new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES });
    this.refreshViews();
  }

  private refreshViews(): void {
    const buf = this.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /** Starts a new operation: blocks touched from now on are pinned until the next call. */
  beginOp(): void {
    this.epoch++;
  }

  /** A new resident block of `nbytes`. */
  allocate(nbytes: number): Block {
    const block = new Block(nbytes);
    this.place(block);
    return block;
  }

  /** The finalizer's handle on a block of 1 KiB and up; smaller blocks rely on spilling alone
   * (registering one costs about as much as spilling it). */
  finalizer(block: Block): Ticket | null {
    if (block.nbytes < FINALIZE_MIN_BYTES) return null;
    block.ticket = new Ticket(this, block);
    return block.ticket;
  }

  /** The heap address of a block's bytes, uploading them back if they were spilled. Marks it used. */
  resolve(block: Block): number {
    if (!block.resident) {
      if (block.released) throw new Error('tensor used after dispose(): its memory was released');
      const data = block.spilled as Uint8Array;
      this.place(block);
      this.u8.set(data, block.ptr);
      block.spilled = null;
      if (block.ticket !== null) block.ticket.block = block;
      this.stats.uploads++;
      this.recentUploads++;
      return block.ptr;
    }
    block.epoch = this.epoch;
    if (block !== this.lruTail) {
      this.unlink(block);
      this.append(block);
    }
    return block.ptr;
  }

  /** Frees a block now; a later use throws. */
  free(block: Block): void {
    this.release(block);
    block.released = true;
    if (block.ticket !== null) block.ticket.block = null;
  }

  /** Scratch memory for kernels (packing buffers, worker stacks): never spilled, freed explicitly. */
  allocateScratch(nbytes: number): number {
    const size = sizeClass(nbytes);
    const ptr = this.take(size);
    return ptr;
  }

  freeScratch(ptr: number, nbytes: number): void {
    this.giveBack(ptr, sizeClass(nbytes));
  }

  /** Sets the number of resident bytes above which least-recently-used blocks are spilled. */
  setBudget(bytes: number): void {
    if (!(bytes > 0)) throw new RangeError(`setMemoryBudget: bytes must be positive, got ${bytes}`);
    this.budget = bytes;
  }

  getStats(): HeapStats {
    return {
      residentBytes: this.resident,
      heapBytes: this.memory.buffer.byteLength,
      budgetBytes: this.budget,
      ...this.stats,
    };
  }

  private place(block: Block): void {
    const size = sizeClass(block.nbytes);
    if (size > MAX_HEAP_BYTES - HEAP_BASE) throw new HeapOutOfMemory(block.nbytes, 'more than the tensor heap can ever hold');
    // A failed allocation leaves the heap as it was (a REPL or a server catches the error and goes
    // on): the memory a new block needs is grown first, so growth that fails throws before
    // spilling has copied anything out or raised the budget to fit the request.
    const list = this.freeLists.get(size);
    if (list === undefined || list.length === 0) this.grow(this.top + size);
    if (this.resident + size > this.budget) this.spill(size);
    block.ptr = this.take(size);
    block.reserved = size;
    block.resident = true;
    block.epoch = this.epoch;
    this.resident += size;
    this.append(block);
  }

  private release(block: Block): void {
    if (!block.resident) {
      block.spilled = null;
      return;
    }
    this.unlink(block);
    block.resident = false;
    this.resident -= block.reserved;
    this.giveBack(block.ptr, block.reserved);
  }

  /** Copies least-recently-used blocks out of the heap until `incoming` more bytes fit in half the budget. */
  private spill(incoming: number): void {
    // Live data came back since the last spill: the working set is bigger than the budget.
    if (this.recentUploads > 0 && this.budget < MAX_AUTO_BUDGET) {
      this.budget = Math.min(this.budget * 2, MAX_AUTO_BUDGET);
      this.recentUploads = 0;
      if (this.resident + incoming <= this.budget) return;
    }
    const target = this.budget / 2 - incoming;
    let b = this.lruHead;
    while (b !== null && this.resident > target && b.epoch !== this.epoch) {
      const next = b.next;
      const copy = this.u8.slice(b.ptr, b.ptr + b.nbytes);
      this.release(b);
      // The registry holds its tickets strongly until finalizers run, which never happens inside
      // a synchronous loop: a spilled block must belong to its storage alone, to die with it.
      if (b.ticket !== null) b.ticket.block = null;
      b.spilled = copy;
      this.stats.spills++;
      this.stats.spilledBytes += b.nbytes;
      b = next;
    }
    // Everything left is in use by the current op: let the budget grow rather than fail.
    if (this.resident + incoming > this.budget) this.budget = this.resident + incoming;
  }

  private take(size: number): number {
    const list = this.freeLists.get(size);
    if (list !== undefined && list.length > 0) return list.pop() as number;
    const ptr = this.top;
    this.grow(ptr + size);
    this.top = ptr + size;
    return ptr;
  }

  /** Grows the memory to hold `end` bytes (by a quarter at least), or throws having changed nothing. */
  private grow(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(Math.max(need, Math.ceil(have / PAGE / 4)));
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new HeapOutOfMemory(end - this.top, `the tensor heap cannot grow from ${formatBytes(have)} to ${formatBytes(end)}`);
      }
    }
    this.refreshViews();
  }

  private giveBack(ptr: number, size: number): void {
    let list = this.freeLists.get(size);
    if (list === undefined) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
  }

  private append(b: Block): void {
    b.prev = this.lruTail;
    b.next = null;
    if (this.lruTail !== null) this.lruTail.next = b;
    else this.lruHead = b;
    this.lruTail = b;
  }

  private unlink(b: Block): void {
    if (b.prev !== null) b.prev.next = b.next;
    else if (this.lruHead === b) this.lruHead = b.next;
    if (b.next !== null) b.next.prev = b.prev;
    else if (this.lruTail === b) this.lruTail = b.prev;
    b.prev = null;
    b.next = null;
  }
}

let theHeap: Heap | null = null;

/** The process-wide heap, created on first use. */
export function heap(): Heap {
  if (theHeap === null) theHeap = new Heap();
  return theHeap;
}
