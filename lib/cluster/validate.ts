/**
 * Reconcile-time validation of a Neo4jEnterpriseCluster spec: the operator's ClusterValidator and
 * TopologyScheduler rules (operator.md §7.1, §9) with their messages, plus the checks neo4j-hooks
 * needs because it renders neo4j.conf and identity annotations from the spec.
 */
import type { ClusterSpec } from '../schemas/cluster.js';
import type { ExternalSecretsConfig, TLSSpec } from '../schemas/shared.js';
import { isGoDuration } from '../k8s/duration.js';
import { parseMemoryBytes, QuantityError } from '../k8s/quantity.js';
import { legacyKeyWarning, ownedKeyReason } from '../neo4j/config.js';
import { validateMemory } from '../neo4j/memory.js';
import { checkSupportedVersion } from '../neo4j/version.js';
import { distributionErrors } from '../placement/zones.js';
import { serverMode } from './model.js';

/** Findings of {@link validateCluster}: errors block reconciliation, warnings are reported. */
export interface ClusterValidation {
  errors: string[];
  warnings: string[];
}

/** The key usages cert-manager accepts in a Certificate (those the operator allowed). */
export const CERT_MANAGER_USAGES = [
  'digital signature',
  'key encipherment',
  'key agreement',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

/** The ServiceAccount annotation each cloud's workload identity needs, by provider. */
export const CLOUD_IDENTITY_ANNOTATIONS = {
  aws: { annotation: 'eks.amazonaws.com/role-arn', mechanism: 'AWS IRSA' },
  gcp: { annotation: 'iam.gke.io/gcp-service-account', mechanism: 'GCP Workload Identity' },
  azure: { annotation: 'azure.workload.identity/client-id', mechanism: 'Azure Workload Identity' },
} as const;

/** Environment variables the hook sets itself; user entries with these names are dropped. */
export const HOOK_OWNED_ENV = ['NEO4J_AUTH', 'NEO4J_ACCEPT_LICENSE_AGREEMENT'] as const;

const SERVER_MODES = ['NONE', 'PRIMARY', 'SECONDARY'];
/** The image pull policies Kubernetes accepts. */
export const PULL_POLICIES = ['Always', 'Never', 'IfNotPresent'];
const RETENTION_POLICIES = ['Delete', 'Retain'];
const TLS_MODES = ['cert-manager', 'disabled'];
const ISSUER_KINDS = ['Issuer', 'ClusterIssuer'];
const SECRET_STORE_KINDS = ['SecretStore', 'ClusterSecretStore'];
const AUTH_PROVIDERS = ['native', 'ldap', 'kerberos', 'jwt'];
const CLOUD_PROVIDERS = ['aws', 'gcp', 'azure'];
const UPGRADE_STRATEGIES = ['RollingUpgrade', 'Recreate'];
const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const ANTI_AFFINITY_TYPES = ['required', 'preferred'];
const STORAGE_SIZE = /^\d+([KMGT]i?)?$/u;

/**
 * Whether an optional string field is set. Empty counts as unset, as in the operator, whose Go
 * fields cannot tell an empty string from an absent one.
 */
export function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** `a, b or c` for messages. */
function oneOf(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** `<field> must be a, b or c, got "x"`: the message for a value outside an enum. */
export function enumError(field: string, allowed: readonly string[], got: string): string {
  return `${field} must be ${oneOf(allowed)}, got ${JSON.stringify(got)}`;
}

/** The message for a field that is not a non-negative Go duration. */
export function durationError(field: string, value: string): string {
  return (
    `invalid duration format for ${field}: ${JSON.stringify(value)} is not a non-negative Go duration ` +
    '(for example 2160h, 1h30m or 90s; units are ns, us, ms, s, m and h, there is no d)'
  );
}

function validateTopology(spec: ClusterSpec, errors: string[]): void {
  const { servers } = spec.topology;
  if (servers < 2) {
    errors.push('servers must be at least 2 for clustering. For single-node deployments, use Neo4jEnterpriseStandalone instead');
  }
  const constraint: string | undefined = spec.topology.serverModeConstraint;
  if (isSet(constraint) && !SERVER_MODES.includes(constraint)) {
    errors.push(enumError('spec.topology.serverModeConstraint', SERVER_MODES, constraint));
  }
  const hints = spec.topology.serverRoles ?? [];
  if (hints.length === 0) return;
  const seen = new Set<number>();
  for (const hint of hints) {
    const index = hint.serverIndex;
    const mode: string = hint.modeConstraint;
    const inRange = index >= 0 && index < servers;
    if (!inRange) errors.push(`server role hint index ${index} is out of range (0-${servers - 1})`);
    if (seen.has(index)) errors.push(`duplicate server role hint for server index ${index}: each server may have one hint only`);
    seen.add(index);
    if (!SERVER_MODES.includes(mode)) {
      errors.push(`server role hint for server index ${index} has an invalid modeConstraint ${JSON.stringify(mode)}: it must be ${oneOf(SERVER_MODES)}`);
    }
  }
}

/** Every server SECONDARY (by hint or by the cluster-wide constraint): the system database could never form. */
function validateHasPrimary(spec: ClusterSpec, errors: string[]): void {
  const { servers } = spec.topology;
  let secondaries = 0;
  for (let i = 0; i < servers; i++) if (serverMode(spec, i) === 'SECONDARY') secondaries++;
  if (servers > 0 && secondaries === servers) {
    errors.push('all servers are constrained to SECONDARY mode - cluster would have no primary servers available');
  }
}

function topologyWarnings(spec: ClusterSpec): string[] {
  const { servers } = spec.topology;
  const warnings: string[] = [];
  if (servers > 0 && servers % 2 === 0) {
    warnings.push(
      `Even number of servers (${servers}) may reduce fault tolerance when databases specify odd-numbered server allocations. ` +
        'Consider using an odd number of servers for optimal fault tolerance.',
    );
  }
  if (servers === 2) {
    warnings.push(
      '2 servers provide limited fault tolerance. If one server fails, databases may lose quorum. ' +
        'Consider using 3 or more servers for production deployments.',
    );
  }
  if (servers > 10) {
    warnings.push(
      `More than 10 servers (${servers}) may impact cluster performance due to increased coordination overhead. ` +
        'Consider the actual database topology needs when scaling servers.',
    );
  }
  const constraint: string | undefined = spec.topology.serverModeConstraint;
  if (constraint === 'PRIMARY') {
    warnings.push('All servers are constrained to PRIMARY mode. This prevents databases from using secondary replicas for read scaling.');
  } else if (constraint === 'SECONDARY' && (spec.topology.serverRoles ?? []).some((r) => r.modeConstraint !== 'SECONDARY')) {
    warnings.push('All servers are constrained to SECONDARY mode. Ensure other servers in the cluster can host primary database instances.');
  }
  return warnings;
}

function validateImage(spec: ClusterSpec, errors: string[]): void {
  const { repo, tag, pullPolicy } = spec.image;
  if (!repo) errors.push('image repository must be specified');
  if (!tag) {
    errors.push('image tag must be specified');
  } else {
    const check = checkSupportedVersion(tag);
    if (!check.supported) errors.push(`${check.message}: ${check.detail}`);
  }
  if (isSet(pullPolicy) && !PULL_POLICIES.includes(pullPolicy)) {
    errors.push(enumError('spec.image.pullPolicy', PULL_POLICIES, pullPolicy));
  }
}

function validateStorage(spec: ClusterSpec, errors: string[]): void {
  const { className, size, retentionPolicy } = spec.storage;
  if (!className) errors.push('spec.storage.className must be specified: the StorageClass of the data volumes is required');
  if (!size) {
    errors.push('spec.storage.size must be specified, for example 100Gi');
  } else if (!STORAGE_SIZE.test(size)) {
    errors.push("storage size must be in format like '100Gi', '1Ti'");
  }
  const policy: string | undefined = retentionPolicy;
  if (isSet(policy) && !RETENTION_POLICIES.includes(policy)) {
    errors.push(enumError('spec.storage.retentionPolicy', RETENTION_POLICIES, policy));
  }
}

/** The operator's External Secrets rules, for the block at `path` (it only checked spec.tls's). */
export function validateExternalSecrets(config: ExternalSecretsConfig | undefined, path: string, errors: string[]): void {
  if (!config?.enabled) return;
  const store = config.secretStoreRef;
  if (!store) {
    errors.push(`${path}.secretStoreRef is required when external secrets are enabled`);
  } else {
    if (!store.name) errors.push(`${path}.secretStoreRef.name is required: the name of the SecretStore or ClusterSecretStore`);
    const kind: string | undefined = store.kind;
    if (isSet(kind) && !SECRET_STORE_KINDS.includes(kind)) {
      errors.push(enumError(`${path}.secretStoreRef.kind`, SECRET_STORE_KINDS, kind));
    }
  }
  if (isSet(config.refreshInterval) && !isGoDuration(config.refreshInterval)) {
    errors.push(durationError(`${path}.refreshInterval`, config.refreshInterval));
  }
  const data = config.data ?? [];
  if (data.length === 0) errors.push(`${path}.data must have at least one data mapping when external secrets are enabled`);
  data.forEach((entry, i) => {
    if (!entry.secretKey) errors.push(`${path}.data[${i}].secretKey is required`);
    if (entry.remoteRef && !entry.remoteRef.key) errors.push(`${path}.data[${i}].remoteRef.key is required`);
  });
}

function validateTls(spec: ClusterSpec, errors: string[]): void {
  const tls = spec.tls;
  if (!tls) return;
  // A present tls block without mode gets the CRD default cert-manager from the API server.
  const mode: string = isSet(tls.mode) ? tls.mode : 'cert-manager';
  if (!TLS_MODES.includes(mode)) errors.push(enumError('spec.tls.mode', TLS_MODES, mode));
  if (mode === 'cert-manager') {
    if (!tls.issuerRef?.name) errors.push('issuer name must be specified when using cert-manager');
    validateCertificateOptions(tls, errors);
  }
  validateExternalSecrets(tls.externalSecrets, 'spec.tls.externalSecrets', errors);
}

/** The cert-manager options of a `spec.tls` block in mode cert-manager: issuer kind, durations, key usages. */
export function validateCertificateOptions(tls: TLSSpec, errors: string[]): void {
  const kind: string | undefined = tls.issuerRef?.kind;
  if (isSet(kind) && !ISSUER_KINDS.includes(kind)) errors.push(enumError('spec.tls.issuerRef.kind', ISSUER_KINDS, kind));
  if (tls.duration !== undefined && !isGoDuration(tls.duration)) errors.push(durationError('spec.tls.duration', tls.duration));
  if (tls.renewBefore !== undefined && !isGoDuration(tls.renewBefore)) {
    errors.push(durationError('spec.tls.renewBefore', tls.renewBefore));
  }
  (tls.usages ?? []).forEach((usage, i) => {
    if (!(CERT_MANAGER_USAGES as readonly string[]).includes(usage)) {
      errors.push(`spec.tls.usages[${i}] ${JSON.stringify(usage)} is not a cert-manager key usage; use one of: ${CERT_MANAGER_USAGES.join(', ')}`);
    }
  });
}

function validateAuth(spec: ClusterSpec, errors: string[]): void {
  const auth = spec.auth;
  if (!auth) return;
  const provider: string = isSet(auth.provider) ? auth.provider : 'native';
  if (!AUTH_PROVIDERS.includes(provider)) {
    errors.push(enumError('spec.auth.provider', AUTH_PROVIDERS, provider));
  } else if (provider !== 'native' && !auth.secretRef) {
    errors.push(`secretRef is required for ${provider} auth provider`);
  }
  validateExternalSecrets(auth.externalSecrets, 'spec.auth.externalSecrets', errors);
}

function validateMemoryLimit(spec: ClusterSpec, errors: string[], warnings: string[]): void {
  validateMemoryAgainstLimit(spec.resources?.limits?.memory, spec.config ?? {}, spec.topology.servers, errors, warnings);
}

/**
 * The memory rules for `servers` servers with container memory limit `limit` (unset: unchecked)
 * and user settings `config`; an unparsable limit is one error and ends the check.
 */
export function validateMemoryAgainstLimit(
  limit: string | number | undefined,
  config: Record<string, string>,
  servers: number,
  errors: string[],
  warnings: string[],
): void {
  let limitBytes: number | undefined;
  if (limit !== undefined) {
    try {
      limitBytes = parseMemoryBytes(limit);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      errors.push(`spec.resources.limits.memory is not a valid memory quantity: ${error.message}`);
      return;
    }
  }
  const result = validateMemory(limitBytes, config, servers);
  errors.push(...result.errors);
  warnings.push(...result.warnings);
}

function validateCloud(spec: ClusterSpec, errors: string[]): void {
  const cloud = spec.backups?.cloud;
  const provider: string | undefined = cloud?.provider;
  // As in the operator, a cloud block without a provider is not checked.
  if (!cloud || !isSet(provider)) return;
  if (!CLOUD_PROVIDERS.includes(provider)) errors.push(enumError('spec.backups.cloud.provider', CLOUD_PROVIDERS, provider));
  const identity = cloud.identity;
  if (!identity) return;
  const identityProvider: string = identity.provider;
  if (identityProvider !== provider) {
    errors.push(
      `identity provider must match cloud provider: spec.backups.cloud.identity.provider is ${JSON.stringify(identityProvider)} ` +
        `but spec.backups.cloud.provider is ${JSON.stringify(provider)}`,
    );
  }
  const autoCreate = identity.autoCreate;
  // enabled defaults to true (CRD default) when the autoCreate block is present.
  if (!autoCreate || autoCreate.enabled === false) return;
  const annotations = autoCreate.annotations ?? {};
  const path = 'spec.backups.cloud.identity.autoCreate.annotations';
  if (Object.keys(annotations).length === 0) {
    errors.push(`annotations are required for auto-created service accounts: set ${path}`);
    return;
  }
  const required = Object.hasOwn(CLOUD_IDENTITY_ANNOTATIONS, provider)
    ? CLOUD_IDENTITY_ANNOTATIONS[provider as keyof typeof CLOUD_IDENTITY_ANNOTATIONS]
    : undefined;
  if (required && !annotations[required.annotation]) {
    errors.push(`${required.mechanism} requires the ${required.annotation} annotation in ${path}`);
  }
}

function validateConfigKeys(spec: ClusterSpec, errors: string[], warnings: string[]): void {
  const config = spec.config ?? {};
  for (const key of Object.keys(config).sort()) {
    const value = config[key] ?? '';
    const syntax = configKeySyntaxError(key);
    if (syntax !== undefined) {
      errors.push(syntax);
    } else {
      const owned = ownedKeyReason(key);
      if (owned !== undefined) errors.push(owned);
      const legacy = legacyKeyWarning(key);
      if (legacy !== undefined) warnings.push(legacy);
    }
    const corrupt = configValueError(key, value);
    if (corrupt !== undefined) errors.push(corrupt);
  }
  warnings.push(...hookOwnedEnvWarnings(spec.env));
}

/** Why `key` cannot be a neo4j.conf setting name (empty, `=` or whitespace), or undefined. */
export function configKeySyntaxError(key: string): string | undefined {
  if (key === '') return 'spec.config has an empty key: every neo4j.conf setting needs a name';
  if (/[=\s]/u.test(key)) {
    return `spec.config key ${JSON.stringify(key)} is not a valid neo4j.conf setting name: it must not contain "=" or whitespace`;
  }
  return undefined;
}

/** Why the value of `key` cannot go into neo4j.conf (a line break), or undefined. */
export function configValueError(key: string, value: string): string | undefined {
  return /[\r\n]/u.test(value) ? `spec.config value of ${JSON.stringify(key)} contains a line break, which would corrupt neo4j.conf` : undefined;
}

/** One warning per spec.env entry the hook drops because it sets that variable itself. */
export function hookOwnedEnvWarnings(env: ReadonlyArray<{ name: string }> | undefined): string[] {
  return (env ?? [])
    .filter((entry) => (HOOK_OWNED_ENV as readonly string[]).includes(entry.name))
    .map((entry) => `spec.env entry ${entry.name} is ignored because neo4j-hooks sets ${entry.name} itself`);
}

function validateUpgradeStrategy(spec: ClusterSpec, errors: string[]): void {
  const upgrade = spec.upgradeStrategy;
  if (!upgrade) return;
  const strategy: string | undefined = upgrade.strategy;
  if (isSet(strategy) && !UPGRADE_STRATEGIES.includes(strategy)) {
    errors.push(enumError('spec.upgradeStrategy.strategy', UPGRADE_STRATEGIES, strategy));
  }
  for (const field of ['upgradeTimeout', 'healthCheckTimeout', 'stabilizationTimeout'] as const) {
    const value = upgrade[field];
    if (isSet(value) && !isGoDuration(value)) errors.push(durationError(`spec.upgradeStrategy.${field}`, value));
  }
  const maxUnavailable = upgrade.maxUnavailableDuringUpgrade;
  if (maxUnavailable !== undefined && maxUnavailable < 0) {
    errors.push(`spec.upgradeStrategy.maxUnavailableDuringUpgrade must be 0 or more, got ${maxUnavailable}`);
  }
}

function validatePlacement(spec: ClusterSpec, errors: string[]): void {
  const { servers, enforceDistribution, availabilityZones, placement } = spec.topology;
  // Without a zone list the zones come from the related Nodes, checked at sync (lib/cluster/features.ts).
  if (enforceDistribution && availabilityZones && availabilityZones.length > 0) {
    errors.push(...distributionErrors(servers, new Set(availabilityZones).size));
  }
  const whenUnsatisfiable = placement?.topologySpread?.whenUnsatisfiable;
  if (isSet(whenUnsatisfiable) && !WHEN_UNSATISFIABLE.includes(whenUnsatisfiable)) {
    errors.push(enumError('spec.topology.placement.topologySpread.whenUnsatisfiable', WHEN_UNSATISFIABLE, whenUnsatisfiable));
  }
  const antiAffinityType = placement?.antiAffinity?.type;
  if (isSet(antiAffinityType) && !ANTI_AFFINITY_TYPES.includes(antiAffinityType)) {
    errors.push(enumError('spec.topology.placement.antiAffinity.type', ANTI_AFFINITY_TYPES, antiAffinityType));
  }
}

/**
 * Validates a cluster spec. Rules run in the operator's order — topology, image, storage, TLS,
 * auth, memory, cloud — then spec.config/spec.env, upgradeStrategy and placement; findings keep
 * that order (config keys sorted), so the result is deterministic. As in the operator, an image
 * error ends validation: only topology errors, image errors and topology warnings are returned.
 * Unlike the operator, calendar versions after 2025 are accepted and spec.auth.externalSecrets is
 * checked like spec.tls.externalSecrets. Pure; never throws for any spec of the schema's shape.
 */
export function validateCluster(spec: ClusterSpec): ClusterValidation {
  const errors: string[] = [];
  const warnings = topologyWarnings(spec);
  validateTopology(spec, errors);
  validateHasPrimary(spec, errors);
  const imageErrors: string[] = [];
  validateImage(spec, imageErrors);
  if (imageErrors.length > 0) return { errors: [...errors, ...imageErrors], warnings };
  validateStorage(spec, errors);
  validateTls(spec, errors);
  validateAuth(spec, errors);
  validateMemoryLimit(spec, errors, warnings);
  validateCloud(spec, errors);
  validateConfigKeys(spec, errors, warnings);
  validateUpgradeStrategy(spec, errors);
  validatePlacement(spec, errors);
  return { errors, warnings };
}
