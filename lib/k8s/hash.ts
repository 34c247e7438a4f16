/**
 * A stable content hash for change detection (config-hash annotations): 64-bit FNV-1a over
 * UTF-16 code units, as 16 hex digits. Not cryptographic; it only has to change when the input
 * changes, identically on every call and every replica, and never change for the same input (it
 * names what running pods were given). Computed on 16-bit limbs so it needs no BigInt and no
 * floating point (it runs over every rendered config and pod template on every sync).
 */

/** 16 hex digits identifying `text`. */
export function contentHash(text: string): string {
  // The 64-bit state in four 16-bit limbs (h0 lowest), so every product stays an exact small integer.
  // Offset basis 0xcbf29ce484222325; prime 0x100000001b3 = 2^40 + 0x1b3, and 2^40 is limb 2 shifted by 8.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
