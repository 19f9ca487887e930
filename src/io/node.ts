// Node-only modules, loaded on first use with dynamic imports so that importing tessera stays
// browser-safe: only the functions that touch the file system need Node.js.

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');
type Crypto = typeof import('node:crypto');
type Os = typeof import('node:os');

export interface NodeModules {
  fs: Fs;
  path: Path;
  crypto: Crypto;
  os: Os;
}

let cached: Promise<NodeModules> | null = null;

/** True when running under Node.js (or a runtime that provides its built-in modules). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Node's fs/path/crypto/os modules, or a clear error naming `op` outside Node.js.
 * @example const { fs, path } = await nodeModules('saveModel');
 */
export async function nodeModules(op: string): Promise<NodeModules> {
  if (!isNode()) {
    throw new Error(
      `${op}: needs Node.js file system access; in a browser, use the byte-level functions (encodeSafetensors, decodeSafetensors, ...) instead`,
    );
  }
  cached ??= Promise.all([import('node:fs/promises'), import('node:path'), import('node:crypto'), import('node:os')]).then(
    ([fs, path, crypto, os]) => ({ fs, path, crypto, os }),
  );
  return cached;
}
