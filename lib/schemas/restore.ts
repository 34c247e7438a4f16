/**
 * Neo4jRestore: restore one database of a cluster from a Neo4jBackup, a storage location, or a
 * point in time. Spec and status follow the operator's CRD field for field.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { KindDefinition } from './kind.js';
import { EnvVarList, ObservedGeneration, StorageLocation, StringList } from './shared.js';
import { Conditions, StringEnum, Timestamp } from './types.js';

/** Statements and a Job run before or after the restore. */
function RestoreHooks(description: string) {
  return Type.Object(
    {
      job: Type.Optional(
        Type.Object(
          {
            template: Type.Object(
              {
                container: Type.Object(
                  {
                    image: Type.String({ description: 'Image of the hook container.' }),
                    command: Type.Optional(StringList({ description: 'Entrypoint of the hook container.' }, 'One command word.')),
                    args: Type.Optional(StringList({ description: 'Arguments of the hook container.' }, 'One argument.')),
                    env: Type.Optional(EnvVarList({ description: 'Environment variables of the hook container.' })),
                  },
                  { description: 'The one container of the hook Job.' },
                ),
                backoffLimit: Type.Optional(
                  Type.Integer({ description: 'Retries of the hook Job; default 3.', format: 'int32' }),
                ),
              },
              { description: 'Template of the hook Job.' },
            ),
            timeout: Type.Optional(Type.String({ description: 'How long to wait for the hook Job; default 30m.' })),
          },
          { description: 'A Job run as the hook.' },
        ),
      ),
      cypherStatements: Type.Optional(
        StringList({ description: 'Cypher statements run against the restored database.' }, 'One Cypher statement.'),
      ),
    },
    { description },
  );
}
/** A pre- or post-restore hook. */
export type RestoreHooks = Static<ReturnType<typeof RestoreHooks>>;

/** `spec` of a Neo4jRestore; `targetCluster`, `source` and `databaseName` are required. */
export const RestoreSpecSchema = Type.Object(
  {
    targetCluster: Type.String({ description: 'Name of the Neo4jEnterpriseCluster in this namespace to restore into.' }),
    source: Type.Object(
      {
        type: StringEnum(['backup', 'storage', 'pitr'] as const, {
          description: 'Restore from a Neo4jBackup (backup), a storage location (storage), or a point in time (pitr).',
        }),
        backupRef: Type.Optional(Type.String({ description: 'Name of the Neo4jBackup to restore (type backup).' })),
        storage: Type.Optional(StorageLocation({ description: 'Storage location of the backup (type storage).' })),
        backupPath: Type.Optional(Type.String({ description: 'Path of the backup within the storage.' })),
        pointInTime: Type.Optional(Timestamp({ description: 'Restore up to this time (RFC 3339).' })),
        pitr: Type.Optional(
          Type.Object(
            {
              logStorage: Type.Optional(StorageLocation({ description: 'Where the transaction logs are stored.' })),
              logRetention: Type.Optional(
                Type.String({ description: 'How long transaction logs are kept; default 7d.', default: '7d' }),
              ),
              recoveryPointObjective: Type.Optional(
                Type.String({ description: 'Recovery point objective; default 1m.', default: '1m' }),
              ),
              baseBackup: Type.Optional(
                Type.Object(
                  {
                    type: StringEnum(['backup', 'storage'] as const, {
                      description: 'Base backup from a Neo4jBackup (backup) or a storage location (storage).',
                    }),
                    backupRef: Type.Optional(Type.String({ description: 'Name of the Neo4jBackup (type backup).' })),
                    storage: Type.Optional(StorageLocation({ description: 'Storage location of the base backup (type storage).' })),
                    backupPath: Type.Optional(Type.String({ description: 'Path of the base backup within the storage.' })),
                  },
                  { description: 'The full backup the transaction logs are applied to.' },
                ),
              ),
              validateLogIntegrity: Type.Optional(
                Type.Boolean({ description: 'Check the transaction logs before restoring; default true.', default: true }),
              ),
              compression: Type.Optional(
                Type.Object(
                  {
                    enabled: Type.Optional(
                      Type.Boolean({ description: 'The logs are compressed; default true.', default: true }),
                    ),
                    algorithm: Type.Optional(
                      StringEnum(['gzip', 'lz4', 'zstd'] as const, {
                        description: 'Compression algorithm: gzip, lz4 or zstd; default gzip.',
                        default: 'gzip',
                      }),
                    ),
                    level: Type.Optional(Type.Integer({ description: 'Compression level.', format: 'int32' })),
                  },
                  { description: 'Compression of the transaction logs.' },
                ),
              ),
              encryption: Type.Optional(
                Type.Object(
                  {
                    enabled: Type.Optional(
                      Type.Boolean({ description: 'The logs are encrypted; default false.', default: false }),
                    ),
                    algorithm: Type.Optional(
                      StringEnum(['AES256', 'ChaCha20Poly1305'] as const, {
                        description: 'Encryption algorithm: AES256 or ChaCha20Poly1305; default AES256.',
                        default: 'AES256',
                      }),
                    ),
                    keySecret: Type.Optional(Type.String({ description: 'Secret holding the encryption key.' })),
                    keySecretKey: Type.Optional(
                      Type.String({ description: 'Key of the encryption key in the Secret; default key.', default: 'key' }),
                    ),
                  },
                  { description: 'Encryption of the transaction logs.' },
                ),
              ),
            },
            { description: 'Point-in-time recovery settings (type pitr).' },
          ),
        ),
      },
      { description: 'Where the backup to restore comes from.' },
    ),
    databaseName: Type.String({ description: 'Name of the database to restore into.' }),
    options: Type.Optional(
      Type.Object(
        {
          replaceExisting: Type.Optional(
            Type.Boolean({ description: 'Overwrite the database if it exists; default false.' }),
          ),
          verifyBackup: Type.Optional(Type.Boolean({ description: 'Verify the backup before restoring; default false.' })),
          additionalArgs: Type.Optional(
            StringList({ description: 'Extra arguments of neo4j-admin database restore.' }, 'One argument.'),
          ),
          preRestore: Type.Optional(RestoreHooks('Hooks run before the restore.')),
          postRestore: Type.Optional(RestoreHooks('Hooks run after the restore.')),
        },
        { description: 'Options of the restore.' },
      ),
    ),
    force: Type.Optional(
      Type.Boolean({ description: 'Restore even if the database exists, overwriting it; default false.' }),
    ),
    stopCluster: Type.Optional(
      Type.Boolean({ description: 'Stop the cluster during the restore and start it again after; default false.' }),
    ),
    timeout: Type.Optional(Type.String({ description: 'Timeout of the restore, as a Go duration.' })),
  },
  { description: 'Desired restore: which backup, into which cluster and database.' },
);
/** Static type of {@link RestoreSpecSchema}. */
export type RestoreSpec = Static<typeof RestoreSpecSchema>;

/** `status` of a Neo4jRestore, written by the sync hook. */
export const RestoreStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(ObservedGeneration({ description: 'The .metadata.generation this status reflects.' })),
    phase: Type.Optional(Type.String({ description: 'Phase of the restore, for example Running, Completed or Failed.' })),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    startTime: Type.Optional(Timestamp({ description: 'When the restore started.' })),
    completionTime: Type.Optional(Timestamp({ description: 'When the restore completed.' })),
    stats: Type.Optional(
      Type.Object(
        {
          duration: Type.Optional(Type.String({ description: 'How long the restore took.' })),
          dataSize: Type.Optional(Type.String({ description: 'Size of the restored data.' })),
          throughput: Type.Optional(Type.String({ description: 'Restore throughput.' })),
          fileCount: Type.Optional(Type.Integer({ description: 'Number of files restored.', format: 'int32' })),
          errorCount: Type.Optional(Type.Integer({ description: 'Errors met during the restore.', format: 'int32' })),
        },
        { description: 'Statistics of the restore.' },
      ),
    ),
    backupInfo: Type.Optional(
      Type.Object(
        {
          backupPath: Type.Optional(Type.String({ description: 'Path of the restored backup.' })),
          backupCreatedAt: Type.Optional(Timestamp({ description: 'When the backup was taken.' })),
          originalDatabase: Type.Optional(Type.String({ description: 'Database name in the backup.' })),
          neo4jVersion: Type.Optional(Type.String({ description: 'Neo4j version that took the backup.' })),
          backupSize: Type.Optional(Type.String({ description: 'Size of the backup.' })),
        },
        { description: 'The backup that was restored.' },
      ),
    ),
  },
  { description: 'Observed state of the restore.' },
);
/** Static type of {@link RestoreStatusSchema}. */
export type RestoreStatus = Static<typeof RestoreStatusSchema>;

/** The Neo4jRestore kind: names, schemas and `kubectl get` columns. */
export const restoreKind: KindDefinition<typeof RestoreSpecSchema, typeof RestoreStatusSchema> = {
  kind: 'Neo4jRestore',
  plural: 'neo4jrestores',
  singular: 'neo4jrestore',
  shortNames: ['n4jrst'],
  description: 'A restore of one database of a Neo4j cluster from a backup.',
  spec: RestoreSpecSchema,
  status: RestoreStatusSchema,
  printerColumns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.targetCluster' },
    { name: 'Database', type: 'string', jsonPath: '.spec.databaseName' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Duration', type: 'string', jsonPath: '.status.stats.duration' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
