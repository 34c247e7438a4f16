/**
 * Neo4jEnterpriseStandalone: a single Neo4j Enterprise server. Spec and status follow the operator's
 * CRD field for field; neo4j-hooks adds `status.observedGeneration` and `status.warnings`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { KindDefinition } from './kind.js';
import { InstalledPlugins } from './plugin.js';
import {
  Affinity,
  AuthSpec,
  BackupsSpec,
  Endpoints,
  EnvVarList,
  ImageSpec,
  ObservedGeneration,
  QueryMonitoring,
  ResourceRequirements,
  RestoreFrom,
  ServiceSpec,
  StorageSpec,
  StringList,
  TLSSpec,
  TolerationList,
  UISpec,
  Warnings,
} from './shared.js';
import { Conditions, StringEnum, StringMap, Timestamp } from './types.js';

/** `spec` of a Neo4jEnterpriseStandalone; `image` and `storage` are required. */
export const StandaloneSpecSchema = Type.Object(
  {
    image: ImageSpec({ description: 'The Neo4j Enterprise image of the server.' }),
    // Unlike the cluster, the operator never checked the standalone size format, so no size rule here.
    storage: StorageSpec({ description: 'Data volume of the server.' }),
    resources: Type.Optional(ResourceRequirements({ description: 'Compute resources of the server.' })),
    env: Type.Optional(
      EnvVarList({ description: 'Extra environment variables of the server; NEO4J_AUTH and NEO4J_ACCEPT_LICENSE_AGREEMENT are ignored.' }),
    ),
    nodeSelector: Type.Optional(StringMap({ description: 'Node labels the server pod must run on.' })),
    tolerations: Type.Optional(TolerationList({ description: 'Tolerations of the server pod.' })),
    affinity: Type.Optional(Affinity({ description: 'Affinity of the server pod (core/v1 Affinity).' })),
    config: Type.Optional(
      StringMap({ description: 'Extra neo4j.conf settings, by setting name; clustering settings are rejected.' }),
    ),
    tls: Type.Optional(TLSSpec({ description: 'TLS for client traffic; disabled when unset.' })),
    // The operator's standalone validator never required auth.secretRef, so no secretRef rule here.
    auth: Type.Optional(AuthSpec({ description: 'Authentication provider and admin credentials; native when unset.' })),
    service: Type.Optional(ServiceSpec({ description: 'The client Service of the server.' })),
    backups: Type.Optional(BackupsSpec({ description: 'Backup defaults (unused for standalone by the operator).' })),
    ui: Type.Optional(UISpec({ description: 'Web UI settings (not deployed by the operator).' })),
    restoreFrom: Type.Optional(
      RestoreFrom({ description: 'Backup to restore when the server is created (not acted on by the operator).' }),
    ),
    queryMonitoring: Type.Optional(QueryMonitoring({ description: 'Query logging and monitoring (unused for standalone by the operator).' })),
    persistence: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(
            Type.Boolean({ description: 'Keep data on a persistent volume; default true.', default: true }),
          ),
          retentionPolicy: Type.Optional(
            StringEnum(['Delete', 'Retain'] as const, {
              description: 'What happens to the data volume when the standalone is deleted; default Delete.',
              default: 'Delete',
            }),
          ),
          accessModes: Type.Optional(
            StringList(
              { description: 'Access modes of the data volume; default [ReadWriteOnce].', default: ['ReadWriteOnce'] },
              'A PersistentVolume access mode.',
            ),
          ),
        },
        { description: 'Persistence of the data volume; its retentionPolicy decides what deletion does.' },
      ),
    ),
  },
  { description: 'Desired state of the single Neo4j Enterprise server.' },
);
/** Static type of {@link StandaloneSpecSchema}. */
export type StandaloneSpec = Static<typeof StandaloneSpecSchema>;

/** `status` of a Neo4jEnterpriseStandalone, written by the sync hook. */
export const StandaloneStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(
      ObservedGeneration({ description: 'The .metadata.generation this status reflects (neo4j-hooks addition).' }),
    ),
    phase: Type.Optional(Type.String({ description: 'Phase of the server, for example Pending, Ready, Failed or ValidationFailed.' })),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    warnings: Type.Optional(Warnings({ description: 'Validation warnings about the spec, in a stable order (neo4j-hooks addition).' })),
    ready: Type.Optional(Type.Boolean({ description: 'Whether the server accepts connections.' })),
    version: Type.Optional(Type.String({ description: 'Neo4j version (image tag) the server runs.' })),
    endpoints: Type.Optional(Endpoints({ description: 'How to connect to the server.' })),
    lastStartTime: Type.Optional(Timestamp({ description: 'When the server was last started.' })),
    podStatus: Type.Optional(
      Type.Object(
        {
          podName: Type.Optional(Type.String({ description: 'Name of the server pod.' })),
          podIP: Type.Optional(Type.String({ description: 'IP address of the server pod.' })),
          nodeName: Type.Optional(Type.String({ description: 'Node the pod runs on.' })),
          phase: Type.Optional(Type.String({ description: 'Pod phase.' })),
          startTime: Type.Optional(Timestamp({ description: 'When the pod started.' })),
          restartCount: Type.Optional(Type.Integer({ description: 'Container restarts of the pod.', format: 'int32' })),
          conditions: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  type: Type.String({ description: 'Condition type, for example Ready.' }),
                  status: Type.String({ description: 'True, False or Unknown.' }),
                  observedGeneration: Type.Optional(
                    Type.Integer({ description: 'Pod generation the condition was set from.', format: 'int64' }),
                  ),
                  lastProbeTime: Type.Optional(Timestamp({ description: 'Last time the condition was probed.' })),
                  lastTransitionTime: Type.Optional(Timestamp({ description: 'Last time the condition changed.' })),
                  reason: Type.Optional(Type.String({ description: 'Reason of the last transition, in CamelCase.' })),
                  message: Type.Optional(Type.String({ description: 'Human readable detail of the last transition.' })),
                },
                { description: 'One pod condition (core/v1 PodCondition).' },
              ),
              { description: 'Conditions of the pod.' },
            ),
          ),
        },
        { description: 'State of the server pod.' },
      ),
    ),
    databaseStatus: Type.Optional(
      Type.Object(
        {
          databaseMode: Type.Optional(Type.String({ description: 'Mode of the server, SINGLE for a standalone.' })),
          databaseName: Type.Optional(Type.String({ description: 'Name of the default database.' })),
          lastBackupTime: Type.Optional(Timestamp({ description: 'When the last backup completed.' })),
          storageSize: Type.Optional(Type.String({ description: 'Storage used.' })),
          connectionCount: Type.Optional(Type.Integer({ description: 'Active connections.', format: 'int32' })),
          lastHealthCheck: Type.Optional(Timestamp({ description: 'When health was last checked.' })),
          healthStatus: Type.Optional(Type.String({ description: 'Result of the last health check.' })),
        },
        { description: 'State of the Neo4j database of the server.' },
      ),
    ),
    plugins: Type.Optional(InstalledPlugins()),
  },
  { description: 'Observed state of the single Neo4j Enterprise server.' },
);
/** Static type of {@link StandaloneStatusSchema}. */
export type StandaloneStatus = Static<typeof StandaloneStatusSchema>;

/** The Neo4jEnterpriseStandalone kind: names, schemas and `kubectl get` columns. */
export const standaloneKind: KindDefinition<typeof StandaloneSpecSchema, typeof StandaloneStatusSchema> = {
  kind: 'Neo4jEnterpriseStandalone',
  plural: 'neo4jenterprisestandalones',
  singular: 'neo4jenterprisestandalone',
  shortNames: ['n4js'],
  description: 'A single Neo4j Enterprise server.',
  spec: StandaloneSpecSchema,
  status: StandaloneStatusSchema,
  printerColumns: [
    { name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Version', type: 'string', jsonPath: '.status.version' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
