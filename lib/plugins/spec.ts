/**
 * One Neo4jPlugin as the merge sees it: read defensively (it is a related object of the cluster
 * and standalone hooks, never validated by them), normalised (catalogue names, sorted lists) and
 * checked. Two kinds of findings: {@link readPlugin} checks what the CR alone decides (the
 * operator's PluginValidator rules, and every value that reaches neo4j.conf or the environment
 * must be inert); {@link versionErrors} checks what depends on the target's Neo4j version (the
 * catalogue of its line, minimum plugin versions). Both the target's hook and the plugin's own
 * hook call these, so they always agree on what is installed.
 *
 * Inertness: names reach `NEO4J_PLUGINS` only as catalogue constants; config keys must be the
 * plugin's own settings (a fixed charset, no `=` or blanks) or one of the merged list settings;
 * values may hold no control character (a line break would add neo4j.conf lines), no `$(` (command
 * expansion when EXTENDED_CONF is set) and no trailing backslash; list entries, procedure globs,
 * Secret names and file paths have fixed charsets. Messages quote user text as JSON.
 */
import { isRecord, type K8sObject } from '../k8s/object.js';
import { admissionErrors } from '../crd/admission.js';
import { toStructural } from '../crd/structural.js';
import { PluginSpecSchema } from '../schemas/plugin.js';
import { contentHash } from '../k8s/hash.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import {
  APOC_PREFIX,
  catalogueEntry,
  comparePluginVersions,
  isListSetting,
  LIST_SETTINGS,
  parsePluginVersion,
  resolvePluginName,
  type CatalogueName,
  type ListSetting,
} from './catalogue.js';

/** The securityPolicy values the operator accepts. */
export const SECURITY_POLICIES = ['strict', 'moderate', 'permissive'] as const;

/** Longest value of a plugin setting. */
export const MAX_VALUE_LENGTH = 4096;

/** A dependency as declared. */
export interface PluginDependency {
  /** As written. */
  requested: string;
  /** The catalogue name, when it stands for one. */
  name?: CatalogueName;
  /** Why it stands for none. */
  reason?: string;
  optional: boolean;
}

/** A Neo4jPlugin, normalised. */
export interface PluginRequest {
  object: K8sObject;
  /** metadata.name of the Neo4jPlugin. */
  cr: string;
  namespace: string;
  /** metadata.creationTimestamp ('' when absent): the older CR wins a duplicate. */
  created: string;
  deleting: boolean;
  clusterRef: string;
  /** spec.name as written. */
  requested: string;
  /** The catalogue name it stands for. */
  name?: CatalogueName;
  version: string;
  enabled: boolean;
  dependencies: PluginDependency[];
  /** spec.config, sorted by key. */
  config: Array<[string, string]>;
  allowed: string[];
  denied: string[];
  sandbox: boolean;
  license?: { keySecret?: string; licenseFile?: string };
  /**
   * Hash of everything that changes what the servers run (not `version`, `source` or
   * `resources`, which change nothing): the servers carry it in their pod template, so the
   * plugin's hook can tell when the servers run this very spec.
   */
  fingerprint: string;
}

/** A read plugin and what is wrong with it on its own. */
export interface ReadPlugin {
  plugin: PluginRequest;
  errors: string[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;
/** A procedure name or glob: dotted segments of letters, digits, `_`, and the wildcards `*` and `?`. */
const PROCEDURE = /^[A-Za-z0-9_*?]+(\.[A-Za-z0-9_*?]+)*$/u;
/** A setting name: dotted segments of letters, digits, `_` and `-`. */
const SETTING_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/u;
/** An APOC setting that maps to one Docker environment variable and back (no `_` at a segment's edge, no `__`). */
const APOC_KEY = /^apoc(\.[A-Za-z0-9]+(_[A-Za-z0-9]+)*)+$/u;
/** An entry of a list setting: no comma, blank or quote. */
const LIST_ENTRY = /^[A-Za-z0-9_.*?/=$+|()[\]{}^\\-]+$/u;
/** An absolute file path without `..` segments. */
const FILE_PATH = /^(\/[A-Za-z0-9_.-]+)+$/u;
const VERSION_CONSTRAINT = /^[A-Za-z0-9.<>=!~^*, |-]{1,64}$/u;
const CHECKSUM = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/u;
const HTTPS_URL = /^https:\/\/[^\s/]+\S*$/u;
/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** The spec's structural schema, as the API server applies it. */
const SPEC_SCHEMA = toStructural(PluginSpecSchema);
/** Required fields this module reports itself, with a message of its own. */
const OWN_REQUIRED = ['clusterRef: Required value', 'name: Required value', 'version: Required value'];

/**
 * What the API server would refuse in `spec` (wrong types, enum values): such a spec never
 * reaches a hook through Metacontroller, but one that does (a raw request) is refused, not read
 * with guesses (`enabled: "false"` must not enable a plugin).
 */
function schemaErrors(spec: Record<string, unknown>): string[] {
  // The check alone: the spec's only defaults (enabled, source.type) are valid values, so
  // applying them (and copying the spec to do so) could add no error.
  return admissionErrors(SPEC_SCHEMA, spec)
    .filter((e) => !OWN_REQUIRED.includes(e))
    .map((e) => `spec.${e}`);
}

/** Quotes user text for a message. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Why `value` cannot be a neo4j.conf value or an environment value, or undefined. */
export function valueError(field: string, value: string): string | undefined {
  if (CONTROL.test(value)) {
    return `${field} contains a line break or control character, which would corrupt neo4j.conf: ${quote(value)}`;
  }
  if (value.includes('$(')) return `${field} contains "$(", which Neo4j runs as a command when command expansion is on: ${quote(value)}`;
  if (value.endsWith('\\')) return `${field} ends with a backslash, which would join it with the next neo4j.conf line: ${quote(value)}`;
  if (value.length > MAX_VALUE_LENGTH) return `${field} is longer than ${MAX_VALUE_LENGTH} characters`;
  return undefined;
}

/** The entries of a comma-separated list setting value, trimmed, empty ones dropped. */
export function listEntries(value: string): string[] {
  return value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/**
 * Whether glob `pattern` (`*` any run of characters, `?` one character, as Neo4j's procedure
 * settings read them) covers `name` (taken literally, wildcards included: `apoc.*` covers
 * `apoc.export.*`).
 */
export function globCovers(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  // Wildcards match no line terminator and read a surrogate pair as one character: such names
  // (never valid procedure names) take the regular expression, which has exactly those rules.
  if (UNUSUAL_NAME.test(name)) return globRegex(pattern).test(name);
  return wildcardMatch(pattern, name);
}

/** Line terminators and UTF-16 surrogates (no `u` flag: it tests code units). */
const UNUSUAL_NAME = /[\n\r\u2028\u2029\ud800-\udfff]/;

function globRegex(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replace(/\*/gu, '.*').replace(/\?/gu, '.');
  return new RegExp(`^${source}$`, 'u');
}

/**
 * `*` and `?` matching on code units, linear in practice: on a mismatch, the last `*` seen takes
 * one more character (an earlier `*` never needs to, the last one can absorb whatever it would).
 */
function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let starEnd = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      starEnd = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++starEnd;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The Docker image's environment variable of a setting: `NEO4J_` + `_`→`__`, `.`→`_` (case kept). */
export function dockerEnvName(key: string): string {
  return `NEO4J_${key.replace(/_/gu, '__').replace(/\./gu, '_')}`;
}

function sourceErrors(spec: Record<string, unknown>, errors: string[]): void {
  if (!isRecord(spec.source)) return;
  const source = spec.source;
  const type = text(source.type) || 'official';
  const url = text(source.url);
  const checksum = text(source.checksum);
  // Another type is refused by the schema check (the CRD's enum).
  if (!['official', 'community', 'custom', 'url'].includes(type)) return;
  if (type === 'custom' || type === 'url') {
    if (!url) errors.push(`spec.source.url is required for source type ${type}`);
    else if (!HTTPS_URL.test(url)) errors.push(`spec.source.url must be an https:// URL: ${quote(url)}`);
    if (type === 'url' && !checksum) errors.push('spec.source.checksum is required for source type url (sha256:<hex> or sha512:<hex>)');
    if (checksum && !CHECKSUM.test(checksum)) errors.push(`spec.source.checksum must be sha256:<64 hex digits> or sha512:<128 hex digits>: ${quote(checksum)}`);
    errors.push(
      `spec.source.type ${type} is not supported by neo4j-hooks: the servers install plugins through the Docker image's NEO4J_PLUGINS, which takes catalogue names only; build an image with the jar in /var/lib/neo4j/plugins instead`,
    );
    return;
  }
  if (isRecord(source.registry)) {
    errors.push(`spec.source.registry is not supported by neo4j-hooks: the Docker image downloads ${type} plugins from its own catalogue`);
  }
  if (text(source.authSecret)) errors.push(`spec.source.authSecret is not supported by neo4j-hooks: ${type} plugins need no credentials`);
  if (url) errors.push(`spec.source.url is only used by source types custom and url, which neo4j-hooks does not support`);
}

function securityErrors(plugin: PluginRequest, spec: Record<string, unknown>, errors: string[]): void {
  const security = record(spec.security);
  const policy = security.securityPolicy;
  if (policy !== undefined && !(SECURITY_POLICIES as readonly unknown[]).includes(policy)) {
    errors.push(`spec.security.securityPolicy ${quote(String(policy))} is not one of ${SECURITY_POLICIES.join(', ')}`);
  }
  for (const [field, list] of [
    ['allowedProcedures', plugin.allowed],
    ['deniedProcedures', plugin.denied],
  ] as const) {
    for (const procedure of list) {
      if (!PROCEDURE.test(procedure)) errors.push(`spec.security.${field} entry ${quote(procedure)} is not a procedure name or glob (letters, digits, _, *, ? in dotted segments)`);
    }
  }
  for (const procedure of plugin.denied) {
    if (plugin.allowed.includes(procedure)) {
      errors.push(`procedure ${quote(procedure)} is both allowed and denied in spec.security`);
      continue;
    }
    const covering = plugin.allowed.find((allowed) => globCovers(allowed, procedure));
    if (covering) {
      errors.push(
        `denied procedure ${quote(procedure)} is covered by allowed ${quote(covering)}: Neo4j has no denylist setting, so the allowlist would load it; list only the procedures to load`,
      );
    }
  }
  if (plugin.denied.length > 0 && plugin.allowed.length === 0) {
    errors.push(
      'spec.security.deniedProcedures needs spec.security.allowedProcedures: Neo4j has no procedure denylist setting, a procedure is denied by leaving it out of dbms.security.procedures.allowlist',
    );
  }
}

function configErrors(plugin: PluginRequest, errors: string[]): void {
  const entry = plugin.name ? catalogueEntry(plugin.name) : undefined;
  for (const [key, value] of plugin.config) {
    const field = `spec.config ${quote(key)}`;
    if (!SETTING_KEY.test(key)) {
      errors.push(`${field} is not a setting name (dotted segments of letters, digits, _ and -)`);
      continue;
    }
    const invalid = valueError(`spec.config value of ${quote(key)}`, value);
    if (invalid) errors.push(invalid);
    if (isListSetting(key)) {
      if (key === LIST_SETTINGS.allowlist && listEntries(value).length === 0) errors.push(`${field} is empty: an empty allowlist loads no procedure at all`);
      for (const item of listEntries(value)) {
        const ok = key === LIST_SETTINGS.unrestricted || key === LIST_SETTINGS.allowlist ? PROCEDURE.test(item) : LIST_ENTRY.test(item);
        if (!ok) errors.push(`${field} entry ${quote(item)} is not a valid list entry`);
      }
      continue;
    }
    if (!entry) continue;
    if (!entry.configPrefixes.some((p) => key.startsWith(p))) {
      const own = entry.configPrefixes.length ? `${entry.configPrefixes.map((p) => `${p}*`).join(', ')} and ` : '';
      errors.push(
        `${field} is not a setting of ${entry.title}: a Neo4jPlugin may set ${own}${Object.values(LIST_SETTINGS).join(', ')}; put server settings in the target's spec.config`,
      );
    } else if (key.startsWith(APOC_PREFIX) && !APOC_KEY.test(key)) {
      errors.push(`${field} cannot be passed to APOC: its segments must be letters and digits joined by single underscores`);
    }
  }
}

function licenseErrors(plugin: PluginRequest, spec: Record<string, unknown>, errors: string[]): void {
  if (!isRecord(spec.license)) return;
  const license = spec.license;
  const keySecret = text(license.keySecret);
  const licenseFile = text(license.licenseFile);
  const entry = plugin.name ? catalogueEntry(plugin.name) : undefined;
  if (text(license.serverUrl)) errors.push('spec.license.serverUrl is not supported: Graph Data Science and Bloom read an offline license file (use spec.license.keySecret)');
  if (!keySecret && !licenseFile) return;
  if (entry && !entry.license) {
    errors.push(`spec.license applies only to graph-data-science and bloom; ${entry.title} takes no license`);
    return;
  }
  if (keySecret && (!DNS_SUBDOMAIN.test(keySecret) || keySecret.length > 253)) errors.push(`spec.license.keySecret ${quote(keySecret)} is not a valid Secret name`);
  if (licenseFile && !FILE_PATH.test(licenseFile)) errors.push(`spec.license.licenseFile ${quote(licenseFile)} is not an absolute file path`);
  if (!entry?.license) return;
  const path = keySecret ? entry.license.path : licenseFile;
  if (keySecret && licenseFile && licenseFile !== path) {
    errors.push(`spec.license.licenseFile must be ${path} (or unset) with spec.license.keySecret: neo4j-hooks mounts key ${entry.license.secretKey} of Secret ${keySecret} there`);
  }
  const configured = plugin.config.find(([k]) => k === entry.license!.setting)?.[1];
  if (configured !== undefined && configured !== path) {
    errors.push(`spec.config ${entry.license.setting}=${quote(configured)} contradicts spec.license, which makes it ${path}`);
  }
}

function dependencyErrors(spec: Record<string, unknown>, errors: string[]): void {
  const raw = Array.isArray(spec.dependencies) ? spec.dependencies : [];
  raw.forEach((item, i) => {
    const dep = record(item);
    if (!text(dep.name).trim()) errors.push(`spec.dependencies[${i}].name is required`);
    const constraint = dep.versionConstraint;
    if (constraint !== undefined && (typeof constraint !== 'string' || !VERSION_CONSTRAINT.test(constraint))) {
      errors.push(`spec.dependencies[${i}].versionConstraint ${quote(String(constraint))} is not a version constraint (for example >=5.26.0)`);
    }
  });
}

function fingerprintOf(plugin: Omit<PluginRequest, 'fingerprint'>): string {
  return contentHash(
    JSON.stringify({
      plugin: plugin.name ?? plugin.requested,
      enabled: plugin.enabled,
      dependencies: plugin.dependencies.map((d) => [d.name ?? d.requested, d.optional]),
      config: plugin.config,
      allowed: plugin.allowed,
      denied: plugin.denied,
      sandbox: plugin.sandbox,
      license: plugin.license ?? null,
    }),
  );
}

/** Reads a Neo4jPlugin object and checks what the CR alone decides (see the module comment). */
export function readPlugin(object: K8sObject): ReadPlugin {
  const spec = record(object.spec);
  const security = record(spec.security);
  const requested = text(spec.name);
  const resolved = requested.trim() ? resolvePluginName(requested) : undefined;
  const dependencies: PluginDependency[] = [];
  const seen = new Set<string>();
  for (const item of Array.isArray(spec.dependencies) ? spec.dependencies : []) {
    const dep = record(item);
    const name = text(dep.name);
    if (!name.trim()) continue;
    const r = resolvePluginName(name);
    const key = r.ok ? r.name : name;
    if (seen.has(key) || (r.ok && resolved?.ok && r.name === resolved.name)) continue;
    seen.add(key);
    dependencies.push({ requested: name, ...(r.ok ? { name: r.name } : { reason: r.reason }), optional: dep.optional === true });
  }
  dependencies.sort((a, b) => ((a.name ?? a.requested) < (b.name ?? b.requested) ? -1 : 1));
  const config = Object.entries(record(spec.config))
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const license = record(spec.license);
  const keySecret = text(license.keySecret);
  const licenseFile = text(license.licenseFile);
  const base: Omit<PluginRequest, 'fingerprint'> = {
    object,
    cr: object.metadata.name,
    namespace: object.metadata.namespace ?? '',
    created: text(object.metadata.creationTimestamp),
    deleting: Boolean(object.metadata.deletionTimestamp),
    clusterRef: text(spec.clusterRef),
    requested,
    ...(resolved?.ok ? { name: resolved.name } : {}),
    version: text(spec.version),
    enabled: spec.enabled !== false,
    dependencies,
    config,
    allowed: sortedUnique(strings(security.allowedProcedures).map((p) => p.trim())),
    denied: sortedUnique(strings(security.deniedProcedures).map((p) => p.trim())),
    sandbox: security.sandbox === true,
    ...(keySecret || licenseFile ? { license: { ...(keySecret ? { keySecret } : {}), ...(licenseFile ? { licenseFile } : {}) } } : {}),
  };
  const plugin: PluginRequest = Object.assign(base, { fingerprint: fingerprintOf(base) });
  const errors: string[] = schemaErrors(spec);
  if (!DNS_SUBDOMAIN.test(plugin.cr) || plugin.cr.length > 253) errors.push(`metadata.name ${quote(plugin.cr)} is not a valid Kubernetes name`);
  if (!plugin.clusterRef.trim()) errors.push('spec.clusterRef is required');
  if (!requested.trim()) errors.push('spec.name is required');
  else if (resolved && !resolved.ok && !hasOwnSource(spec)) errors.push(resolved.reason);
  if (!plugin.version.trim()) errors.push('spec.version is required');
  else if (!parsePluginVersion(plugin.version)) errors.push(`spec.version ${quote(plugin.version)} is not a version (for example 5.26.0 or 2.10.0)`);
  sourceErrors(spec, errors);
  dependencyErrors(spec, errors);
  securityErrors(plugin, spec, errors);
  configErrors(plugin, errors);
  licenseErrors(plugin, spec, errors);
  return { plugin, errors };
}

/** A custom or url source names its own plugin: its name is not a catalogue name and not judged as one. */
function hasOwnSource(spec: Record<string, unknown>): boolean {
  const type = text(record(spec.source).type);
  return type === 'custom' || type === 'url';
}

/** What depends on the target's version: the catalogue of its line and the minimum plugin versions. */
export interface VersionFindings {
  errors: string[];
  /** Facts for the plugin's status (optional dependencies left out). */
  notes: string[];
}

/** Checks `plugin` (whose own checks passed) against the target's Neo4j `version`. */
export function versionErrors(plugin: PluginRequest, version: Neo4jVersion): VersionFindings {
  const errors: string[] = [];
  const notes: string[] = [];
  if (!plugin.name) return { errors, notes };
  const entry = catalogueEntry(plugin.name);
  const unavailable = entry.unavailable(version);
  if (unavailable) errors.push(`${unavailable} (target image ${version.raw})`);
  const minimum = entry.minimumVersion(version);
  const parsed = parsePluginVersion(plugin.version);
  if (minimum && parsed && comparePluginVersions(parsed, parsePluginVersion(minimum)!) < 0) {
    errors.push(`spec.version ${quote(plugin.version)} is below the minimum version ${minimum} of ${plugin.name}`);
  }
  for (const dep of plugin.dependencies) {
    const why = dep.name ? catalogueEntry(dep.name).unavailable(version) : dep.reason;
    if (!why) continue;
    if (dep.optional) notes.push(`optional dependency ${quote(dep.requested)} is left out: ${why}`);
    else errors.push(`dependency ${quote(dep.requested)}: ${why}`);
  }
  return { errors, notes };
}

/** The catalogue names of the dependencies that are installed on `version`. */
export function installedDependencies(plugin: PluginRequest, version: Neo4jVersion): CatalogueName[] {
  return plugin.dependencies.flatMap((d) => (d.name && !catalogueEntry(d.name).unavailable(version) ? [d.name] : []));
}

/** The plugin's own value of a list setting (from spec.config), as entries. */
export function configList(plugin: PluginRequest, key: ListSetting): string[] {
  const value = plugin.config.find(([k]) => k === key)?.[1];
  return value === undefined ? [] : listEntries(value);
}
