/**
 * A stable content hash for change detection (config-hash annotations): 64-bit FNV-1a over
 * UTF-16 code units, as 16 hex digits. Not cryptographic; it only has to change when the input
 * changes, identically on every call and every replica.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** 16 hex digits identifying `text`. */
export function contentHash(text: string): string {
  let hash = OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}
