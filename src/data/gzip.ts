// gzip for data files, on Web-standard streams (DecompressionStream: Node.js 18+ and browsers),
// with Node's zlib as the fallback where those streams are missing.

import { FileFormatError } from '../io/errors.js';

/** True when `bytes` begin with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip `bytes`; a truncated or corrupted stream throws a FileFormatError naming `file`.
 * @example const raw = await gunzip(await (await fetch(url)).bytes(), url);
 */
export async function gunzip(bytes: Uint8Array, file = '<gzip bytes>'): Promise<Uint8Array> {
  try {
    if (typeof DecompressionStream === 'function') return await pipe(bytes, new DecompressionStream('gzip'));
    const zlib = await import('node:zlib');
    return new Uint8Array(zlib.gunzipSync(bytes));
  } catch (e) {
    throw new FileFormatError(file, `corrupted or truncated gzip data (${(e as Error).message})`);
  }
}

/**
 * Compresses `bytes` with gzip.
 * @example await gzip(encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) }))
 */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof CompressionStream === 'function') return pipe(bytes, new CompressionStream('gzip'));
  const zlib = await import('node:zlib');
  return new Uint8Array(zlib.gzipSync(bytes, { level: 9 }));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => {}); // the reader reports the error
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await written;
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.byteLength;
  }
  return out;
}
