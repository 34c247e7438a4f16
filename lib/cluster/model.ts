/**
 * Everything derived once from a valid cluster CR that the child builders share: names, labels,
 * version, the rendered configuration and its hash. Builders read this model and never
 * re-derive facts, so one sync computes each fact once.
 */
import type { ClusterSpec } from '../schemas/cluster.js';
import type { Resource } from '../k8s/object.js';
import { contentHash } from '../k8s/hash.js';
import { canonicalResources, parseMemoryBytes } from '../k8s/quantity.js';
import { computeMemory } from '../neo4j/memory.js';
import { renderClusterConf, renderInitialConf } from '../neo4j/config.js';
import { httpConnectorEnabled, renderHealthScript, renderServerRoles, renderStartupScript } from '../neo4j/scripts.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../neo4j/version.js';
import { renderFeatureSections } from '../features/settings.js';
import { clusterFeatures, type ClusterFeatures } from './features.js';
import { clusterNames, type ClusterNames } from './names.js';
import { pluginConf } from '../plugins/target.js';
import type { PluginSet } from '../plugins/merge.js';

/** A Neo4jEnterpriseCluster as the hook receives it. */
export type Cluster = Resource<ClusterSpec>;

/** Default container resources when `spec.resources` is absent (the operator's). */
export const DEFAULT_RESOURCES = {
  limits: { cpu: '1', memory: '2Gi' },
  requests: { cpu: '500m', memory: '1Gi' },
} as const;

/** The ConfigMap content; only the hashed keys restart servers when they change. */
export interface ClusterConfigFiles {
  'neo4j.conf': string;
  'startup.sh': string;
  'health.sh': string;
  /** Read only at first formation (not hashed: changing it must not restart servers). */
  'initial.conf': string;
  /** Per-server roles (not hashed: Neo4j applies them only when a server is first enabled). */
  'server-roles': string;
}

/** Keys of the ConfigMap whose change restarts the servers. */
export const HASHED_CONFIG_KEYS = ['neo4j.conf', 'startup.sh', 'health.sh'] as const;

/** Derived facts of one valid cluster. */
export interface ClusterModel {
  cluster: Cluster;
  name: string;
  namespace: string;
  names: ClusterNames;
  spec: ClusterSpec;
  version: Neo4jVersion;
  image: string;
  /** The Secret with the admin `username` and `password` the servers read. */
  adminSecret: string;
  /** The optional features (TLS, monitoring, placement…) and their neo4j.conf blocks. */
  features: ClusterFeatures;
  resources: NonNullable<ClusterSpec['resources']>;
  files: ClusterConfigFiles;
  /** Hash of the hashed ConfigMap keys, stamped on the pod template. */
  configHash: string;
  /** Servers that host the system database as primaries (not SECONDARY-constrained). */
  systemPrimaries: number;
  /** What the installed Neo4jPlugins add to the servers (lib/plugins); undefined without plugins. */
  plugins?: PluginSet;
}

/** The mode of server `i`: its hint, else the cluster-wide constraint. */
export function serverMode(spec: ClusterSpec, i: number): string {
  return spec.topology.serverRoles?.find((r) => r.serverIndex === i)?.modeConstraint ?? spec.topology.serverModeConstraint ?? 'NONE';
}

/**
 * Builds the model of a cluster whose spec passed validation (the tag parses), with the
 * Neo4jPlugins that join it (lib/plugins/target.ts `targetPlugins`).
 */
export function clusterModel(cluster: Cluster, plugins?: PluginSet): ClusterModel {
  const { spec } = cluster;
  const name = cluster.metadata.name;
  const namespace = cluster.metadata.namespace!;
  const names = clusterNames(name, namespace);
  const parsed = parseNeo4jVersion(spec.image.tag);
  if (!parsed.ok) throw new Error(`clusterModel needs a validated spec: ${parsed.reason}`);
  const resources = canonicalResources(spec.resources ?? structuredClone(DEFAULT_RESOURCES));
  const limit = resources.limits?.memory;
  const userConfig = spec.config ?? {};
  const memory = computeMemory(limit === undefined ? undefined : parseMemoryBytes(limit), userConfig);
  const headlessFqdn = names.serviceFqdn(names.headless);
  let systemPrimaries = 0;
  for (let i = 0; i < spec.topology.servers; i++) if (serverMode(spec, i) !== 'SECONDARY') systemPrimaries++;
  const features = clusterFeatures(cluster, names, parsed.version);
  const files: ClusterConfigFiles = {
    // The features' blocks follow the base file; spec.config keys replace the features' own values.
    'neo4j.conf': renderClusterConf({ version: parsed.version, headlessFqdn, memory, userConfig }) + renderFeatureSections(features.settings, userConfig) + pluginConf(plugins, userConfig),
    'startup.sh': renderStartupScript({ headlessFqdn }),
    'health.sh': renderHealthScript({ http: httpConnectorEnabled(userConfig) }),
    'initial.conf': renderInitialConf(systemPrimaries, userConfig),
    'server-roles': renderServerRoles(spec.topology.serverModeConstraint ?? 'NONE', spec.topology.serverRoles ?? []),
  };
  return {
    cluster,
    name,
    namespace,
    names,
    spec,
    version: parsed.version,
    image: `${spec.image.repo}:${spec.image.tag}`,
    adminSecret: features.adminSecret,
    features,
    resources,
    files,
    configHash: contentHash(HASHED_CONFIG_KEYS.map((k) => `${k}\n${files[k]}`).join('\n')),
    systemPrimaries,
    ...(plugins ? { plugins } : {}),
  };
}
