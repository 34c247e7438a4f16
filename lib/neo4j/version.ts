/**
 * Neo4j image tags as versions: parsing, the support policy of this project, ordering, feature
 * gates and the upgrade-path rules.
 *
 * Version lines: Neo4j 5.26 is the last 5.x release (an LTS); the next release was the calendar
 * version 2025.01, and calendar versions continue from there (2025.MM, 2026.MM, …). No 5.27+ was
 * ever released, so the baseline operator's acceptance of "5.26–5.39" only admitted tags that name
 * no image; such tags parse as line `other` and are unsupported here.
 */

/** A parsed Neo4j version. `patch` is 0 when the tag omits it; `raw` is the tag as given. */
export interface Neo4jVersion {
  scheme: 'semver' | 'calver';
  major: number;
  minor: number;
  patch: number;
  /** `5.26` for any 5.26.x, `calver` for YYYY.MM[.P] with YYYY ≥ 2025, `other` for everything else. */
  line: '5.26' | 'calver' | 'other';
  raw: string;
}

/** Result of {@link parseNeo4jVersion}: the version, or why the tag is not a version. */
export type VersionParseResult = { ok: true; version: Neo4jVersion } | { ok: false; raw: string; reason: string };

/** The baseline operator's message for an unsupported image tag, kept verbatim. */
export const UNSUPPORTED_VERSION_MESSAGE =
  'Neo4j version must be 5.26+ (Semver) or 2025.01.0+ (Calver) for enterprise operator';

/** The first calendar year of Neo4j calendar versioning. */
const FIRST_CALVER_YEAR = 2025;
const DOTTED = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * Parses an image tag into a {@link Neo4jVersion}. A leading `v` and everything from the first `-`
 * (`-enterprise`, `-ubi9`, `-enterprise-ubi9`, …) are ignored. Accepted: SemVer `MAJOR.MINOR[.PATCH]`
 * with a major below 1000 (`5.26`, `5.26.12`, `4.4.0`) and CalVer `YYYY.MM[.P]` with YYYY ≥ 2025 and a
 * two-digit month 01–12 (`2025.01`, `2026.03.1`). Never throws.
 */
export function parseNeo4jVersion(tag: string): VersionParseResult {
  const fail = (reason: string): VersionParseResult => ({ ok: false, raw: tag, reason });
  const withoutPrefix = tag.startsWith('v') ? tag.slice(1) : tag;
  const dash = withoutPrefix.indexOf('-');
  const core = dash === -1 ? withoutPrefix : withoutPrefix.slice(0, dash);
  if (core === '') return fail(`image tag "${tag}" contains no version`);
  const match = DOTTED.exec(core);
  if (!match) {
    return fail(`image tag "${tag}" is not a Neo4j version (expected 5.26[.P] or YYYY.MM[.P], optionally with a -suffix)`);
  }
  const [, majorText = '', minorText = '', patchText] = match;
  const major = Number(majorText);
  const minor = Number(minorText);
  const patch = patchText === undefined ? 0 : Number(patchText);

  if (major < 1000) {
    const line = major === 5 && minor === 26 ? '5.26' : 'other';
    return { ok: true, version: { scheme: 'semver', major, minor, patch, line, raw: tag } };
  }
  if (major < FIRST_CALVER_YEAR) {
    return fail(`image tag "${tag}" is not a Neo4j version: calendar versions start at ${FIRST_CALVER_YEAR}.01`);
  }
  // Neo4j always publishes two-digit months; `2025.1.0` is a semver-ised Helm chart version, not an image tag.
  if (minorText.length !== 2 || minor < 1 || minor > 12) {
    return fail(`image tag "${tag}" is not a Neo4j version: the calendar month must be two digits 01-12 (e.g. ${major}.01)`);
  }
  return { ok: true, version: { scheme: 'calver', major, minor, patch, line: 'calver', raw: tag } };
}

/** Normalised text of a version: `5.26.0`, `2025.06.0` (month zero-padded, patch always present). */
export function formatVersion(v: Neo4jVersion): string {
  const minor = v.scheme === 'calver' ? String(v.minor).padStart(2, '0') : String(v.minor);
  return `${v.major}.${minor}.${v.patch}`;
}

/**
 * Whether this project manages the version: every 5.26.x and every calendar version from 2025.01 on,
 * including 2026.x and later (the baseline operator wrongly rejected 2026.x).
 */
export function isSupportedVersion(v: Neo4jVersion): boolean {
  return v.line === '5.26' || v.line === 'calver';
}

/** Result of {@link checkSupportedVersion}. `message` is always {@link UNSUPPORTED_VERSION_MESSAGE}. */
export type SupportedVersionResult =
  | { supported: true; version: Neo4jVersion }
  | { supported: false; message: string; detail: string };

/**
 * Parses a tag and applies {@link isSupportedVersion}. Unsupported or unparsable tags yield the
 * operator's message plus a `detail` naming what was wrong with this particular tag.
 */
export function checkSupportedVersion(tag: string): SupportedVersionResult {
  const parsed = parseNeo4jVersion(tag);
  if (!parsed.ok) return { supported: false, message: UNSUPPORTED_VERSION_MESSAGE, detail: parsed.reason };
  if (isSupportedVersion(parsed.version)) return { supported: true, version: parsed.version };
  return {
    supported: false,
    message: UNSUPPORTED_VERSION_MESSAGE,
    detail: `image tag "${tag}" is Neo4j ${formatVersion(parsed.version)}, which is neither 5.26.x nor a calendar version from 2025.01`,
  };
}

/**
 * Total order on versions: negative if `a < b`, 0 if equal, positive if `a > b`. Every CalVer is
 * greater than every SemVer; within a scheme, (major, minor, patch) order. The tag suffix is not
 * part of the version (`5.26.0-enterprise` equals `5.26`).
 */
export function compareVersions(a: Neo4jVersion, b: Neo4jVersion): number {
  if (a.scheme !== b.scheme) return a.scheme === 'calver' ? 1 : -1;
  return Math.sign(a.major - b.major || a.minor - b.minor || a.patch - b.patch);
}

function parseOrThrow(text: string): Neo4jVersion {
  const parsed = parseNeo4jVersion(text);
  if (!parsed.ok) throw new Error(`invalid version gate "${text}": ${parsed.reason}`);
  return parsed.version;
}

/**
 * Feature gate: whether `v` is at least `gate` (`'2025.03'` for live TLS reload, `'2025.04'`,
 * `'2025.09'`, `'2025.11'` for backup flags; a SemVer gate such as `'5.26'` also works). A 5.26.x
 * version never passes a calendar gate.
 *
 * @throws Error if `gate` is not a version — a programming error, not user input.
 */
export function versionAtLeast(v: Neo4jVersion, gate: string): boolean {
  return compareVersions(v, parseOrThrow(gate)) >= 0;
}

/** Result of {@link checkUpgradePath}; `noop` is true when both tags name the same version. */
export type UpgradePathResult = { allowed: true; noop: boolean } | { allowed: false; reason: string };

/**
 * The operator's upgrade-path rules for changing the image from `from` to `to` (tags or parsed
 * versions): the same version is an allowed no-op; any downgrade (a lower version, including every
 * CalVer → SemVer change) is rejected; 4.x on either side is rejected; SemVer → SemVer needs the same
 * major and, for 5.x, both minors ≥ 26; SemVer → CalVer only from 5.26 or later; CalVer → CalVer is
 * allowed forward. Only the path is judged: whether `to` itself is supported is
 * {@link checkSupportedVersion}'s job.
 */
export function checkUpgradePath(from: Neo4jVersion | string, to: Neo4jVersion | string): UpgradePathResult {
  const source = typeof from === 'string' ? parseNeo4jVersion(from) : { ok: true as const, version: from };
  const target = typeof to === 'string' ? parseNeo4jVersion(to) : { ok: true as const, version: to };
  if (!source.ok) return { allowed: false, reason: `cannot check the upgrade path: ${source.reason}` };
  if (!target.ok) return { allowed: false, reason: `cannot check the upgrade path: ${target.reason}` };
  const a = source.version;
  const b = target.version;
  const fromText = formatVersion(a);
  const toText = formatVersion(b);

  const order = compareVersions(a, b);
  if (order === 0) return { allowed: true, noop: true };
  if (order > 0) {
    return { allowed: false, reason: `downgrade from ${fromText} to ${toText} is not supported` };
  }
  if ((a.scheme === 'semver' && a.major === 4) || (b.scheme === 'semver' && b.major === 4)) {
    return {
      allowed: false,
      reason: `upgrade from ${fromText} to ${toText} is not supported: Neo4j 4.x is not supported; migrate to 5.26 outside the operator first`,
    };
  }
  if (a.scheme === 'semver' && b.scheme === 'semver') {
    if (a.major !== b.major) {
      return { allowed: false, reason: `major version upgrade from ${fromText} to ${toText} is not supported` };
    }
    if (a.major === 5 && a.minor >= 26 && b.minor >= 26) return { allowed: true, noop: false };
    return {
      allowed: false,
      reason:
        a.major === 5
          ? `upgrade from ${fromText} to ${toText} is not supported: both versions must be 5.26 or later`
          : `upgrade from ${fromText} to ${toText} is not supported: only Neo4j 5.26+ and calendar versions are managed`,
    };
  }
  if (a.scheme === 'semver') {
    if (a.major === 5 && a.minor >= 26) return { allowed: true, noop: false };
    return {
      allowed: false,
      reason: `upgrade from ${fromText} to ${toText} is not supported: only 5.26 or later can upgrade to a calendar version`,
    };
  }
  return { allowed: true, noop: false };
}
