/**
 * Where a restore seeds from. Neo4j seeds a database from an object-store URI (`s3://`, `gs://`,
 * `azb://`: the CloudSeedProvider, on by default on 5.26 and every calendar version), either one
 * artifact or a folder holding a backup chain; every server that hosts the database downloads it
 * itself. So the source is always resolved to such a URI:
 *
 * - `type: backup`: the folder a Neo4jBackup writes to (`<scheme>://<bucket>/<path or backup name>/`),
 *   once that backup has succeeded at least once;
 * - `type: storage`: `storage` plus `backupPath` — a full URI (used as is), an absolute path (from
 *   the bucket root) or a relative one (under `storage.path`); without `backupPath`, the folder;
 * - `type: pitr`: its `baseBackup`, resolved the same way, restored up to `pointInTime`.
 *
 * PVC sources are refused: no server can read a backup volume, which is mounted by one pod at a
 * time and only in backup Jobs.
 */
import type { RestoreSpec } from '../schemas/restore.js';
import type { StorageLocation } from '../schemas/shared.js';
import type { BackupSpec } from '../schemas/backup.js';
import { API_VERSION } from '../schemas/kind.js';
import type { RelatedResource } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { isRecord } from '../k8s/object.js';
import { findObserved, type ObservedMap } from '../k8s/observed.js';
import { databaseNameError, objectNameError } from '../backup/names.js';
import { backupDestination, bucketError, folderUri, isCloudType, normalizePath, pathError, SCHEME_OF, type CloudStorageType } from '../backup/storage.js';
import { backupScope } from '../backup/validate.js';

/** The Neo4jBackup kind, read as a related object. */
export const BACKUP_RELATED: RelatedResource = { apiVersion: API_VERSION, kind: 'Neo4jBackup', resource: 'neo4jbackups' };

/** A base backup: a Neo4jBackup reference or a storage location. */
export interface SourceSpec {
  type: 'backup' | 'storage';
  backupRef?: string;
  storage?: StorageLocation;
  backupPath?: string;
}

/** The base backup of a restore source (`pitr.baseBackup` for type pitr), or undefined when it has none. */
export function baseSource(spec: RestoreSpec): SourceSpec | undefined {
  const source = spec.source;
  if (source.type === 'pitr') return source.pitr?.baseBackup;
  return { ...source, type: source.type };
}

/** The Neo4jBackup a restore reads from, if any. */
export function backupRefOf(spec: RestoreSpec): string | undefined {
  const base = baseSource(spec);
  return base?.type === 'backup' && base.backupRef ? base.backupRef : undefined;
}

const PVC_SOURCE =
  'cannot restore from a PVC: Neo4j seeds a database from an object store (s3, gcs, azure) that every server can read, and a backup volume is mounted only in backup Jobs; back up to object storage (or copy the backup there) and restore from it';

/** Static problems with the source (field presence, syntax); `prefix` names the fields. */
export function sourceErrors(spec: RestoreSpec): string[] {
  const errors: string[] = [];
  const source = spec.source;
  const prefix = source.type === 'pitr' ? 'source.pitr.baseBackup' : 'source';
  const base = baseSource(spec);
  if (source.type === 'pitr') {
    if (!base) errors.push('source.pitr.baseBackup is required for source type pitr: the backup the restore starts from');
    if (!source.pointInTime) errors.push('source.pointInTime is required for source type pitr');
  }
  if (!base) return errors;
  if (base.type === 'backup') {
    if (!base.backupRef) errors.push(`${prefix}.backupRef is required for type backup: the name of a Neo4jBackup in this namespace`);
    else {
      const problem = objectNameError(`${prefix}.backupRef`, base.backupRef);
      if (problem) errors.push(problem);
    }
    return errors;
  }
  const storage = base.storage;
  if (!storage) {
    errors.push(`${prefix}.storage is required for type storage`);
    return errors;
  }
  if (!isCloudType(storage.type)) {
    errors.push(PVC_SOURCE);
    return errors;
  }
  const bucket = bucketError(`${prefix}.storage.bucket`, storage.type, storage.bucket);
  if (bucket) errors.push(bucket);
  if (storage.path !== undefined) {
    const problem = pathError(`${prefix}.storage.path`, storage.path);
    if (problem) errors.push(problem);
  }
  if (base.backupPath) {
    const uri = /^([a-z0-9]+):\/\/(.*)$/u.exec(base.backupPath);
    if (uri) {
      if (uri[1] !== SCHEME_OF[storage.type]) {
        errors.push(`${prefix}.backupPath ${JSON.stringify(base.backupPath)} must be a ${SCHEME_OF[storage.type]}:// URI for storage type ${storage.type}`);
      }
      const problem = pathError(`${prefix}.backupPath`, uri[2] ?? '');
      if (problem) errors.push(problem);
    } else {
      const problem = pathError(`${prefix}.backupPath`, base.backupPath);
      if (problem) errors.push(problem);
    }
  }
  return errors;
}

/** The seed URI of a storage source (see the module comment). Assumes a validated source. */
export function storageSourceUri(storage: StorageLocation, backupPath: string | undefined): string {
  const type = storage.type as CloudStorageType;
  const bucket = storage.bucket ?? '';
  if (!backupPath) return folderUri(type, bucket, storage.path);
  if (/^[a-z0-9]+:\/\//u.test(backupPath)) return backupPath;
  const folder = backupPath.endsWith('/');
  const rest = normalizePath(backupPath);
  const base = backupPath.startsWith('/') ? `${SCHEME_OF[type]}://${bucket}/` : folderUri(type, bucket, storage.path);
  return `${base}${rest}${folder && rest ? '/' : ''}`;
}

/** A resolved source, or why there is none (yet). */
export type ResolvedSource =
  | { ok: true; uri: string; /** The database the backup holds, when it holds only one. */ originalDatabase?: string }
  | { ok: false; waiting: boolean; message: string };

function backupSpecOf(object: K8sObject): BackupSpec | undefined {
  return isRecord(object.spec) ? (object.spec as unknown as BackupSpec) : undefined;
}

function lastSuccess(object: K8sObject): string | undefined {
  const status = isRecord(object.status) ? object.status : {};
  return typeof status.lastSuccessTime === 'string' && status.lastSuccessTime ? status.lastSuccessTime : undefined;
}

/**
 * The seed URI of a validated restore spec: from the related Neo4jBackup (waiting while it is
 * missing or has never succeeded) or from the storage location.
 */
export function resolveSource(spec: RestoreSpec, related: ObservedMap, namespace: string): ResolvedSource {
  const base = baseSource(spec)!;
  if (base.type === 'storage') return { ok: true, uri: storageSourceUri(base.storage!, base.backupPath) };
  const name = base.backupRef!;
  const object = findObserved(related, BACKUP_RELATED.kind, BACKUP_RELATED.apiVersion, name, namespace);
  if (!object) return { ok: false, waiting: true, message: `Waiting for Neo4jBackup ${name} in namespace ${namespace}` };
  const backup = backupSpecOf(object);
  if (!backup?.storage || !backup.target) return { ok: false, waiting: false, message: `Neo4jBackup ${name} has no usable spec` };
  if (!isCloudType(backup.storage.type)) return { ok: false, waiting: false, message: `Neo4jBackup ${name} writes to a PVC: ${PVC_SOURCE}` };
  const scope = backupScope(backup, namespace);
  const wanted = spec.databaseName.toLowerCase();
  if (scope.database !== '*' && scope.database.toLowerCase() !== wanted) {
    return {
      ok: false,
      waiting: false,
      message:
        `Neo4jBackup ${name} holds only database ${scope.database}, which Neo4j seeds from its folder by name; to restore it as ${spec.databaseName} ` +
        'use source.type storage with backupPath naming the .backup artifact',
    };
  }
  if (!lastSuccess(object)) return { ok: false, waiting: true, message: `Waiting for Neo4jBackup ${name} to complete a backup` };
  const destination = backupDestination(name, backup.storage, '');
  if (destination.kind !== 'cloud') return { ok: false, waiting: false, message: `Neo4jBackup ${name} writes to a PVC: ${PVC_SOURCE}` };
  return { ok: true, uri: destination.uri, ...(scope.database !== '*' ? { originalDatabase: scope.database } : {}) };
}

/** Why `databaseName` cannot be restored into, or undefined. */
export function restoreDatabaseError(name: string): string | undefined {
  if (name === '*') return 'databaseName "*" is not supported: a restore seeds one database; create one Neo4jRestore per database';
  const problem = databaseNameError('databaseName', name);
  if (problem) return problem;
  if (name.toLowerCase().startsWith('system')) return `databaseName ${JSON.stringify(name)} is reserved: the system database cannot be restored by seeding`;
  return undefined;
}
