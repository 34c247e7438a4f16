/**
 * Where backups live and how a Job gets at them: a PersistentVolumeClaim mounted at `/backups`, or
 * an object-store URI (`s3://`, `gs://`, `azb://`) that `neo4j-admin` writes to and Neo4j seeds
 * from directly. Cloud access comes from a referenced Secret (environment variables and, for GCP,
 * a mounted key file) and/or a workload-identity ServiceAccount; secret values are never read or
 * copied by the hooks, only referenced.
 *
 * Layout: every Neo4jBackup writes into one folder, `<storage.path>` or, without a path, a folder
 * named after the Neo4jBackup. neo4j-admin keeps the backup chain of each database in that folder
 * (AUTO/DIFF backups need the previous artifacts next to them), so the folder is fixed, not
 * timestamped.
 */
import type { EnvVar, PersistentVolumeClaim, ServiceAccount, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { CloudBlock, StorageLocation } from '../schemas/shared.js';
import type { K8sObject } from '../k8s/object.js';
import { parseQuantity, QuantityError } from '../k8s/quantity.js';
import { CLOUD_IDENTITY_ANNOTATIONS } from '../cluster/validate.js';
import { objectNameError } from './names.js';

/** Cloud providers and the storage type each one serves. */
export type CloudProvider = 'aws' | 'gcp' | 'azure';
/** Object-store storage types. */
export type CloudStorageType = 's3' | 'gcs' | 'azure';

/** The provider of each object-store type. */
export const PROVIDER_OF: Readonly<Record<CloudStorageType, CloudProvider>> = { s3: 'aws', gcs: 'gcp', azure: 'azure' };
/** The URI scheme neo4j-admin and Neo4j's CloudSeedProvider use for each object-store type. */
export const SCHEME_OF: Readonly<Record<CloudStorageType, string>> = { s3: 's3', gcs: 'gs', azure: 'azb' };

/** Where the backup volume is mounted in backup Jobs. */
export const BACKUP_MOUNT = '/backups';
/** Where a GCP service-account key from the credentials Secret is mounted. */
export const GCP_KEY_DIR = '/var/secrets/gcp';
/** Key of the GCP service-account JSON in the credentials Secret. */
export const GCP_KEY = 'GOOGLE_APPLICATION_CREDENTIALS_JSON';
/** Pod label Azure Workload Identity's webhook requires before it injects the federated token. */
export const AZURE_WORKLOAD_IDENTITY_LABEL = 'azure.workload.identity/use';

/** True for the object-store storage types. */
export function isCloudType(type: string): type is CloudStorageType {
  return type === 's3' || type === 'gcs' || type === 'azure';
}

const PATH = /^[A-Za-z0-9._~+=,@:%/-]*$/u;
const BUCKET: Readonly<Record<CloudStorageType, { pattern: RegExp; rule: string }>> = {
  s3: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/u, rule: '3-63 lowercase letters, digits, "." or "-"' },
  gcs: { pattern: /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/u, rule: '3-222 lowercase letters, digits, ".", "_" or "-"' },
  azure: {
    pattern: /^[a-z0-9]{3,24}\/[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/u,
    rule: '<storageAccount>/<container>, as in azb://<storageAccount>/<container>/ (account: 3-24 lowercase letters or digits; container: 3-63 lowercase letters, digits or "-")',
  },
};

/** `a/b/c` from a path given with any leading, trailing or doubled slashes; '' for none. */
export function normalizePath(path: string | undefined): string {
  return (path ?? '').split('/').filter((s) => s !== '').join('/');
}

/** Why a path inside a bucket or volume is unusable, or undefined. */
export function pathError(field: string, path: string): string | undefined {
  if (!PATH.test(path)) {
    return `${field} ${JSON.stringify(path)} may only contain letters, digits, "/" and ._~+=,@:%- (no spaces, quotes or control characters)`;
  }
  if (path.split('/').some((s) => s === '..' || s === '.')) return `${field} ${JSON.stringify(path)} must not contain "." or ".." segments`;
  return undefined;
}

/** Why an object-store location is unusable, or undefined. */
export function bucketError(field: string, type: CloudStorageType, bucket: string | undefined): string | undefined {
  if (!bucket) return `${field} is required for storage type ${type}`;
  const { pattern, rule } = BUCKET[type];
  return pattern.test(bucket) ? undefined : `${field} ${JSON.stringify(bucket)} is not a valid ${type} bucket: ${rule}`;
}

/** `<scheme>://<bucket>/<path>/` (a folder; the path may be empty). */
export function folderUri(type: CloudStorageType, bucket: string, path: string | undefined): string {
  const rest = normalizePath(path);
  return `${SCHEME_OF[type]}://${bucket}/${rest ? `${rest}/` : ''}`;
}

/** Where one Neo4jBackup writes: a folder on a volume or in a bucket. */
export type BackupDestination =
  | { kind: 'pvc'; claimName: string; /** True when the hooks create the claim (no `storage.pvc.name`). */ owned: boolean; dir: string }
  | { kind: 'cloud'; type: CloudStorageType; provider: CloudProvider; uri: string };

/**
 * The destination of Neo4jBackup `backupName`: `/backups/<path or name>` on the claim, or
 * `<scheme>://<bucket>/<path or name>/`. Assumes a validated `storage`.
 */
export function backupDestination(backupName: string, storage: StorageLocation, ownedClaim: string): BackupDestination {
  const sub = normalizePath(storage.path) || backupName;
  if (storage.type === 'pvc') {
    const named = storage.pvc?.name;
    return { kind: 'pvc', claimName: named || ownedClaim, owned: !named, dir: `${BACKUP_MOUNT}/${sub}` };
  }
  const type = storage.type as CloudStorageType;
  return { kind: 'cloud', type, provider: PROVIDER_OF[type], uri: folderUri(type, storage.bucket ?? '', sub) };
}

/** `storage.cloud` completed field by field from the spec-level `cloud` block. */
export function effectiveCloud(storage: StorageLocation, specCloud: CloudBlock | undefined): CloudBlock {
  const own = storage.cloud ?? {};
  const merged: CloudBlock = {};
  const provider = own.provider ?? specCloud?.provider;
  const identity = own.identity ?? specCloud?.identity;
  const secret = own.credentialsSecretRef ?? specCloud?.credentialsSecretRef;
  if (provider) merged.provider = provider;
  if (identity) merged.identity = identity;
  if (secret) merged.credentialsSecretRef = secret;
  return merged;
}

/** Findings of a validation: errors block, warnings are reported. */
export interface Findings {
  errors: string[];
  warnings: string[];
}

/**
 * Checks an object-store location and its cloud block: bucket and path syntax, the provider
 * matching the storage type, the identity's ServiceAccount and required annotation.
 */
export function validateCloudLocation(prefix: string, storage: StorageLocation, cloud: CloudBlock, findings: Findings): void {
  const type = storage.type as CloudStorageType;
  const bucketProblem = bucketError(`${prefix}.bucket`, type, storage.bucket);
  if (bucketProblem) findings.errors.push(bucketProblem);
  if (storage.path !== undefined) {
    const problem = pathError(`${prefix}.path`, storage.path);
    if (problem) findings.errors.push(problem);
  }
  const expected = PROVIDER_OF[type];
  if (cloud.provider && cloud.provider !== expected) {
    findings.errors.push(`cloud provider ${cloud.provider} does not match storage type ${type} (which needs provider ${expected})`);
  }
  if (cloud.credentialsSecretRef !== undefined) {
    const problem = objectNameError('cloud.credentialsSecretRef', cloud.credentialsSecretRef);
    if (problem) findings.errors.push(problem);
  }
  const identity = cloud.identity;
  if (identity) {
    if (identity.provider !== expected) {
      findings.errors.push(`cloud.identity.provider ${identity.provider} does not match storage type ${type} (which needs provider ${expected})`);
    }
    const autoCreate = identity.autoCreate && identity.autoCreate.enabled !== false;
    if (autoCreate) {
      const annotations = identity.autoCreate?.annotations ?? {};
      const required = CLOUD_IDENTITY_ANNOTATIONS[expected];
      if (!annotations[required.annotation]) {
        findings.errors.push(`${required.mechanism} requires the ${required.annotation} annotation in cloud.identity.autoCreate.annotations`);
      }
      if (identity.serviceAccount) {
        findings.warnings.push('cloud.identity.serviceAccount is ignored because cloud.identity.autoCreate is enabled: the backup runs as the created ServiceAccount');
      }
    } else if (!identity.serviceAccount) {
      findings.errors.push('cloud.identity needs serviceAccount (an existing ServiceAccount bound to the cloud identity) or autoCreate.enabled with the identity annotation');
    } else {
      const problem = objectNameError('cloud.identity.serviceAccount', identity.serviceAccount);
      if (problem) findings.errors.push(problem);
    }
  }
  if (!identity && !cloud.credentialsSecretRef) {
    findings.warnings.push(
      'no cloud.credentialsSecretRef or cloud.identity: neo4j-admin uses the default credential chain of the pod (node role or metadata server)',
    );
  }
}

/** Checks a PVC location for a backup (a name to reference, or a size to create one). */
export function validatePvcLocation(prefix: string, storage: StorageLocation, findings: Findings): void {
  const pvc = storage.pvc;
  if (storage.path !== undefined) {
    const problem = pathError(`${prefix}.path`, storage.path);
    if (problem) findings.errors.push(problem);
  }
  if (pvc?.name) {
    const problem = objectNameError(`${prefix}.pvc.name`, pvc.name);
    if (problem) findings.errors.push(problem);
    if (pvc.size || pvc.storageClassName) {
      findings.warnings.push(`${prefix}.pvc.size and storageClassName are ignored: the existing claim ${pvc.name} is used as it is`);
    }
    return;
  }
  if (!pvc?.size) {
    findings.errors.push(`${prefix}.pvc needs name (an existing PersistentVolumeClaim) or size (to create one)`);
    return;
  }
  try {
    if (parseQuantity(pvc.size) <= 0) findings.errors.push(`${prefix}.pvc.size must be positive, got ${JSON.stringify(pvc.size)}`);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    findings.errors.push(`${prefix}.pvc.size is not a valid quantity: ${error.message}`);
  }
  if (pvc.storageClassName !== undefined && pvc.storageClassName !== '') {
    const problem = objectNameError(`${prefix}.pvc.storageClassName`, pvc.storageClassName);
    if (problem) findings.errors.push(problem);
  }
}

function secretEnv(name: string, secret: string, key: string, optional: boolean): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional: true } : {}) } } };
}

/** What a pod needs to reach an object store: environment, volumes, identity. */
export interface CloudAccess {
  env: EnvVar[];
  volumes: Volume[];
  mounts: VolumeMount[];
  /** The pod's ServiceAccount (workload identity), if any. */
  serviceAccountName?: string;
  /** The ServiceAccount to create (identity autoCreate), if any. */
  serviceAccount?: ServiceAccount & K8sObject;
  podLabels: Record<string, string>;
}

/** Environment variables each provider's credentials Secret may hold, and whether the key is required. */
export const CREDENTIAL_KEYS: Readonly<Record<CloudProvider, ReadonlyArray<readonly [key: string, required: boolean]>>> = {
  aws: [
    ['AWS_ACCESS_KEY_ID', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['AWS_SESSION_TOKEN', false],
    ['AWS_REGION', false],
    // An S3-compatible endpoint (MinIO, Ceph); its presence also switches to path-style addressing.
    ['AWS_ENDPOINT_URL_S3', false],
  ],
  gcp: [['GOOGLE_CLOUD_PROJECT', false]],
  azure: [
    ['AZURE_STORAGE_ACCOUNT', false],
    ['AZURE_STORAGE_KEY', false],
    ['AZURE_STORAGE_SAS_TOKEN', false],
    ['AZURE_CLIENT_ID', false],
    ['AZURE_CLIENT_SECRET', false],
    ['AZURE_TENANT_ID', false],
  ],
};

/**
 * Cloud access of a Job: Secret-backed environment (and the GCP key file), and the identity
 * ServiceAccount — created as `serviceAccountName` with the identity annotations when
 * `identity.autoCreate` is enabled, else the named one.
 */
export function cloudAccess(
  provider: CloudProvider,
  cloud: CloudBlock,
  created: { name: string; namespace: string; labels: Record<string, string> },
): CloudAccess {
  const access: CloudAccess = { env: [], volumes: [], mounts: [], podLabels: {} };
  const secret = cloud.credentialsSecretRef;
  if (secret) {
    for (const [key, required] of CREDENTIAL_KEYS[provider]) access.env.push(secretEnv(key, secret, key, !required));
    if (provider === 'gcp') {
      access.volumes.push({ name: 'gcp-credentials', secret: { secretName: secret, items: [{ key: GCP_KEY, path: 'credentials.json' }] } });
      access.mounts.push({ name: 'gcp-credentials', mountPath: GCP_KEY_DIR, readOnly: true });
      access.env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCP_KEY_DIR}/credentials.json` });
    }
  }
  const identity = cloud.identity;
  if (identity) {
    if (identity.autoCreate && identity.autoCreate.enabled !== false) {
      access.serviceAccountName = created.name;
      access.serviceAccount = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: created.name,
          namespace: created.namespace,
          labels: created.labels,
          annotations: { ...(identity.autoCreate.annotations ?? {}) },
        },
      };
    } else if (identity.serviceAccount) {
      access.serviceAccountName = identity.serviceAccount;
    }
    if (provider === 'azure' && access.serviceAccountName) access.podLabels[AZURE_WORKLOAD_IDENTITY_LABEL] = 'true';
  }
  return access;
}

/** The claim created for a backup without `storage.pvc.name` (ReadWriteOnce; class and size from the spec). */
export function buildBackupClaim(name: string, namespace: string, labels: Record<string, string>, storage: StorageLocation): PersistentVolumeClaim & K8sObject {
  const className = storage.pvc?.storageClassName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(className ? { storageClassName: className } : {}),
      resources: { requests: { storage: storage.pvc?.size ?? '' } },
    },
  };
}
