/**
 * External Secrets Operator `ExternalSecret` children (external-secrets.io/v1): a Secret the
 * operator keeps in sync with an external store, owned by the ExternalSecret (creationPolicy
 * Owner). Besides the operator's validation rules (lib/cluster/validate.ts), the rules here keep
 * the child admissible by ESO's CRD (every data entry needs a remoteRef, secret keys are
 * `[-._a-zA-Z0-9]+`) and make sure the Secret holds the keys the pods read.
 */
import type { K8sObject } from '../k8s/object.js';
import type { AuthSpec, ExternalSecretsConfig } from '../schemas/shared.js';
import type { DeploymentShape } from '../features/settings.js';
import { DEFAULT_ADMIN_SECRET } from '../cluster/names.js';

/** The External Secrets API of the ExternalSecrets we emit (v1beta1 is deprecated). */
export const EXTERNAL_SECRETS_API = 'external-secrets.io/v1';
/** ESO's default refresh interval, which the operator also used. */
export const DEFAULT_REFRESH_INTERVAL = '1h';

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/u;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;

/** Everything one ExternalSecret is made of. */
export interface ExternalSecretInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** The Secret ESO creates and owns. */
  targetName: string;
  config: ExternalSecretsConfig;
}

/** The ExternalSecret syncing `targetName` from the configured store (data entries as given). */
export function buildExternalSecret(input: ExternalSecretInput): K8sObject {
  const { config } = input;
  const store = config.secretStoreRef;
  return {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: 'ExternalSecret',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels },
    spec: {
      secretStoreRef: { name: store?.name ?? '', kind: store?.kind || 'SecretStore' },
      target: { name: input.targetName, creationPolicy: 'Owner' },
      refreshInterval: config.refreshInterval || DEFAULT_REFRESH_INTERVAL,
      data: (config.data ?? []).map((entry) => ({
        secretKey: entry.secretKey,
        remoteRef: {
          key: entry.remoteRef?.key ?? '',
          ...(entry.remoteRef?.property ? { property: entry.remoteRef.property } : {}),
          ...(entry.remoteRef?.version ? { version: entry.remoteRef.version } : {}),
        },
      })),
    },
  };
}

/**
 * What ESO's CRD would refuse in the enabled block at `path` (beyond the operator's rules), and
 * each key of `requiredKeys` the data entries do not produce (`purpose` says who reads them).
 */
export function externalSecretErrors(config: ExternalSecretsConfig | undefined, path: string, requiredKeys: readonly string[], purpose: string): string[] {
  if (!config?.enabled) return [];
  const errors: string[] = [];
  const store = config.secretStoreRef?.name;
  if (store && !DNS_SUBDOMAIN.test(store)) {
    errors.push(`${path}.secretStoreRef.name ${JSON.stringify(store)} is not a valid resource name (lowercase letters, digits, "-" and ".")`);
  }
  const data = config.data ?? [];
  data.forEach((entry, i) => {
    if (entry.secretKey && !SECRET_KEY.test(entry.secretKey)) {
      errors.push(`${path}.data[${i}].secretKey ${JSON.stringify(entry.secretKey)} may only contain letters, digits, "-", "." and "_"`);
    }
    if (!entry.remoteRef) errors.push(`${path}.data[${i}].remoteRef is required: External Secrets needs the key of the value in the store`);
  });
  const mapped = new Set(data.map((e) => e.secretKey));
  const missing = requiredKeys.filter((k) => !mapped.has(k));
  if (data.length > 0 && missing.length > 0) {
    errors.push(`${path}.data must map the secretKey ${missing.map((k) => JSON.stringify(k)).join(', ')}: ${purpose}`);
  }
  return errors;
}

/**
 * The Secret a deployment's servers take their admin credentials from: spec.auth.adminSecret,
 * else the auth ExternalSecret's target `authSecret` when spec.auth.externalSecrets is enabled,
 * else `neo4j-admin-secret`.
 */
export function adminSecretFor(auth: AuthSpec | undefined, authSecret: string): string {
  if (auth?.adminSecret) return auth.adminSecret;
  return auth?.externalSecrets?.enabled ? authSecret : DEFAULT_ADMIN_SECRET;
}

/** How the auth findings name the servers, per deployment shape. */
const AUTH_WORDING: Readonly<Record<DeploymentShape, { read: string; use: string }>> = {
  cluster: { read: 'the servers read', use: 'the servers use' },
  standalone: { read: 'the server reads', use: 'the server uses' },
};

/**
 * What an enabled spec.auth.externalSecrets gets wrong beyond the operator's rules: ESO
 * admissibility and, when the servers read the synced Secret `authSecret` (adminSecret unset),
 * the `username` and `password` keys; a warning when spec.auth.adminSecret makes the synced
 * Secret unused. Nothing for a disabled block.
 */
export function authExternalSecretFindings(auth: AuthSpec | undefined, authSecret: string, shape: DeploymentShape): { errors: string[]; warnings: string[] } {
  const external = auth?.externalSecrets;
  if (!external?.enabled) return { errors: [], warnings: [] };
  const wording = AUTH_WORDING[shape];
  const used = adminSecretFor(auth, authSecret) === authSecret;
  const errors = externalSecretErrors(external, 'spec.auth.externalSecrets', used ? ['username', 'password'] : [], `${wording.read} the admin credentials from Secret ${authSecret}`);
  const warnings = used
    ? []
    : [
        `spec.auth.externalSecrets syncs Secret ${authSecret}, but ${wording.use} spec.auth.adminSecret ${auth!.adminSecret}: ` +
          `unset adminSecret (or set it to ${authSecret}) to use the synced credentials`,
      ];
  return { errors, warnings };
}
