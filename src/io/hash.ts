// SHA-256 of bytes as lowercase hex, through WebCrypto (Node.js 20 and browsers alike). Model and
// checkpoint manifests record it for their tensor file, so a corrupted or mismatched file is refused.

/**
 * The SHA-256 digest of `bytes`, in hex.
 * @example await sha256Hex(new TextEncoder().encode('abc')) // 'ba7816bf...'
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new Error('sha256Hex: WebCrypto (crypto.subtle) is not available in this runtime');
  // WebCrypto refuses views of shared memory: copy those
  const data = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await subtle.digest('SHA-256', data));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
