// The tensor heap: one WebAssembly.Memory that every backend computes in, with a size-class
// allocator and automatic lifetimes, so users never call dispose().
//
// Lifetimes. A tensor's bytes live in a Block of the heap. A Block is freed
//  1. when its Storage is garbage collected (FinalizationRegistry, blocks of 1 KiB and up), which
//     works whenever the event loop turns (async training, servers);
//  2. on an explicit `dispose()` (an optimisation, never required), which tessera itself does
//     for memory nothing but the autograd graph reads: gradients made during backward, an op's
//     private saved tensors, what composed ops and a Sequential of built-in layers allocate on
//     the way to their output (found with `capture`; see core/autograd.ts) are released when
//     backward frees the graph, or at once when there is none;
//  3. by spilling, which keeps a synchronous loop flat: FinalizationRegistry callbacks never run
//     while synchronous code runs, so when resident bytes pass the budget, the least recently
//     used blocks are copied out to ordinary JS memory and their heap space is reused. A spilled
//     block that is used again is uploaded back transparently; a dead one is reclaimed by the
//     JS garbage collector with its Storage. The budget doubles (up to 1 GiB) when live data is
//     seen to thrash.
// Nothing is ever lost: a block leaves the heap only by being freed when unreachable, or copied.

/** A region of the heap holding one storage's bytes, or (when spilled) a JS copy of them. */
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
  constructor(
    readonly nbytes: number,
    /** Allocation order: tells which blocks were created after a given moment. */
    readonly serial: number,
  ) {}
}

/** Holds a Block for the tensors that view it; when the last view is collected, the Block is freed. */
export class Storage {
  constructor(readonly block: Block) {}
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
/** Blocks at least this large are freed by the garbage collector's finalizers. */
const FINALIZE_MIN_BYTES = 1024;

/** Size classes: 64-byte multiples up to 1 KiB, then four classes per power of two (< 19% waste). */
function sizeClass(nbytes: number): number {
  if (nbytes <= 1024) return Math.max(ALIGN, Math.ceil(nbytes / ALIGN) * ALIGN);
  const p = 2 ** Math.floor(Math.log2(nbytes));
  const step = p / 4;
  return Math.ceil(nbytes / step) * step;
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

/**
 * The tensor heap cannot hold a requested block. The heap is left as it was (budget, resident
 * and spilled blocks), so code that catches it can go on. `core/exec.ts` rethrows it naming the
 * op and shape.
 * @example try { heap().allocate(2 ** 33) } catch (e) { if (e instanceof HeapOutOfMemory) console.log(e.bytes) }
 */
export class HeapOutOfMemory extends RangeError {
  constructor(
    /** Bytes requested. */
    readonly bytes: number,
    readonly reason: string,
  ) {
    super(`out of memory: cannot allocate ${bytes} bytes (${formatBytes(bytes)}): ${reason}`);
    this.name = 'RangeError';
  }
}

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
  private readonly free = new Map<number, number[]>();
  private resident = 0;
  private budget = MIN_BUDGET;
  private lruHead: Block | null = null;
  private lruTail: Block | null = null;
  private epoch = 1;
  private serial = 0;
  private readonly registry = new FinalizationRegistry<Block>((b) => this.release(b));
  private stats = { spills: 0, spilledBytes: 0, uploads: 0 };
  private recentUploads = 0;
  private captured: Storage[] | null = null;

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

  /** A new resident block of `nbytes`, owned by the returned Storage. */
  allocate(nbytes: number): Storage {
    const block = new Block(nbytes, this.serial++);
    this.place(block);
    const storage = new Storage(block);
    this.watch(storage);
    if (this.captured !== null) this.captured.push(storage);
    return storage;
  }

  /** Runs `fn` and returns its result with every storage allocated meanwhile. */
  capture<T>(fn: () => T): [T, Storage[]] {
    const outer = this.captured;
    const mine: Storage[] = [];
    this.captured = mine;
    try {
      return [fn(), mine];
    } finally {
      this.captured = outer;
      if (outer !== null) outer.push(...mine);
    }
  }

  /** Frees the block when the storage is collected. Registration costs about as much as spilling
   * a small block, so small blocks rely on spilling alone. */
  private watch(storage: Storage): void {
    if (storage.block.nbytes >= FINALIZE_MIN_BYTES) this.registry.register(storage, storage.block, storage.block);
  }

  /** The heap address of a storage's bytes, uploading them back if they were spilled. Marks it used. */
  ptr(storage: Storage): number {
    const block = storage.block;
    if (!block.resident) {
      if (block.released) throw new Error('tensor used after dispose(): its memory was released');
      const data = block.spilled as Uint8Array;
      this.place(block);
      this.u8.set(data, block.ptr);
      block.spilled = null;
      this.watch(storage);
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

  /** The serial number the next allocated block will get. */
  nextSerial(): number {
    return this.serial;
  }

  /** Frees a storage now (an optimisation; the garbage collector does it otherwise). */
  dispose(storage: Storage): void {
    this.registry.unregister(storage.block);
    this.release(storage.block);
    storage.block.released = true;
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
    const list = this.free.get(size);
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
      // The registry holds its blocks strongly until finalizers run, which never happens inside
      // a synchronous loop: a spilled block must belong to its Storage alone, to die with it.
      this.registry.unregister(b);
      b.spilled = copy;
      this.stats.spills++;
      this.stats.spilledBytes += b.nbytes;
      b = next;
    }
    // Everything left is in use by the current op: let the budget grow rather than fail.
    if (this.resident + incoming > this.budget) this.budget = this.resident + incoming;
  }

  private take(size: number): number {
    const list = this.free.get(size);
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
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
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
