// The wasm kernels' argument forms: byte addresses into the CPU device's heap. Only the CPU
// device's backend (index.ts) makes them, from views, at its boundary.

import type { DType } from '../../core/dtype.js';

/**
 * A strided operand on the heap: byte address of element 0, and per-dim sizes and element strides.
 * @example { ptr: heap().resolve(block), dtype: 'float32', shape: [2, 3], strides: [3, 1] }
 */
export interface AddrStrided {
  ptr: number;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
}

/** A 2-D matrix operand on the heap: row-major with leading dimension `ld`, or its transpose. @example { ptr, ld: 64, trans: false } */
export interface AddrMat {
  ptr: number;
  ld: number;
  trans: boolean;
}
