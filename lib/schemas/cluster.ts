/**
 * Neo4jEnterpriseCluster: a Neo4j Enterprise cluster of 2 to 20 servers. Spec and status follow the
 * operator's CRD field for field; neo4j-hooks adds `status.observedGeneration` and `status.warnings`.
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
  UpgradeStrategy,
  Warnings,
} from './shared.js';
import { Conditions, StringEnum, StringMap, Timestamp, withCel } from './types.js';

/** Server mode constraints: NONE lets Neo4j choose; PRIMARY/SECONDARY pin the servers' role. */
export const SERVER_MODE_CONSTRAINTS = ['NONE', 'PRIMARY', 'SECONDARY'] as const;
/** The operator's cluster size bounds (`spec.topology.servers`). */
export const MIN_SERVERS = 2;
/** Upper bound of `spec.topology.servers`. */
export const MAX_SERVERS = 20;

const PlacementSchema = Type.Object(
  {
    topologySpread: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean({ description: 'Add a topology spread constraint; default false.' })),
          topologyKey: Type.Optional(
            Type.String({ description: 'Node label of the spread domain, for example topology.kubernetes.io/zone.' }),
          ),
          maxSkew: Type.Optional(
            Type.Integer({ description: 'Maximum difference of server counts between domains.', format: 'int32' }),
          ),
          whenUnsatisfiable: Type.Optional(
            Type.String({ description: 'DoNotSchedule or ScheduleAnyway when the spread cannot be met.' }),
          ),
          minDomains: Type.Optional(
            Type.Integer({ description: 'Minimum number of eligible domains.', format: 'int32' }),
          ),
        },
        { description: 'Spread the servers across topology domains.' },
      ),
    ),
    antiAffinity: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean({ description: 'Add pod anti-affinity between servers; default false.' })),
          topologyKey: Type.Optional(
            Type.String({ description: 'Node label of the anti-affinity domain, for example kubernetes.io/hostname.' }),
          ),
          type: Type.Optional(Type.String({ description: 'required or preferred anti-affinity.' })),
        },
        { description: 'Keep servers apart with pod anti-affinity.' },
      ),
    ),
    nodeSelector: Type.Optional(StringMap({ description: 'Node labels the servers must run on (unused by the operator).' })),
    requiredDuringScheduling: Type.Optional(
      Type.Boolean({ description: 'Make placement rules hard requirements (unused by the operator).' }),
    ),
  },
  { description: 'How the servers are placed on nodes.' },
);

const ServerRolesSchema = withCel(
  Type.Array(
    Type.Object(
      {
        serverIndex: Type.Integer({ description: 'Index of the server (0-based) the hint applies to.', format: 'int32', minimum: 0 }),
        modeConstraint: StringEnum(SERVER_MODE_CONSTRAINTS, {
          description: 'Mode of that server: NONE, PRIMARY or SECONDARY.',
        }),
      },
      { description: 'The mode constraint of one server.' },
    ),
    {
      description: 'Per-server mode constraints; take precedence over serverModeConstraint.',
      // Indexes are unique and below servers (at most 20), so a longer list is invalid anyway; the bound
      // also keeps the CEL cost estimate of the rules below small.
      maxItems: MAX_SERVERS,
    },
  ),
  [
    {
      rule: 'self.all(a, self.exists_one(b, b.serverIndex == a.serverIndex))',
      message: 'server role hint indexes must be unique',
    },
  ],
);

/** `spec.topology`: server count and role constraints; indexes of role hints are below `servers`. */
export const TopologySchema = withCel(
  Type.Object(
    {
      servers: Type.Integer({
        description: 'Number of Neo4j servers, 2 to 20; servers host databases as primaries or secondaries.',
        format: 'int32',
        minimum: MIN_SERVERS,
        maximum: MAX_SERVERS,
      }),
      serverModeConstraint: Type.Optional(
        StringEnum(SERVER_MODE_CONSTRAINTS, {
          description: 'Mode constraint of all servers: NONE, PRIMARY or SECONDARY; default NONE.',
          default: 'NONE',
        }),
      ),
      serverRoles: Type.Optional(ServerRolesSchema),
      placement: Type.Optional(PlacementSchema),
      availabilityZones: Type.Optional(
        StringList({ description: 'Availability zones the servers are expected to spread across.' }, 'A zone name.'),
      ),
      enforceDistribution: Type.Optional(
        Type.Boolean({ description: 'Fail when the servers cannot be spread across the zones; default false.' }),
      ),
    },
    { description: 'Cluster topology: the number of servers and their roles.' },
  ),
  [
    {
      rule: '!has(self.serverRoles) || self.serverRoles.all(r, r.serverIndex < self.servers)',
      message: 'server role hint index is out of range (0 to servers-1)',
      fieldPath: '.serverRoles',
    },
    {
      rule: "!has(self.serverRoles) || size(self.serverRoles) < self.servers || !self.serverRoles.all(r, r.modeConstraint == 'SECONDARY')",
      message: 'all servers are constrained to SECONDARY mode - cluster would have no primary servers available',
      fieldPath: '.serverRoles',
    },
  ],
);
export type Topology = Static<typeof TopologySchema>;

/** `spec` of a Neo4jEnterpriseCluster; `image`, `topology` and `storage` are required. */
export const ClusterSpecSchema = Type.Object(
  {
    image: ImageSpec({ description: 'The Neo4j Enterprise image of the servers.' }),
    topology: TopologySchema,
    storage: StorageSpec({ description: 'Data volume of each server.' }, { checkSizeFormat: true }),
    resources: Type.Optional(
      ResourceRequirements({
        description: 'Compute resources of each server; default limits cpu 1000m, memory 2Gi, requests cpu 500m, memory 1Gi.',
      }),
    ),
    env: Type.Optional(
      EnvVarList({ description: 'Extra environment variables of the servers; NEO4J_AUTH and NEO4J_ACCEPT_LICENSE_AGREEMENT are ignored.' }),
    ),
    nodeSelector: Type.Optional(StringMap({ description: 'Node labels the server pods must run on.' })),
    tolerations: Type.Optional(TolerationList({ description: 'Tolerations of the server pods.' })),
    affinity: Type.Optional(Affinity({ description: 'Affinity of the server pods (core/v1 Affinity).' })),
    config: Type.Optional(StringMap({ description: 'Extra neo4j.conf settings, by setting name.' })),
    tls: Type.Optional(TLSSpec({ description: 'TLS for client and cluster traffic; disabled when unset.' })),
    auth: Type.Optional(
      AuthSpec({ description: 'Authentication provider and admin credentials; native when unset.' }, { requireProviderSecret: true }),
    ),
    service: Type.Optional(ServiceSpec({ description: 'The client Service of the cluster.' })),
    backups: Type.Optional(BackupsSpec({ description: 'Backup defaults; when set, a centralized backup pod is added.' })),
    ui: Type.Optional(UISpec({ description: 'Web UI settings (not deployed by the operator).' })),
    restoreFrom: Type.Optional(RestoreFrom({ description: 'Backup to restore when the cluster is created (not acted on by the operator).' })),
    upgradeStrategy: Type.Optional(UpgradeStrategy({ description: 'How an image tag change is rolled out.' })),
    queryMonitoring: Type.Optional(QueryMonitoring({ description: 'Query logging and monitoring.' })),
  },
  { description: 'Desired state of the Neo4j Enterprise cluster.' },
);
/** Static type of {@link ClusterSpecSchema}. */
export type ClusterSpec = Static<typeof ClusterSpecSchema>;

const UpgradeCountsFields = {
  total: Type.Optional(Type.Integer({ description: 'Servers to upgrade in total.', format: 'int32' })),
  upgraded: Type.Optional(Type.Integer({ description: 'Servers already upgraded.', format: 'int32' })),
  inProgress: Type.Optional(Type.Integer({ description: 'Servers being upgraded now.', format: 'int32' })),
  pending: Type.Optional(Type.Integer({ description: 'Servers still to upgrade.', format: 'int32' })),
};

/** `status.upgradeStatus`: progress of a rolling upgrade. */
export const UpgradeStatusSchema = Type.Object(
  {
    phase: Type.Optional(
      StringEnum(['Pending', 'InProgress', 'Paused', 'Completed', 'Failed'] as const, {
        description: 'Phase of the upgrade: Pending, InProgress, Paused, Completed or Failed.',
      }),
    ),
    startTime: Type.Optional(Timestamp({ description: 'When the upgrade started.' })),
    completionTime: Type.Optional(Timestamp({ description: 'When the upgrade completed.' })),
    currentStep: Type.Optional(Type.String({ description: 'The step the upgrade is at.' })),
    previousVersion: Type.Optional(Type.String({ description: 'Image tag before the upgrade.' })),
    targetVersion: Type.Optional(Type.String({ description: 'Image tag being upgraded to.' })),
    progress: Type.Optional(
      Type.Object(
        {
          ...UpgradeCountsFields,
          servers: Type.Optional(
            Type.Object(
              {
                ...UpgradeCountsFields,
                currentLeader: Type.Optional(Type.String({ description: 'Server currently leading the system database.' })),
              },
              { description: 'Progress over the servers.' },
            ),
          ),
        },
        { description: 'Upgrade progress counts.' },
      ),
    ),
    message: Type.Optional(Type.String({ description: 'Details about the upgrade.' })),
    lastError: Type.Optional(Type.String({ description: 'Last error met during the upgrade.' })),
    stepStartTime: Type.Optional(
      Timestamp({ description: 'When the current step started; upgradeTimeout counts from here (neo4j-hooks addition).' }),
    ),
    templateHash: Type.Optional(
      Type.String({ description: 'Hash of the pod template being rolled out (neo4j-hooks addition).' }),
    ),
  },
  { description: 'Progress of the current or last rolling upgrade.' },
);
export type UpgradeStatus = Static<typeof UpgradeStatusSchema>;

/** `status` of a Neo4jEnterpriseCluster, written by the sync hook. */
export const ClusterStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(
      ObservedGeneration({ description: 'The .metadata.generation this status reflects (neo4j-hooks addition).' }),
    ),
    phase: Type.Optional(
      Type.String({ description: 'Phase of the cluster, for example Initializing, Forming, Ready, Failed or Paused.' }),
    ),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    warnings: Type.Optional(Warnings({ description: 'Validation warnings about the spec, in a stable order (neo4j-hooks addition).' })),
    replicas: Type.Optional(
      Type.Object(
        {
          servers: Type.Optional(Type.Integer({ description: 'Servers wanted.', format: 'int32' })),
          ready: Type.Optional(Type.Integer({ description: 'Servers ready.', format: 'int32' })),
        },
        { description: 'Server counts.' },
      ),
    ),
    endpoints: Type.Optional(Endpoints({ description: 'How to connect to the cluster.' })),
    version: Type.Optional(Type.String({ description: 'Neo4j version (image tag) the servers run.' })),
    lastUpgradeTime: Type.Optional(Timestamp({ description: 'When the last upgrade completed.' })),
    upgradeStatus: Type.Optional(UpgradeStatusSchema),
    plugins: Type.Optional(InstalledPlugins()),
  },
  { description: 'Observed state of the Neo4j Enterprise cluster.' },
);
/** Static type of {@link ClusterStatusSchema}. */
export type ClusterStatus = Static<typeof ClusterStatusSchema>;

/** The Neo4jEnterpriseCluster kind: names, schemas and `kubectl get` columns. */
export const clusterKind: KindDefinition<typeof ClusterSpecSchema, typeof ClusterStatusSchema> = {
  kind: 'Neo4jEnterpriseCluster',
  rootRules: [
    {
      rule: 'size(self.metadata.name) <= 45',
      message: "metadata.name must be at most 45 characters: the server pods' controller-revision-hash label would exceed 63 characters",
    },
  ],
  plural: 'neo4jenterpriseclusters',
  singular: 'neo4jenterprisecluster',
  shortNames: ['n4jc'],
  description: 'A Neo4j Enterprise cluster of 2 to 20 servers.',
  spec: ClusterSpecSchema,
  status: ClusterStatusSchema,
  printerColumns: [
    { name: 'Servers', type: 'integer', jsonPath: '.spec.topology.servers' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
