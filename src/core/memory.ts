// Public memory controls: statistics of the tensor heap, and its spill budget.

import { type HeapStats, heap } from './heap.js';

/**
 * Statistics of the tensor heap: resident bytes, heap size, spills and uploads.
 * @example console.log(memoryStats().residentBytes)
 */
export function memoryStats(): HeapStats {
  return heap().getStats();
}

/**
 * Sets the resident bytes above which least-recently-used tensors are copied out of the heap
 * (default 64 MiB, grown automatically when live data does not fit).
 * @example setMemoryBudget(512 * 2 ** 20)
 */
export function setMemoryBudget(bytes: number): void {
  heap().setBudget(bytes);
}
