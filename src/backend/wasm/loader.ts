// Loads the WebAssembly kernel module: picks the relaxed-SIMD build where the engine accepts it
// (enabling it in Node 20 first), else the plain-SIMD build, and instantiates it on the heap's
// memory. Nothing happens at import time; the first `loadKernels()` does the work, once per build.

import { heap } from './heap.js';
import { KERNELS_RELAXED, KERNELS_SIMD } from './kernels.gen.js';

/** Which build of the kernel module: `'relaxed'` (FMA, 6x8 GEMM tile) or `'simd'` (plain SIMD). */
export type KernelBuild = 'relaxed' | 'simd';

/** Every build the loader knows, in order of preference; pool jobs name a build by its index here. */
export const BUILDS: readonly KernelBuild[] = ['relaxed', 'simd'];

type F = (...args: number[]) => number;

/** The exported kernel functions. Pointers are byte addresses into the heap; flags are 0/1. */
export interface KernelExports {
  // (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, ws)
  gemm: F;
  gemmScratchBytes: () => number;
  gemmTileRows: () => number;
  [name: string]: F;
}

/** An instantiated build of the kernel module. */
export interface Kernels {
  build: KernelBuild;
  /** Index of `build` in BUILDS. */
  id: number;
  module: WebAssembly.Module;
  exports: KernelExports;
  /** Names of the exported functions, in export order: the pool's function ids. */
  names: readonly string[];
  fnId: ReadonlyMap<string, number>;
}

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** The Node process object, or undefined in browsers. */
export function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/** A Node built-in module loaded synchronously (Node >= 20.16), or undefined. */
export function nodeBuiltin<T>(id: string): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
}

let relaxedFlagSet = false;

/** Node 20 ships relaxed SIMD behind a flag: turn it on before the module is validated or compiled. */
function enableRelaxedSimd(): void {
  if (relaxedFlagSet) return;
  relaxedFlagSet = true;
  const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>('node:v8');
  v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const modules = new Map<KernelBuild, WebAssembly.Module | null>();
const instances = new Map<KernelBuild, Kernels>();

/** The compiled module of a build, or null when this engine cannot run it. */
export function kernelModule(build: KernelBuild): WebAssembly.Module | null {
  let mod = modules.get(build);
  if (mod !== undefined) return mod;
  if (build === 'relaxed') enableRelaxedSimd();
  const bytes = decode(build === 'relaxed' ? KERNELS_RELAXED : KERNELS_SIMD);
  mod = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  modules.set(build, mod);
  return mod;
}

/**
 * Compiles the kernel modules asynchronously ahead of first use. Optional in Node; needed on a
 * browser's main thread, which refuses to compile modules this size synchronously. In Node
 * older than 20.16 (no process.getBuiltinModule) it is also what turns relaxed SIMD on.
 * @example await prepareKernels(); // then ops run on the wasm backend as usual
 */
export async function prepareKernels(): Promise<void> {
  const proc = nodeProcess();
  if (proc !== undefined && proc.getBuiltinModule === undefined && !relaxedFlagSet) {
    relaxedFlagSet = true;
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  for (const build of BUILDS) {
    if (modules.has(build)) continue;
    if (build === 'relaxed') enableRelaxedSimd();
    const bytes = decode(build === 'relaxed' ? KERNELS_RELAXED : KERNELS_SIMD);
    modules.set(build, WebAssembly.validate(bytes) ? await WebAssembly.compile(bytes) : null);
  }
}

/** The builds this engine can run, best first. */
export function availableBuilds(): KernelBuild[] {
  return BUILDS.filter((b) => kernelModule(b) !== null);
}

/**
 * The kernel module instantiated on the heap's memory: `build` if given, else the best one.
 * Throws when WebAssembly SIMD is not available.
 * @example const k = loadKernels(); k.exports.gemm(...)
 */
export function loadKernels(build?: KernelBuild): Kernels {
  const want = build ?? availableBuilds()[0];
  if (want === undefined) throw new Error('wasm backend: this engine lacks WebAssembly SIMD; use setDefaultDevice("reference")');
  const cached = instances.get(want);
  if (cached !== undefined) return cached;
  const module = kernelModule(want);
  if (module === null) throw new Error(`wasm backend: the '${want}' kernel build is not supported by this engine`);
  const instance = new WebAssembly.Instance(module, { env: { memory: heap().memory } });
  const names = functionNames(module);
  const k: Kernels = {
    build: want,
    id: BUILDS.indexOf(want),
    module,
    exports: instance.exports as unknown as KernelExports,
    names,
    fnId: new Map(names.map((n, i) => [n, i])),
  };
  instances.set(want, k);
  return k;
}

/** Exported function names of a kernel module, in export order (the same in every thread). */
export function functionNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name);
}
