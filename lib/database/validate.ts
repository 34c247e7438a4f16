/**
 * Reconcile-time validation of a Neo4jDatabase (the operator's DatabaseValidator, operator.md §7.3,
 * with its messages where the reference quotes them) and, in the same pass, the plan of what to
 * create: the database name, the topology and language clauses the target supports, and the
 * OPTIONS map with every value already rendered as a Cypher literal. Checks that need the target
 * use the related Neo4jEnterpriseCluster/Standalone; the seedCredentials check uses the related
 * Secret. Errors block reconciliation; warnings are reported in status.
 */
import type { DatabaseSpec } from '../schemas/database.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { CypherValueError, integerLiteral, quoteString } from '../cypher/quote.js';
import { cypherScript } from '../cypher/script.js';
import { versionAtLeast } from '../neo4j/version.js';
import { MAX_SCRIPT_BYTES, scriptBytes, type Target, type TargetConnection } from '../targets/connection.js';
import type { Topology } from './names.js';
import { describeTopology } from './names.js';

/** What to create, derived from a spec that passed validation. */
export interface DatabasePlan {
  /** The Neo4j database name, as written in the spec. */
  name: string;
  ifNotExists: boolean;
  wait: boolean;
  deletionPolicy: 'Retain' | 'Drop';
  /** Set only when the target supports DEFAULT LANGUAGE (Neo4j 2025.06+). */
  defaultLanguage?: '5' | '25';
  /** Set only for cluster targets (a standalone ignores topology). */
  topology?: Topology;
  /** OPTIONS entries, values rendered as Cypher literals, in a fixed key order. */
  options: Array<[string, string]>;
  /** The database is created from a seed (seedURI), so it starts with data. */
  seeded: boolean;
  /** cypher-shell script of initialData.cypherStatements; empty when there is nothing to run. */
  initScript: string;
}

/** Findings and the plan (meaningful only without errors). */
export interface DatabaseCheck {
  errors: string[];
  warnings: string[];
  plan: DatabasePlan;
}

/** What validation reads besides the spec. */
export interface PlanInput {
  spec: DatabaseSpec;
  namespace: string;
  /** The observed target, if any. */
  target?: Target;
  /** Its connection facts, when its spec names an image. */
  connection?: TargetConnection;
  /** The Secret named by spec.seedCredentials.secretRef, when observed. */
  seedSecret?: K8sObject;
  /** What this resource already created: the database name and target recorded on its create Job. */
  created?: { name?: string; target?: string };
  /** The topology last applied to the database (create or topology Job), when known. */
  appliedTopology?: Topology;
}

/** The CREATE DATABASE options the operator accepted, in the order they are written. */
export const OPTION_KEYS = [
  'existingData',
  'existingDataSeedServer',
  'existingDataSeedInstance',
  'existingMetadata',
  'seedURI',
  'seedConfig',
  'seedRestoreUntil',
  'seedCredentials',
  'storeFormat',
  'txLogEnrichment',
] as const;
type OptionKey = (typeof OPTION_KEYS)[number];

/** Keys a user may write in spec.options (seedRestoreUntil comes from spec.seedConfig.restoreUntil). */
const USER_OPTION_KEYS: readonly OptionKey[] = OPTION_KEYS.filter((k) => k !== 'seedRestoreUntil');
const STORE_FORMATS = ['aligned', 'standard', 'high_limit', 'block'];
const DEPRECATED_STORE_FORMATS = ['standard', 'high_limit'];
const TX_LOG_ENRICHMENT = ['FULL', 'DIFF', 'OFF'];
const EXISTING_DATA = ['use', 'fail'];
const SEED_SCHEMES = ['s3', 'gs', 'azb', 'https', 'http', 'ftp'];
const CLOUD_SCHEMES = ['s3', 'gs', 'azb'];
const URL_SCHEMES = ['https', 'http', 'ftp'];
const SEED_PROVIDERS_SETTING = 'dbms.databases.seed_from_uri_providers';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/u;

/**
 * Known seedConfig keys and their allowed values (undefined: any non-empty value). A Map, not an
 * object: the keys looked up are the user's, and `toString` or `constructor` must not be found.
 */
const SEED_CONFIG_KEYS: ReadonlyMap<string, readonly string[] | undefined> = new Map([
  ['compression', ['gzip', 'lz4', 'none']],
  ['validation', ['strict', 'lenient']],
  ['bufferSize', undefined],
  // The one key Neo4j documents (S3SeedProvider); the others are the operator's.
  ['region', undefined],
]);

/** Credentials each cloud seed scheme needs in the seedCredentials Secret: all of `required`, one of each `anyOf`. */
const SEED_CREDENTIAL_KEYS: ReadonlyMap<string, { required: string[]; anyOf?: string[]; optional: string[] }> = new Map([
  ['s3', { required: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], optional: ['AWS_SESSION_TOKEN', 'AWS_REGION'] }],
  ['gs', { required: ['GOOGLE_APPLICATION_CREDENTIALS'], optional: ['GOOGLE_CLOUD_PROJECT'] }],
  ['azb', { required: ['AZURE_STORAGE_ACCOUNT'], anyOf: ['AZURE_STORAGE_KEY', 'AZURE_STORAGE_SAS_TOKEN'], optional: [] }],
]);

/** `a, b or c`. */
function oneOf(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

function quoted(value: string): string {
  return JSON.stringify(value);
}

/**
 * Why `name` is not a Neo4j database name, or undefined. The Operations Manual's rules: 3 to 63
 * characters, an ASCII letter first, then ASCII letters, digits, dots or dashes, not ending with a
 * dot or dash; names starting with `system` (or `_`) are reserved.
 */
export function databaseNameError(name: string): string | undefined {
  const reasons: string[] = [];
  if (name.length < 3 || name.length > 63) reasons.push(`it has ${name.length} characters, not 3 to 63`);
  if (!/^[A-Za-z]/u.test(name)) reasons.push('it must start with an ASCII letter');
  if (/[^A-Za-z0-9.-]/u.test(name)) reasons.push('only ASCII letters, digits, dots and dashes are allowed');
  if (/[.-]$/u.test(name)) reasons.push('it must not end with a dot or a dash');
  if (reasons.length > 0) return `spec.name ${quoted(name)} is not a valid Neo4j database name: ${reasons.join('; ')}`;
  if (/^system/iu.test(name)) return `spec.name ${quoted(name)} is reserved: Neo4j keeps names starting with "system" for internal use`;
  return undefined;
}

function validateName(spec: DatabaseSpec, created: PlanInput['created'], errors: string[], warnings: string[]): void {
  const name = spec.name ?? '';
  if (name === '') {
    errors.push('spec.name must be specified: the name of the Neo4j database');
    return;
  }
  const invalid = databaseNameError(name);
  if (invalid) {
    errors.push(invalid);
    return;
  }
  if (created?.name !== undefined && created.name.toLowerCase() !== name.toLowerCase()) {
    errors.push(
      `spec.name cannot change after the database was created: this resource created ${quoted(created.name)}; ` +
        `create another Neo4jDatabase for ${quoted(name)}`,
    );
  }
  if (name !== name.toLowerCase()) {
    warnings.push(`Neo4j stores database names in lower case: ${quoted(name)} is created as ${quoted(name.toLowerCase())}`);
  }
  if (name.includes('.')) {
    warnings.push(`database name ${quoted(name)} contains a dot: Neo4j advises against dots, which read like a composite database alias`);
  }
}

function validateTarget(input: PlanInput, errors: string[]): void {
  const ref = input.spec.clusterRef ?? '';
  if (ref === '') {
    errors.push('spec.clusterRef must name a Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone in this namespace');
    return;
  }
  const before = input.created?.target;
  if (before !== undefined && before.slice(before.indexOf('/') + 1) !== ref) {
    errors.push(
      `spec.clusterRef cannot change after the database was created on ${before}: a database does not move between deployments ` +
        '(back it up and seed a new Neo4jDatabase instead)',
    );
  }
}

/** The server modes of a cluster target: how many may host primaries and secondaries. */
function clusterCapacity(spec: Record<string, unknown>): { servers: number; primaries: number; secondaries: number; constraint: string } {
  const topology = isRecord(spec.topology) ? spec.topology : {};
  const servers = typeof topology.servers === 'number' && Number.isInteger(topology.servers) && topology.servers > 0 ? topology.servers : 0;
  const constraint = typeof topology.serverModeConstraint === 'string' && topology.serverModeConstraint ? topology.serverModeConstraint : 'NONE';
  const hints = Array.isArray(topology.serverRoles) ? topology.serverRoles.filter(isRecord) : [];
  let primaries = 0;
  let secondaries = 0;
  for (let i = 0; i < servers; i++) {
    const hint = hints.find((h) => h.serverIndex === i);
    const mode = typeof hint?.modeConstraint === 'string' ? hint.modeConstraint : constraint;
    if (mode !== 'SECONDARY') primaries++;
    if (mode !== 'PRIMARY') secondaries++;
  }
  return { servers, primaries, secondaries, constraint };
}

function validateTopology(input: PlanInput, plan: DatabasePlan, errors: string[], warnings: string[]): void {
  const topology = input.spec.topology;
  if (!topology) return;
  const p = topology.primaries ?? 0;
  const s = topology.secondaries ?? 0;
  const valid = p >= 1 && s >= 0;
  if (p < 0) errors.push(`topology.primaries must not be negative, got ${p}`);
  if (s < 0) errors.push(`topology.secondaries must not be negative, got ${s}`);
  if (p === 0) errors.push('at least 1 primary is required');
  const target = input.target;
  if (target?.kind === 'Neo4jEnterpriseStandalone') {
    warnings.push('database topology is not required for standalone deployments and will be ignored');
    if (s > 0) warnings.push(`a standalone deployment cannot host secondaries: topology.secondaries ${s} is ignored`);
    return;
  }
  if (!valid) return;
  const wanted: Topology = { primaries: p, secondaries: s };
  plan.topology = wanted;
  if (target?.kind !== 'Neo4jEnterpriseCluster') return;
  const capacity = clusterCapacity(target.spec);
  const total = p + s;
  const servers = capacity.servers;
  if (total > servers) {
    errors.push(`database topology requires ${total} servers but cluster only has ${servers} servers available`);
  }
  if (p > capacity.primaries) {
    errors.push(
      `database topology requires ${p} primaries but only ${capacity.primaries} servers of cluster ${target.name} may host primaries ` +
        '(the others are constrained to SECONDARY)',
    );
  }
  if (s > capacity.secondaries) {
    errors.push(
      `database topology requires ${s} secondaries but only ${capacity.secondaries} servers of cluster ${target.name} may host secondaries ` +
        '(the others are constrained to PRIMARY)',
    );
  }
  const applied = input.appliedTopology;
  if (applied && applied.primaries > 1 && p === 1) {
    errors.push(
      `topology cannot change from ${describeTopology(applied)} to a single primary: Neo4j does not move a database to one primary automatically ` +
        '(back the database up, drop it and seed it again with the new topology)',
    );
  }
  if (total === servers && servers >= 2) {
    warnings.push(`database topology uses all ${servers} servers of cluster ${target.name}: no spare server is left to take over a failed allocation`);
  }
  if (s > 2 * p) {
    warnings.push(`database topology has more than twice as many secondaries (${s}) as primaries (${p}): consider more primaries for write availability`);
  }
  if (p === 1 && s > 3) {
    warnings.push(`database topology has a single primary with ${s} secondaries: the primary is a single point of failure for writes`);
  }
  if (capacity.constraint === 'PRIMARY' && s > 0) {
    warnings.push('cluster servers are constrained to PRIMARY mode, but the database topology asks for secondaries');
  }
  if (capacity.constraint === 'SECONDARY' && p > 0) {
    warnings.push('cluster servers are constrained to SECONDARY mode, but the database topology asks for primaries');
  }
  if (servers >= 3 && total < servers - 1) {
    warnings.push(`database topology uses ${total} of ${servers} servers. Consider utilizing remaining servers for additional primaries or secondaries`);
  }
}

function targetLabel(connection: TargetConnection): string {
  return `${connection.kind} ${connection.name} runs ${connection.image.slice(connection.image.lastIndexOf(':') + 1)}`;
}

function validateLanguage(input: PlanInput, plan: DatabasePlan, errors: string[], warnings: string[]): void {
  const language: string | undefined = input.spec.defaultCypherLanguage;
  if (language === undefined || language === '') return;
  if (language !== '5' && language !== '25') {
    errors.push(`defaultCypherLanguage must be "5" or "25", got ${quoted(language)}`);
    return;
  }
  if (language === '5') {
    warnings.push('defaultCypherLanguage "5": Cypher 5 is frozen since Neo4j 2025.06 and only receives fixes; consider migrating to Cypher 25');
  }
  const connection = input.connection;
  if (!connection) return;
  if (connection.version && versionAtLeast(connection.version, '2025.06')) {
    plan.defaultLanguage = language;
  } else {
    warnings.push(
      `defaultCypherLanguage needs Neo4j 2025.06 or later and ${targetLabel(connection)}: ` +
        'the database is created without DEFAULT LANGUAGE (it gets the server default, db.query.default_language)',
    );
  }
}

/** An option key as the operator read it: quotes dropped, dots turned into underscores, case ignored. */
function canonicalOption(raw: string): { key: string; canonical?: OptionKey } {
  const key = raw.replace(/["']/gu, '').replace(/\./gu, '_');
  return { key, canonical: USER_OPTION_KEYS.find((k) => k.toLowerCase() === key.toLowerCase()) };
}

function userOptions(spec: DatabaseSpec, errors: string[], warnings: string[]): Map<OptionKey, string> {
  const values = new Map<OptionKey, string>();
  const sources = new Map<OptionKey, string>();
  const unsupported: string[] = [];
  const entries = Object.entries(spec.options ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [raw, value] of entries) {
    const { key, canonical } = canonicalOption(raw);
    if (raw.includes('.')) warnings.push(`option key ${quoted(raw)} contains dots, which are converted to underscores (${quoted(key)})`);
    if (!canonical) {
      unsupported.push(quoted(raw));
      continue;
    }
    if (value === '') {
      errors.push(`option ${quoted(raw)} has an empty value`);
      continue;
    }
    const previous = sources.get(canonical);
    if (previous !== undefined) {
      errors.push(`options ${quoted(previous)} and ${quoted(raw)} both set ${canonical}`);
      continue;
    }
    sources.set(canonical, raw);
    let literal = value;
    switch (canonical) {
      case 'storeFormat':
        literal = value.toLowerCase();
        if (!STORE_FORMATS.includes(literal)) errors.push(`option storeFormat must be ${oneOf(STORE_FORMATS)}, got ${quoted(value)}`);
        else if (DEPRECATED_STORE_FORMATS.includes(literal)) warnings.push(`storeFormat ${quoted(literal)} is deprecated since Neo4j 5.23; block is the default format`);
        break;
      case 'txLogEnrichment':
        literal = value.toUpperCase();
        if (!TX_LOG_ENRICHMENT.includes(literal)) errors.push(`option txLogEnrichment must be ${oneOf(TX_LOG_ENRICHMENT)}, got ${quoted(value)}`);
        break;
      case 'existingData':
        literal = value.toLowerCase();
        if (!EXISTING_DATA.includes(literal)) errors.push(`option existingData must be ${oneOf(EXISTING_DATA)}, got ${quoted(value)}`);
        break;
      case 'seedURI':
      case 'seedConfig':
        warnings.push(`option ${canonical} is deprecated here: use spec.${canonical === 'seedURI' ? 'seedURI' : 'seedConfig'} instead`);
        break;
      case 'seedCredentials':
        warnings.push(
          'option seedCredentials is deprecated since Neo4j 5.26 and removed from Cypher 25: it only serves the S3SeedProvider, ' +
            'and its value is visible in the create Job; prefer credentials on the servers (CloudSeedProvider)',
        );
        break;
      case 'existingDataSeedInstance':
        warnings.push('option existingDataSeedInstance is deprecated since Neo4j 5.25 and removed from Cypher 25: use existingDataSeedServer');
        break;
      default:
        break;
    }
    values.set(canonical, literal);
  }
  if (unsupported.length > 0) {
    errors.push(`unsupported ${unsupported.length === 1 ? 'option' : 'options'} ${unsupported.join(', ')}: CREATE DATABASE accepts ${oneOf(USER_OPTION_KEYS)}`);
  }
  return values;
}

/** The seed URI's scheme, or undefined when it is not a URI with a host and a path. */
function validateSeedUri(uri: string, errors: string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    errors.push(`seedURI ${quoted(uri)} is not a valid URI`);
    return undefined;
  }
  const scheme = parsed.protocol.replace(/:$/u, '').toLowerCase();
  const before = errors.length;
  if (!SEED_SCHEMES.includes(scheme)) {
    errors.push(`seedURI scheme ${quoted(scheme)} is not supported: use ${oneOf(SEED_SCHEMES.map((s) => `${s}://`))}`);
  }
  if (parsed.hostname === '') errors.push(`seedURI ${quoted(uri)} has no host (bucket, storage account or server)`);
  if (parsed.pathname === '' || parsed.pathname === '/') errors.push(`seedURI ${quoted(uri)} has no path to a backup, dump or backup folder`);
  return errors.length === before ? scheme : undefined;
}

function seedConfigText(config: Record<string, string>, errors: string[], warnings: string[]): string | undefined {
  const keys = Object.keys(config).sort();
  if (keys.length === 0) return undefined;
  for (const key of keys) {
    const value = config[key] ?? '';
    if (key === '' || /[,=]/u.test(key)) {
      errors.push(`seedConfig.config key ${quoted(key)} is invalid: keys must be non-empty and contain no "," or "="`);
      continue;
    }
    if (value === '') errors.push(`seedConfig.config.${key} must not be empty`);
    else if (value.includes(',')) errors.push(`seedConfig.config.${key} must not contain ",": Neo4j reads seedConfig as a comma-separated key=value list`);
    if (!SEED_CONFIG_KEYS.has(key)) {
      warnings.push(`unknown seedConfig.config key ${quoted(key)} is passed to Neo4j unchanged`);
      continue;
    }
    const allowed = SEED_CONFIG_KEYS.get(key);
    if (allowed && value !== '' && !allowed.includes(value)) {
      errors.push(`seedConfig.config.${key} must be ${oneOf(allowed)}, got ${quoted(value)}`);
    }
  }
  return keys.map((k) => `${k}=${config[k] ?? ''}`).join(',');
}

/** `seedRestoreUntil` as a Cypher literal: an integer transaction id, or `datetime('…')`. */
function restoreUntilLiteral(value: string, errors: string[]): string | undefined {
  if (value.startsWith('txId:')) {
    const id = value.slice('txId:'.length);
    if (id === '') {
      errors.push('seedConfig.restoreUntil "txId:" needs a transaction id, for example txId:12345');
      return undefined;
    }
    try {
      return integerLiteral(id);
    } catch (error) {
      if (!(error instanceof CypherValueError)) throw error;
      errors.push(`seedConfig.restoreUntil ${quoted(value)} is invalid: ${error.message}`);
      return undefined;
    }
  }
  if (!value.includes('T') || !value.includes(':') || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    errors.push(`seedConfig.restoreUntil ${quoted(value)} must be an RFC 3339 time (for example 2025-01-15T10:30:00Z) or txId:<transaction id>`);
    return undefined;
  }
  return `datetime(${quoteString(value)})`;
}

function secretKeys(secret: K8sObject): Set<string> {
  const keys = new Set<string>();
  for (const field of ['data', 'stringData']) {
    const map = secret[field];
    if (isRecord(map)) for (const key of Object.keys(map)) keys.add(key);
  }
  return keys;
}

function validateSeedCredentials(input: PlanInput, scheme: string | undefined, errors: string[], warnings: string[]): void {
  const credentials = input.spec.seedCredentials;
  if (!credentials) {
    if (scheme && CLOUD_SCHEMES.includes(scheme)) {
      warnings.push('No seedCredentials specified: using system-wide cloud authentication (the credentials or workload identity of the Neo4j servers)');
    }
    return;
  }
  const ref = credentials.secretRef ?? '';
  if (ref === '') {
    errors.push('seedCredentials.secretRef is required when seedCredentials is set');
    return;
  }
  const secret = input.seedSecret;
  if (!secret) {
    errors.push(`seed credentials Secret ${quoted(ref)} not found in namespace ${input.namespace}`);
    return;
  }
  warnings.push(
    `seedCredentials are only checked: Neo4j's CloudSeedProvider reads credentials from each server's environment, so the keys of Secret ${quoted(ref)} ` +
      'must also reach the Neo4j pods (for example through the target spec.env) or be replaced by workload identity',
  );
  const needed = scheme ? SEED_CREDENTIAL_KEYS.get(scheme) : undefined;
  if (!needed) return;
  const keys = secretKeys(secret);
  for (const key of needed.required) {
    if (!keys.has(key)) errors.push(`seed credentials Secret ${quoted(ref)} lacks key ${key}, required for ${scheme}:// seeds`);
  }
  if (needed.anyOf && !needed.anyOf.some((k) => keys.has(k))) {
    errors.push(`seed credentials Secret ${quoted(ref)} needs ${oneOf(needed.anyOf)} for ${scheme}:// seeds`);
  }
  for (const key of needed.optional) {
    if (!keys.has(key)) warnings.push(`seed credentials Secret ${quoted(ref)} has no optional key ${key}`);
  }
}

function seedProviders(target: Target | undefined): string | undefined {
  const config = target && isRecord(target.spec.config) ? target.spec.config : {};
  const value = config[SEED_PROVIDERS_SETTING];
  return typeof value === 'string' ? value : undefined;
}

function validateSeed(input: PlanInput, options: Map<OptionKey, string>, errors: string[], warnings: string[]): void {
  const { spec } = input;
  const uri = spec.seedURI ?? '';
  if (uri === '') {
    if (spec.seedConfig && (spec.seedConfig.restoreUntil || Object.keys(spec.seedConfig.config ?? {}).length > 0)) {
      warnings.push('seedConfig is ignored without seedURI');
    }
    if (spec.seedCredentials) warnings.push('seedCredentials are ignored without seedURI');
    return;
  }
  if (options.has('seedURI')) errors.push('seedURI is set both in spec.seedURI and in spec.options: keep spec.seedURI');
  const scheme = validateSeedUri(uri, errors);
  options.set('seedURI', uri);
  if (/\.dump$/iu.test(uri.split(/[?#]/u)[0] ?? '')) {
    warnings.push('seedURI points to a .dump file: a .backup (neo4j-admin database backup) is recommended, it also supports differential chains and restoreUntil');
  }
  if (scheme && URL_SCHEMES.includes(scheme)) {
    const providers = seedProviders(input.target);
    if (!providers?.split(',').some((p) => p.trim() === 'URLConnectionSeedProvider')) {
      warnings.push(
        `seedURI scheme ${scheme}:// is served by URLConnectionSeedProvider, which Neo4j only enables when the target's ` +
          `${SEED_PROVIDERS_SETTING} lists it (spec.config)`,
      );
    }
  }
  const config = seedConfigText(spec.seedConfig?.config ?? {}, errors, warnings);
  if (config !== undefined) {
    if (options.has('seedConfig')) errors.push('seedConfig is set both in spec.seedConfig.config and in spec.options: keep spec.seedConfig');
    options.set('seedConfig', config);
  }
  const until = spec.seedConfig?.restoreUntil ?? '';
  if (until !== '') {
    const literal = restoreUntilLiteral(until, errors);
    const version = input.connection?.version;
    if (input.connection && !(version && versionAtLeast(version, '2025.01'))) {
      errors.push(`seedConfig.restoreUntil needs Neo4j 2025.01 or later and ${targetLabel(input.connection)}`);
    } else if (literal !== undefined) {
      options.set('seedRestoreUntil', literal);
    }
  }
  validateSeedCredentials(input, scheme, errors, warnings);
}

function validateInitialData(input: PlanInput, seeded: boolean, plan: DatabasePlan, errors: string[], warnings: string[]): void {
  const initial = input.spec.initialData;
  if (!initial) return;
  if (seeded) {
    errors.push('seedURI and initialData cannot be used together: a seeded database starts with the data of its seed');
    return;
  }
  if (initial.source && initial.source !== 'cypher') {
    warnings.push(`initialData.source ${quoted(initial.source)} is not supported: only initialData.cypherStatements are run`);
  }
  for (const field of ['configMapRef', 'secretRef', 'storage'] as const) {
    if (initial[field]) warnings.push(`initialData.${field} is not supported and is ignored: only initialData.cypherStatements are run`);
  }
  const script = cypherScript(initial.cypherStatements ?? []);
  const bytes = scriptBytes(script);
  if (bytes > MAX_SCRIPT_BYTES) {
    errors.push(
      `initialData.cypherStatements are ${bytes} bytes; at most ${MAX_SCRIPT_BYTES} fit in one Job: load larger data from a seedURI or with a Job of your own`,
    );
    return;
  }
  plan.initScript = script;
}

/** Renders the final OPTIONS map: user options plus the seed, `existingData: 'use'` added for a seed. */
function renderOptions(options: Map<OptionKey, string>): Array<[string, string]> {
  if (options.has('seedURI') && !options.has('existingData')) options.set('existingData', 'use');
  return OPTION_KEYS.filter((k) => options.has(k)).map((k) => {
    const value = options.get(k)!;
    return [k, k === 'seedRestoreUntil' ? value : quoteString(value)];
  });
}

/**
 * Validates the spec against the operator's rules (and Neo4j's) and derives the creation plan.
 * Deterministic: findings come in a fixed order.
 */
export function planDatabase(input: PlanInput): DatabaseCheck {
  const { spec } = input;
  const errors: string[] = [];
  const warnings: string[] = [];
  const policy: string = spec.deletionPolicy ?? 'Retain';
  if (policy !== 'Retain' && policy !== 'Drop') errors.push(`deletionPolicy must be Retain or Drop, got ${quoted(policy)}`);
  const plan: DatabasePlan = {
    name: spec.name ?? '',
    ifNotExists: spec.ifNotExists ?? true,
    wait: spec.wait ?? true,
    deletionPolicy: policy === 'Drop' ? 'Drop' : 'Retain',
    options: [],
    seeded: false,
    initScript: '',
  };
  validateTarget(input, errors);
  validateName(spec, input.created, errors, warnings);
  validateTopology(input, plan, errors, warnings);
  validateLanguage(input, plan, errors, warnings);
  const options = userOptions(spec, errors, warnings);
  validateSeed(input, options, errors, warnings);
  plan.seeded = options.has('seedURI');
  validateInitialData(input, plan.seeded, plan, errors, warnings);
  plan.options = renderOptions(options);
  return { errors, warnings, plan };
}
