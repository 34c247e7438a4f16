import { describe, expect, it } from 'vitest';
import { contentHash } from '../../lib/k8s/hash.js';

/** Reference FNV-1a 64 with BigInt, to check the limb arithmetic. */
function reference(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

describe('contentHash', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(contentHash('')).toBe('cbf29ce484222325');
    expect(contentHash('a')).toBe('af63dc4c8601ec8c');
    expect(contentHash('foobar')).toBe('85944171f73967e8');
  });

  it('equals the BigInt reference on varied input', () => {
    const samples = ['neo4j.conf\nserver.default_listen_address=0.0.0.0', 'ünïcødé ✓ 𝄞', 'x'.repeat(5000), Array.from({ length: 300 }, (_, i) => String.fromCharCode(i * 217 % 65535)).join('')];
    for (const s of samples) expect(contentHash(s)).toBe(reference(s));
  });

  it('changes with any single character', () => {
    expect(contentHash('heap=1G')).not.toBe(contentHash('heap=2G'));
  });
});
