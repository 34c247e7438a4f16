/**
 * Reconcile-time validation of a Neo4jEnterpriseStandalone spec: the operator's StandaloneValidator
 * rules (operator.md §7.2) with its messages, plus the checks neo4j-hooks needs because it renders
 * neo4j.conf, the memory settings and the data volume from the spec. The cluster validator's
 * building blocks are reused where the rule is the same (certificate options, External Secrets,
 * memory, config-key syntax, reserved env); what the optional features need beyond that (an
 * issuable Certificate, the Secret keys the pod reads, Ingress and monitoring values) is checked
 * with the cluster's shared rules in features.ts.
 */
import { QuantityError, parseMemoryBytes } from '../k8s/quantity.js';
import { legacyKeyWarning, ownedKeyClass, ownedKeyReason } from '../neo4j/config.js';
import { checkSupportedVersion } from '../neo4j/version.js';
import {
  configKeySyntaxError,
  configValueError,
  enumError,
  hookOwnedEnvWarnings,
  isSet,
  PULL_POLICIES,
  validateCertificateOptions,
  validateExternalSecrets,
  validateMemoryAgainstLimit,
} from '../cluster/validate.js';
import { standaloneNames } from './names.js';
import { ownedSettings, repeatsOwnedSetting, type Standalone } from './model.js';

/** Findings of {@link validateStandalone}: errors block reconciliation, warnings are reported. */
export interface StandaloneValidation {
  errors: string[];
  warnings: string[];
}

/** The clustering settings the operator refused in a standalone's spec.config, in its order. */
export const STANDALONE_CLUSTERING_KEYS = [
  'dbms.cluster.discovery.version',
  'dbms.cluster.discovery.type',
  'dbms.kubernetes.service_port_name',
  'dbms.kubernetes.discovery.v2.service_port_name',
  'dbms.kubernetes.discovery.service_port_name',
  'dbms.cluster.minimum_initial_system_primaries_count',
  'internal.dbms.single_raft_enabled',
  'dbms.cluster.discovery.endpoints',
  'dbms.cluster.network.advertised_address',
  'dbms.cluster.network.listen_address',
  'dbms.cluster.bind_address',
  'dbms.cluster.raft.advertised_address',
  'dbms.cluster.raft.listen_address',
  'dbms.cluster.raft.bind_address',
] as const;

/** The operator's message for a clustering setting in a standalone's spec.config. */
export function clusteringKeyError(key: string): string {
  return `clustering configuration '${key}' is not allowed in standalone deployments`;
}

/** The operator's message for `dbms.mode` in a standalone's spec.config. */
export const DBMS_MODE_ERROR =
  'dbms.mode is deprecated in Neo4j 5.x+ and should not be used. Remove this setting for Neo4j 5.26+ deployments';

/** The operator's standalone version message (the cluster's differs), before our detail. */
export const STANDALONE_VERSION_MESSAGE = 'Neo4j version must be 5.26+ (semver) or 2025.01+ (calver)';

const TLS_MODES = ['cert-manager', 'disabled'];
const AUTH_PROVIDERS = ['native', 'ldap', 'kerberos', 'jwt'];
const RETENTION_POLICIES = ['Delete', 'Retain'];
/** A database volume must be writable, so ReadOnlyMany is not offered. */
const ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'];

type Spec = Standalone['spec'];

function validateImage(spec: Spec, errors: string[]): void {
  const { repo, tag, pullPolicy } = spec.image;
  if (!repo) errors.push('image repository is required');
  if (!tag) {
    errors.push('image tag is required');
  } else {
    const check = checkSupportedVersion(tag);
    if (!check.supported) errors.push(`${STANDALONE_VERSION_MESSAGE}, got: ${tag}: ${check.detail}`);
  }
  if (isSet(pullPolicy) && !PULL_POLICIES.includes(pullPolicy)) errors.push(enumError('spec.image.pullPolicy', PULL_POLICIES, pullPolicy));
}

function validateStorage(spec: Spec, errors: string[], warnings: string[]): void {
  const { className, size } = spec.storage;
  if (!className) errors.push('storage class name is required');
  if (!size) {
    errors.push('storage size is required');
  } else {
    // The operator never checked the size; a bad one makes the StatefulSet unacceptable to the API server.
    try {
      parseMemoryBytes(size);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      errors.push(`spec.storage.size is not a valid storage quantity: ${error.message}`);
    }
  }
  const storagePolicy: string | undefined = spec.storage.retentionPolicy;
  if (isSet(storagePolicy) && !RETENTION_POLICIES.includes(storagePolicy)) {
    errors.push(enumError('spec.storage.retentionPolicy', RETENTION_POLICIES, storagePolicy));
  }
  const persistence = spec.persistence;
  const policy: string | undefined = persistence?.retentionPolicy;
  if (isSet(policy) && !RETENTION_POLICIES.includes(policy)) errors.push(enumError('spec.persistence.retentionPolicy', RETENTION_POLICIES, policy));
  if (storagePolicy === 'Retain' && policy !== 'Retain') {
    warnings.push(
      'spec.storage.retentionPolicy is Retain: the data volume is kept when the standalone is deleted, although a standalone ' +
        'reads spec.persistence.retentionPolicy; set that instead',
    );
  }
  if (persistence?.accessModes !== undefined) {
    if (persistence.accessModes.length === 0) errors.push('spec.persistence.accessModes must name at least one access mode');
    persistence.accessModes.forEach((mode, i) => {
      if (!ACCESS_MODES.includes(mode)) errors.push(enumError(`spec.persistence.accessModes[${i}]`, ACCESS_MODES, mode));
    });
  }
  if (persistence?.enabled === false) {
    warnings.push(
      'spec.persistence.enabled is false, but the data stays on a persistent volume: a database on an ephemeral volume ' +
        'would be lost at the first restart',
    );
  }
}

function validateTls(spec: Spec, errors: string[]): void {
  const tls = spec.tls;
  if (!tls) return;
  // A present tls block without mode gets the CRD default cert-manager from the API server.
  const mode: string = isSet(tls.mode) ? tls.mode : 'cert-manager';
  if (!TLS_MODES.includes(mode)) errors.push("TLS mode must be 'cert-manager' or 'disabled'");
  if (mode === 'cert-manager') {
    if (!tls.issuerRef) {
      errors.push("issuer reference is required when TLS mode is 'cert-manager'");
    } else if (!tls.issuerRef.name) {
      errors.push('issuer name is required');
    }
    validateCertificateOptions(tls, errors);
  }
  validateExternalSecrets(tls.externalSecrets, 'spec.tls.externalSecrets', errors);
}

function validateAuth(spec: Spec, errors: string[]): void {
  const auth = spec.auth;
  if (!auth) return;
  const provider: string | undefined = auth.provider;
  if (isSet(provider) && !AUTH_PROVIDERS.includes(provider)) {
    errors.push(`auth provider must be one of: ${AUTH_PROVIDERS.join(', ')}`);
  }
  validateExternalSecrets(auth.externalSecrets, 'spec.auth.externalSecrets', errors);
}

/** Whether a setting only means something to a cluster member. */
function isClusteringKey(key: string): boolean {
  const owner = ownedKeyClass(key);
  return owner === 'discovery' || owner === 'formation' || /^server\.(cluster|discovery)\./u.test(key);
}

function validateConfigKeys(standalone: Standalone, errors: string[], warnings: string[]): void {
  const { spec } = standalone;
  const config = spec.config ?? {};
  const owned = ownedSettings(standaloneNames(standalone.metadata.name, standalone.metadata.namespace ?? ''));
  for (const key of Object.keys(config).sort()) {
    const value = config[key] ?? '';
    const syntax = configKeySyntaxError(key);
    if (syntax !== undefined) {
      errors.push(syntax);
    } else if ((STANDALONE_CLUSTERING_KEYS as readonly string[]).includes(key) || isClusteringKey(key)) {
      errors.push(clusteringKeyError(key));
    } else if (key === 'dbms.mode') {
      errors.push(DBMS_MODE_ERROR);
    } else {
      if (repeatsOwnedSetting(owned, key, value)) {
        warnings.push(`spec.config key ${key} repeats the value neo4j-hooks sets (${value.trim()}); it is written once`);
      } else {
        const reason = ownedKeyReason(key);
        if (reason !== undefined) errors.push(reason);
      }
      const legacy = legacyKeyWarning(key);
      if (legacy !== undefined) warnings.push(legacy);
    }
    const corrupt = configValueError(key, value);
    if (corrupt !== undefined) errors.push(corrupt);
  }
  warnings.push(...hookOwnedEnvWarnings(spec.env));
}

/**
 * Validates a standalone. Rules run in the operator's order — image, storage, TLS, auth, config —
 * with persistence, memory and env added where they belong;
 * findings keep that order (config keys sorted), so the result is deterministic. Unlike the
 * operator: every supported version is accepted (5.26.x and calendar versions from 2025.01,
 * including 2026.x); the memory settings are checked against the container limit as for a
 * cluster; a spec.config value equal to the one the hook writes anyway is accepted with a
 * warning. Pure; never throws for any spec of the schema's shape.
 */
export function validateStandalone(standalone: Standalone): StandaloneValidation {
  const { spec } = standalone;
  const errors: string[] = [];
  const warnings: string[] = [];
  validateImage(spec, errors);
  validateStorage(spec, errors, warnings);
  validateTls(spec, errors);
  validateAuth(spec, errors);
  validateMemoryAgainstLimit(spec.resources?.limits?.memory, spec.config ?? {}, 1, errors, warnings);
  validateConfigKeys(standalone, errors, warnings);
  return { errors, warnings };
}
