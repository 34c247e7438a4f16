/**
 * Neo4jDatabase: one Neo4j database created in a cluster or standalone. Spec and status follow the
 * operator's CRD; neo4j-hooks adds `spec.deletionPolicy` (default Retain: a database is dropped only
 * when the user asks for it).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { KindDefinition } from './kind.js';
import { ObservedGeneration, StorageLocation, StringList, Warnings } from './shared.js';
import { Conditions, StringEnum, StringMap, Timestamp } from './types.js';

/** `spec` of a Neo4jDatabase; `clusterRef` and `name` are required. */
export const DatabaseSpecSchema = Type.Object(
  {
    clusterRef: Type.String({ description: 'Name of the Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone in this namespace.' }),
    name: Type.String({ description: 'Name of the Neo4j database.' }),
    options: Type.Optional(
      StringMap({ description: 'OPTIONS of CREATE DATABASE, for example storeFormat or txLogEnrichment.' }),
    ),
    initialData: Type.Optional(
      Type.Object(
        {
          source: Type.Optional(
            StringEnum(['cypher', 'dump', 'csv'] as const, { description: 'Kind of initial data: cypher, dump or csv.' }),
          ),
          cypherStatements: Type.Optional(
            StringList({ description: 'Cypher statements run once against the new database.' }, 'One Cypher statement.'),
          ),
          configMapRef: Type.Optional(Type.String({ description: 'ConfigMap holding the data.' })),
          secretRef: Type.Optional(Type.String({ description: 'Secret holding sensitive data.' })),
          storage: Type.Optional(StorageLocation({ description: 'Storage location of data files.' })),
        },
        { description: 'Data loaded into the database once it is created; not used with seedURI.' },
      ),
    ),
    wait: Type.Optional(
      Type.Boolean({ description: 'Create the database with WAIT (true) or NOWAIT (false); default true.', default: true }),
    ),
    ifNotExists: Type.Optional(
      Type.Boolean({ description: 'Create with IF NOT EXISTS; default true.', default: true }),
    ),
    topology: Type.Optional(
      Type.Object(
        {
          primaries: Type.Optional(
            Type.Integer({ description: 'Primaries hosting the database (read and write); at least 1.', format: 'int32', minimum: 1 }),
          ),
          secondaries: Type.Optional(
            Type.Integer({ description: 'Secondaries hosting the database (read only); default 0.', format: 'int32', minimum: 0 }),
          ),
        },
        { description: 'How many servers of a cluster host the database; ignored on a standalone.' },
      ),
    ),
    defaultCypherLanguage: Type.Optional(
      StringEnum(['5', '25'] as const, { description: 'Default Cypher language version, 5 or 25 (Neo4j 2025.x only).' }),
    ),
    seedURI: Type.Optional(
      Type.String({ description: 'Backup or dump to seed the database from (s3://, gs://, azb://, https://, http://, ftp://).' }),
    ),
    seedConfig: Type.Optional(
      Type.Object(
        {
          restoreUntil: Type.Optional(
            Type.String({ description: 'Seed up to an RFC 3339 time or txId:<n> (Neo4j 2025.x only).' }),
          ),
          config: Type.Optional(
            StringMap({ description: 'Seed provider settings, for example compression, validation, bufferSize.' }),
          ),
        },
        { description: 'Seeding options.' },
      ),
    ),
    seedCredentials: Type.Optional(
      Type.Object(
        {
          secretRef: Type.Optional(
            Type.String({ description: 'Secret with the seed URI credentials (for example AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).' }),
          ),
        },
        { description: 'Credentials to read the seed URI; system-wide cloud authentication when unset.' },
      ),
    ),
    deletionPolicy: Type.Optional(
      StringEnum(['Retain', 'Drop'] as const, {
        description: 'What happens to the Neo4j database when this resource is deleted; default Retain (neo4j-hooks addition).',
        default: 'Retain',
      }),
    ),
  },
  { description: 'Desired Neo4j database: where, how it is created and what it starts with.' },
);
/** Static type of {@link DatabaseSpecSchema}. */
export type DatabaseSpec = Static<typeof DatabaseSpecSchema>;

/** `status` of a Neo4jDatabase, written by the sync hook. */
export const DatabaseStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(ObservedGeneration({ description: 'The .metadata.generation this status reflects.' })),
    warnings: Type.Optional(Warnings({ description: 'Validation warnings of the spec, deterministic; empty when none.' })),
    phase: Type.Optional(
      Type.String({ description: 'Phase of the database, for example Pending, Ready, ValidationFailed, Failed or Unknown.' }),
    ),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    dataImported: Type.Optional(Type.Boolean({ description: 'Whether the initial data or seed has been loaded.' })),
    creationTime: Type.Optional(Timestamp({ description: 'When the database was created.' })),
    size: Type.Optional(Type.String({ description: 'Size of the database.' })),
    lastBackupTime: Type.Optional(Timestamp({ description: 'When the database was last backed up.' })),
    state: Type.Optional(Type.String({ description: 'Current status reported by SHOW DATABASES, for example online.' })),
    servers: Type.Optional(StringList({ description: 'Addresses of the servers hosting the database.' }, 'A server address.')),
  },
  { description: 'Observed state of the database.' },
);
/** Static type of {@link DatabaseStatusSchema}. */
export type DatabaseStatus = Static<typeof DatabaseStatusSchema>;

/** The Neo4jDatabase kind: names, schemas and `kubectl get` columns. */
export const databaseKind: KindDefinition<typeof DatabaseSpecSchema, typeof DatabaseStatusSchema> = {
  kind: 'Neo4jDatabase',
  plural: 'neo4jdatabases',
  singular: 'neo4jdatabase',
  shortNames: ['n4jdb'],
  description: 'A Neo4j database in a cluster or standalone.',
  spec: DatabaseSpecSchema,
  status: DatabaseStatusSchema,
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
