/**
 * A stable content hash for change detection (config-hash annotations): 64-bit FNV-1a over
 * UTF-16 code units, as 16 hex digits. Not cryptographic; it only has to change when the input
 * changes, identically on every call and every replica. Computed on two 32-bit halves so it
 * needs no BigInt (it runs on every sync).
 */

/** 16 hex digits identifying `text`. */
export function contentHash(text: string): string {
  // FNV offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3.
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    const low = lo * 0x1b3;
    // hi·0x1b3 + lo·2^8 (the 2^40 term lands in the high word) + the carry out of the low word.
    hi = (hi * 0x1b3 + ((lo << 8) >>> 0) + Math.floor(low / 0x100000000)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
