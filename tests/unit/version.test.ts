import { describe, it, expect } from 'vitest';
import {
  UNSUPPORTED_VERSION_MESSAGE,
  checkSupportedVersion,
  checkUpgradePath,
  compareVersions,
  formatVersion,
  isSupportedVersion,
  parseNeo4jVersion,
  versionAtLeast,
  type Neo4jVersion,
} from '../../lib/neo4j/version.js';

function v(tag: string): Neo4jVersion {
  const parsed = parseNeo4jVersion(tag);
  if (!parsed.ok) throw new Error(`test fixture ${tag} does not parse: ${parsed.reason}`);
  return parsed.version;
}

describe('parseNeo4jVersion', () => {
  it.each<[string, Omit<Neo4jVersion, 'raw'>]>([
    ['5.26', { scheme: 'semver', major: 5, minor: 26, patch: 0, line: '5.26' }],
    ['5.26.0', { scheme: 'semver', major: 5, minor: 26, patch: 0, line: '5.26' }],
    ['5.26.12', { scheme: 'semver', major: 5, minor: 26, patch: 12, line: '5.26' }],
    ['v5.26.3', { scheme: 'semver', major: 5, minor: 26, patch: 3, line: '5.26' }],
    ['5.26.0-enterprise', { scheme: 'semver', major: 5, minor: 26, patch: 0, line: '5.26' }],
    ['5.26-ubi9', { scheme: 'semver', major: 5, minor: 26, patch: 0, line: '5.26' }],
    ['5.26.9-enterprise-ubi9', { scheme: 'semver', major: 5, minor: 26, patch: 9, line: '5.26' }],
    ['2025.01', { scheme: 'calver', major: 2025, minor: 1, patch: 0, line: 'calver' }],
    ['2025.01.0', { scheme: 'calver', major: 2025, minor: 1, patch: 0, line: 'calver' }],
    ['2025.01.0-enterprise', { scheme: 'calver', major: 2025, minor: 1, patch: 0, line: 'calver' }],
    ['2026.03.1', { scheme: 'calver', major: 2026, minor: 3, patch: 1, line: 'calver' }],
    ['2026.03.1-ubi9', { scheme: 'calver', major: 2026, minor: 3, patch: 1, line: 'calver' }],
    ['2025.10.1-enterprise-trixie', { scheme: 'calver', major: 2025, minor: 10, patch: 1, line: 'calver' }],
    ['v2025.06.2', { scheme: 'calver', major: 2025, minor: 6, patch: 2, line: 'calver' }],
    ['2031.12', { scheme: 'calver', major: 2031, minor: 12, patch: 0, line: 'calver' }],
    ['4.4.30', { scheme: 'semver', major: 4, minor: 4, patch: 30, line: 'other' }],
    ['5.25.1', { scheme: 'semver', major: 5, minor: 25, patch: 1, line: 'other' }],
    ['5.27.0', { scheme: 'semver', major: 5, minor: 27, patch: 0, line: 'other' }],
    ['5.39', { scheme: 'semver', major: 5, minor: 39, patch: 0, line: 'other' }],
  ])('%s', (tag, expected) => {
    expect(parseNeo4jVersion(tag)).toEqual({ ok: true, version: { ...expected, raw: tag } });
  });

  it.each<[string, RegExp]>([
    ['', /contains no version/],
    ['v', /contains no version/],
    ['-enterprise', /contains no version/],
    ['latest', /"latest" is not a Neo4j version/],
    ['enterprise', /is not a Neo4j version/],
    ['5', /is not a Neo4j version/],
    ['5.x', /is not a Neo4j version/],
    ['5.26.0.1', /is not a Neo4j version/],
    ['5.26.0+build', /is not a Neo4j version/],
    ['V5.26', /is not a Neo4j version/],
    ['2024.12.0', /calendar versions start at 2025.01/],
    ['2025.1.0', /month must be two digits 01-12 \(e.g. 2025.01\)/],
    ['2025.13', /month must be two digits/],
    ['2025.00.1', /month must be two digits/],
  ])('rejects %j', (tag, reason) => {
    const parsed = parseNeo4jVersion(tag);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.raw).toBe(tag);
      expect(parsed.reason).toMatch(reason);
    }
  });
});

describe('formatVersion', () => {
  it.each([
    ['5.26', '5.26.0'],
    ['5.26.4-enterprise', '5.26.4'],
    ['2025.06', '2025.06.0'],
    ['v2026.03.1-ubi9', '2026.03.1'],
  ])('%s → %s', (tag, text) => {
    expect(formatVersion(v(tag))).toBe(text);
  });
});

describe('version support', () => {
  it.each(['5.26', '5.26.0', '5.26.12-enterprise', '2025.01.0', '2025.12.3', '2026.01.0', '2026.03.1-ubi9', '2031.07'])(
    'supports %s',
    (tag) => {
      expect(isSupportedVersion(v(tag))).toBe(true);
      expect(checkSupportedVersion(tag)).toEqual({ supported: true, version: v(tag) });
    },
  );

  it.each<[string, RegExp]>([
    ['4.4.30', /is Neo4j 4\.4\.30, which is neither 5\.26\.x nor a calendar version/],
    ['5.25.1', /is Neo4j 5\.25\.1/],
    ['5.27.0', /is Neo4j 5\.27\.0/],
    ['5.39-enterprise', /is Neo4j 5\.39\.0/],
    ['garbage', /is not a Neo4j version/],
    ['', /contains no version/],
    ['2024.06.0', /calendar versions start/],
  ])('rejects %j with the operator message', (tag, detail) => {
    const result = checkSupportedVersion(tag);
    expect(result).toMatchObject({ supported: false, message: UNSUPPORTED_VERSION_MESSAGE });
    if (!result.supported) expect(result.detail).toMatch(detail);
  });

  it('keeps the operator message verbatim', () => {
    expect(UNSUPPORTED_VERSION_MESSAGE).toBe(
      'Neo4j version must be 5.26+ (Semver) or 2025.01.0+ (Calver) for enterprise operator',
    );
  });

  it.each(['4.4.30', '5.25.1', '5.27.0'])('isSupportedVersion(%s) is false', (tag) => {
    expect(isSupportedVersion(v(tag))).toBe(false);
  });
});

describe('compareVersions', () => {
  const ascending = [
    '4.4.0',
    '5.25.9',
    '5.26.0',
    '5.26.1',
    '5.26.10',
    '5.27.0',
    '2025.01.0',
    '2025.01.1',
    '2025.02.0',
    '2025.12.9',
    '2026.01.0',
  ];

  it('orders SemVer below CalVer and tuples numerically', () => {
    const shuffled = [...ascending.filter((_, i) => i % 2 === 1), ...ascending.filter((_, i) => i % 2 === 0).reverse()];
    const sorted = shuffled.map(v).sort(compareVersions).map(formatVersion);
    expect(sorted).toEqual(ascending);
  });

  it('is antisymmetric and treats suffixes and an omitted patch as equal', () => {
    for (const [i, a] of ascending.entries()) {
      for (const [j, b] of ascending.entries()) {
        expect(Math.sign(compareVersions(v(a), v(b)))).toBe(Math.sign(i - j));
      }
    }
    expect(compareVersions(v('5.26'), v('5.26.0-enterprise'))).toBe(0);
    expect(compareVersions(v('2025.06-ubi9'), v('v2025.06.0'))).toBe(0);
  });
});

describe('versionAtLeast', () => {
  it.each<[string, string, boolean]>([
    ['2025.03.0', '2025.03', true],
    ['2025.02.5', '2025.03', false],
    ['2025.04.0-enterprise', '2025.04', true],
    ['2025.08.0', '2025.09', false],
    ['2025.11.1', '2025.11', true],
    ['2026.01.0', '2025.11', true],
    ['5.26.12', '2025.03', false],
    ['5.26.0', '5.26', true],
    ['2025.01.0', '5.26', true],
  ])('%s ≥ %s is %s', (tag, gate, expected) => {
    expect(versionAtLeast(v(tag), gate)).toBe(expected);
  });

  it('throws on a gate that is not a version', () => {
    expect(() => versionAtLeast(v('2025.01'), 'soon')).toThrow(/invalid version gate "soon"/);
  });
});

describe('checkUpgradePath', () => {
  it.each<[string, string]>([
    ['5.26.0', '5.26.0-enterprise'],
    ['5.26', '5.26.0'],
    ['2025.06.0', '2025.06-ubi9'],
  ])('%s → %s is a no-op', (from, to) => {
    expect(checkUpgradePath(from, to)).toEqual({ allowed: true, noop: true });
  });

  it.each<[string, string]>([
    ['5.26.0', '5.26.5'],
    ['5.26.5-enterprise', '5.26.12-enterprise-ubi9'],
    ['5.26.0', '5.27.0'],
    ['5.26.8', '2025.01.0'],
    ['5.26.8', '2026.03.1'],
    ['2025.01.0', '2025.01.1'],
    ['2025.01.0', '2025.12.0'],
    ['2025.11.2', '2026.02.0'],
  ])('%s → %s is allowed', (from, to) => {
    expect(checkUpgradePath(from, to)).toEqual({ allowed: true, noop: false });
  });

  it.each<[string, string, string]>([
    ['5.26.5', '5.26.0', 'downgrade from 5.26.5 to 5.26.0 is not supported'],
    ['2025.06.0', '5.26.0', 'downgrade from 2025.06.0 to 5.26.0 is not supported'],
    ['2025.06.0-enterprise', '2025.05.9-enterprise', 'downgrade from 2025.06.0 to 2025.05.9 is not supported'],
    ['2026.01.0', '2025.12.0', 'downgrade from 2026.01.0 to 2025.12.0 is not supported'],
    [
      '4.4.0',
      '5.26.0',
      'upgrade from 4.4.0 to 5.26.0 is not supported: Neo4j 4.x is not supported; migrate to 5.26 outside the operator first',
    ],
    [
      '4.3.0',
      '4.4.0',
      'upgrade from 4.3.0 to 4.4.0 is not supported: Neo4j 4.x is not supported; migrate to 5.26 outside the operator first',
    ],
    [
      '4.4.0',
      '2025.01.0',
      'upgrade from 4.4.0 to 2025.01.0 is not supported: Neo4j 4.x is not supported; migrate to 5.26 outside the operator first',
    ],
    ['5.25.0', '5.26.0', 'upgrade from 5.25.0 to 5.26.0 is not supported: both versions must be 5.26 or later'],
    ['5.26.0', '6.0.0', 'major version upgrade from 5.26.0 to 6.0.0 is not supported'],
    [
      '5.20.0',
      '2025.01.0',
      'upgrade from 5.20.0 to 2025.01.0 is not supported: only 5.26 or later can upgrade to a calendar version',
    ],
  ])('%s → %s is rejected', (from, to, reason) => {
    expect(checkUpgradePath(from, to)).toEqual({ allowed: false, reason });
  });

  it('rejects tags that are not versions, naming the tag', () => {
    expect(checkUpgradePath('garbage', '5.26.0')).toEqual({
      allowed: false,
      reason: expect.stringMatching(/^cannot check the upgrade path: image tag "garbage"/),
    });
    expect(checkUpgradePath('5.26.0', '2025.1.0')).toEqual({
      allowed: false,
      reason: expect.stringMatching(/^cannot check the upgrade path: image tag "2025.1.0"/),
    });
  });

  it('accepts parsed versions as well as tags', () => {
    expect(checkUpgradePath(v('5.26.1'), v('2025.03.0'))).toEqual({ allowed: true, noop: false });
    expect(checkUpgradePath(v('2025.03.0'), '5.26.1')).toMatchObject({ allowed: false });
  });
});
