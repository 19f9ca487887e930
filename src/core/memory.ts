// Public memory controls: statistics of a device's memory (the CPU device's heap by default),
// and the CPU heap's spill budget.

import type { DeviceMemoryStats } from '../backend/device.js';
import { getDevice } from '../backend/registry.js';
import { type HeapStats, heap } from '../backend/wasm/heap.js';

/**
 * Statistics of the CPU device's tensor heap (resident bytes, heap size, spills and uploads), or
 * of another device's memory (resident bytes).
 * @example console.log(memoryStats().residentBytes, memoryStats('reference').residentBytes)
 */
export function memoryStats(): HeapStats;
export function memoryStats(device: string): DeviceMemoryStats;
export function memoryStats(device?: string): HeapStats | DeviceMemoryStats {
  if (device === undefined) return heap().getStats();
  return getDevice(device, 'memoryStats').memoryStats();
}

/**
 * Sets the resident bytes above which least-recently-used tensors are copied out of the CPU
 * device's heap (default 64 MiB, grown automatically when live data does not fit).
 * @example setMemoryBudget(512 * 2 ** 20)
 */
export function setMemoryBudget(bytes: number): void {
  heap().setBudget(bytes);
}
