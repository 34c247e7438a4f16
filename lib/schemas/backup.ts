/**
 * Neo4jBackup: a one-shot or scheduled backup of a cluster or of one database. Spec and status follow
 * the operator's CRD; neo4j-hooks adds `spec.cloud.credentialsSecretRef` (via CloudBlock),
 * `status.observedGeneration`, and a minimum of 1 on `retention.maxCount`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { KindDefinition } from './kind.js';
import { CloudBlock, ObservedGeneration, StorageLocation, StringList } from './shared.js';
import { Conditions, StringEnum, Timestamp } from './types.js';

/** The operator's accepted `--pagecache` syntax: digits with an optional K, M or G suffix. */
export const PAGE_CACHE_PATTERN = '^[0-9]+[KMG]?$';

/** `spec` of a Neo4jBackup; `target` and `storage` are required. */
export const BackupSpecSchema = Type.Object(
  {
    target: Type.Object(
      {
        kind: StringEnum(['Cluster', 'Database'] as const, {
          description: 'Back up a whole Cluster (all databases) or one Database.',
        }),
        name: Type.String({ description: 'Name of the cluster, or of the database when kind is Database.' }),
        namespace: Type.Optional(Type.String({ description: "Namespace of the target; default the backup's namespace." })),
      },
      { description: 'What is backed up.' },
    ),
    storage: StorageLocation({ description: 'Where the backup is written.' }),
    schedule: Type.Optional(
      Type.String({ description: 'Cron schedule; when set, backups run periodically, otherwise once.' }),
    ),
    cloud: Type.Optional(CloudBlock({ description: 'Cloud identity or credentials used to write to object storage.' })),
    retention: Type.Optional(
      Type.Object(
        {
          maxAge: Type.Optional(Type.String({ description: 'Delete backups older than this, for example 7d or 168h.' })),
          maxCount: Type.Optional(
            Type.Integer({ description: 'Keep at most this many backups (at least 1).', format: 'int32', minimum: 1 }),
          ),
          deletePolicy: Type.Optional(
            StringEnum(['Delete', 'Archive'] as const, {
              description: 'What happens to expired backups: Delete or Archive; default Delete.',
              default: 'Delete',
            }),
          ),
        },
        { description: 'Retention of old backups.' },
      ),
    ),
    options: Type.Optional(
      Type.Object(
        {
          compress: Type.Optional(Type.Boolean({ description: 'Compress the backup; default true.', default: true })),
          encryption: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean({ description: 'Encrypt the backup; default false.' })),
                keySecret: Type.Optional(Type.String({ description: 'Secret holding the encryption key.' })),
                algorithm: Type.Optional(
                  StringEnum(['AES256', 'ChaCha20'] as const, {
                    description: 'Encryption algorithm: AES256 or ChaCha20; default AES256.',
                    default: 'AES256',
                  }),
                ),
              },
              { description: 'Encryption of the backup.' },
            ),
          ),
          verify: Type.Optional(Type.Boolean({ description: 'Verify the backup after it is taken; default false.' })),
          backupType: Type.Optional(
            StringEnum(['FULL', 'DIFF', 'AUTO'] as const, {
              description: 'Full, differential, or AUTO (differential when a previous backup exists); default AUTO.',
              default: 'AUTO',
            }),
          ),
          pageCache: Type.Optional(
            Type.String({ description: 'Page cache of neo4j-admin backup, for example 4G.', pattern: PAGE_CACHE_PATTERN }),
          ),
          additionalArgs: Type.Optional(
            StringList({ description: 'Extra arguments of neo4j-admin database backup.' }, 'One argument, for example --parallel-recovery.'),
          ),
        },
        { description: 'Options of neo4j-admin database backup.' },
      ),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Suspend a scheduled backup; default false.' })),
  },
  { description: 'Desired backup: what, where, when and how.' },
);
/** Static type of {@link BackupSpecSchema}. */
export type BackupSpec = Static<typeof BackupSpecSchema>;

const BackupStatsSchema = Type.Object(
  {
    size: Type.Optional(Type.String({ description: 'Size of the backup.' })),
    duration: Type.Optional(Type.String({ description: 'How long the backup took.' })),
    throughput: Type.Optional(Type.String({ description: 'Backup throughput.' })),
    fileCount: Type.Optional(Type.Integer({ description: 'Number of files in the backup.', format: 'int32' })),
  },
  { description: 'Statistics of the backup.' },
);

/** `status` of a Neo4jBackup, written by the sync hook. */
export const BackupStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(
      ObservedGeneration({ description: 'The .metadata.generation this status reflects (neo4j-hooks addition).' }),
    ),
    phase: Type.Optional(
      Type.String({ description: 'Phase of the backup, for example Waiting, Scheduled, Running, Completed, Suspended or Failed.' }),
    ),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    lastRunTime: Type.Optional(Timestamp({ description: 'When the last backup run started.' })),
    lastSuccessTime: Type.Optional(Timestamp({ description: 'When the last successful backup run completed.' })),
    nextRunTime: Type.Optional(Timestamp({ description: 'When the next scheduled run starts.' })),
    stats: Type.Optional(BackupStatsSchema),
    history: Type.Optional(
      Type.Array(
        Type.Object(
          {
            startTime: Timestamp({ description: 'When the run started.' }),
            completionTime: Type.Optional(Timestamp({ description: 'When the run completed.' })),
            status: Type.String({ description: 'Outcome of the run.' }),
            error: Type.Optional(Type.String({ description: 'Error of a failed run.' })),
            stats: Type.Optional(BackupStatsSchema),
          },
          { description: 'One backup run.' },
        ),
        { description: 'Recent backup runs.' },
      ),
    ),
  },
  { description: 'Observed state of the backup.' },
);
/** Static type of {@link BackupStatusSchema}. */
export type BackupStatus = Static<typeof BackupStatusSchema>;

/** The Neo4jBackup kind: names, schemas and `kubectl get` columns. */
export const backupKind: KindDefinition<typeof BackupSpecSchema, typeof BackupStatusSchema> = {
  kind: 'Neo4jBackup',
  plural: 'neo4jbackups',
  singular: 'neo4jbackup',
  shortNames: ['n4jbak'],
  description: 'A one-shot or scheduled backup of a Neo4j cluster or database.',
  spec: BackupSpecSchema,
  status: BackupStatusSchema,
  printerColumns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.target.kind' },
    { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
    { name: 'LastRun', type: 'string', jsonPath: '.status.lastRunTime' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
