/**
 * The Neo4jEnterpriseCluster reconciler: a valid spec gives the complete child set (ConfigMap,
 * ServiceAccount, four Services, the server StatefulSet, a PodDisruptionBudget, plus the
 * children of the optional features the spec enables: Certificate, ExternalSecrets, Ingress,
 * metrics Service, ServiceMonitor, PrometheusRule); an invalid spec, or an image change Neo4j
 * cannot take, freezes the children exactly as last applied and says why in status. The
 * StatefulSet's immutable fields are kept as observed once it exists. Pod template changes roll
 * one server at a time through the StatefulSet partition (lib/cluster/upgrade.ts); a scale-in first
 * drains the departing servers with a Job (lib/cluster/scale.ts). Nodes are read (through
 * customize) only by CRs whose placement needs zones they do not list; the namespace's
 * Neo4jPlugins always, and those naming this cluster are merged into its pods (lib/plugins).
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { clusterKind } from '../schemas/cluster.js';
import type { ChildResource, Desired, HookRequest, Reconciler } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { frozenChildren } from '../k8s/frozen.js';
import { keepImmutableFields } from '../k8s/statefulset.js';
import { parseNeo4jVersion } from '../neo4j/version.js';
import { NODE_RELATED, needsZoneDiscovery, nodesRule } from '../placement/zones.js';
import { observedPluginStatus, PLUGIN_RELATED, pluginsRule, targetPlugins } from '../plugins/target.js';
import { buildConfigMap, buildPodDisruptionBudget, buildServiceAccount, buildServices, buildStatefulSet } from './children.js';
import { FEATURE_EXPOSURE_CHILDREN, FEATURE_SECRET_CHILDREN } from '../features/deployment.js';
import { featureChildren, featureFindings } from './features.js';
import { backupAgentChildren, backupAgentFindings } from './backup-agent.js';
import { clusterModel, type Cluster } from './model.js';
import { clusterNameError, clusterNames } from './names.js';
import { observeServerSet, podTemplateChanged, type ServerSetObservation } from './observation.js';
import { committedDrain, observeDrainJobs, planScale } from './scale.js';
import { clusterStatus } from './status.js';
import { planRollout, upgradePathError, withRollout } from './upgrade.js';
import { validateCluster } from './validate.js';

/** Child types of a cluster, in the order Metacontroller should create them. */
export const CLUSTER_CHILDREN: readonly ChildResource[] = [
  ...FEATURE_SECRET_CHILDREN,
  { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' },
  { apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', updateStrategy: 'InPlace' },
  { apiVersion: 'v1', kind: 'Service', resource: 'services', updateStrategy: 'InPlace' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', resource: 'statefulsets', updateStrategy: 'InPlace' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', updateStrategy: 'InPlace' },
  // Drain Jobs of a scale-in (lib/cluster/scale.ts): one per decision, never re-run or replaced.
  { apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' },
  ...FEATURE_EXPOSURE_CHILDREN,
];

/** Re-exported from its shared home, lib/k8s/frozen.ts, for existing importers. */
export { frozenChildren };

/**
 * The StatefulSet with its immutable fields as the server holds them; a requested storage change
 * becomes a warning.
 */
function keepImmutable(desired: StatefulSet & K8sObject, observed: ServerSetObservation | undefined, warnings: string[]): StatefulSet & K8sObject {
  const { statefulSet, refused } = keepImmutableFields(desired, observed?.object);
  if (refused.includes('volumeClaimTemplates')) {
    warnings.push(
      `spec.storage changes cannot be applied to StatefulSet ${desired.metadata.name}: its volumeClaimTemplates are immutable, so the servers keep their existing volumes (expand the data-${desired.metadata.name}-* PVCs directly if the StorageClass allows it)`,
    );
  }
  return statefulSet;
}

function syncCluster(request: HookRequest<Cluster>): Desired {
  const cluster = request.parent;
  const namespace = cluster.metadata.namespace!;
  const names = clusterNames(cluster.metadata.name, namespace);
  const observed = observeServerSet(request.children, names.statefulSet, namespace);
  const { errors, warnings } = validateCluster(cluster.spec);
  const nameError = clusterNameError(cluster.metadata.name);
  if (nameError) errors.unshift(nameError);
  const parsed = parseNeo4jVersion(cluster.spec.image.tag);
  if (parsed.ok) {
    const findings = featureFindings(request, names, parsed.version);
    errors.push(...findings.errors);
    warnings.push(...findings.warnings);
  }
  const agentFindings = backupAgentFindings(cluster.spec, cluster.metadata.name);
  errors.push(...agentFindings.errors);
  warnings.push(...agentFindings.warnings);
  const plugins = parsed.ok ? targetPlugins(request, 'Neo4jEnterpriseCluster', parsed.version) : undefined;
  warnings.push(...(plugins?.warnings ?? []));
  if (errors.length === 0) {
    const refused = upgradePathError(cluster, observed);
    if (refused) errors.push(refused);
  }
  if (errors.length > 0) {
    const { status } = clusterStatus({ request, names, observed, warnings, errors, rolling: false });
    return { status: { ...status, ...observedPluginStatus(observed?.object) }, children: frozenChildren(request, CLUSTER_CHILDREN) };
  }
  const model = clusterModel(cluster, plugins?.set);
  const built = keepImmutable(buildStatefulSet(model), observed, warnings);
  // Rollouts (lib/cluster/upgrade.ts) and scaling (lib/cluster/scale.ts): whichever started first finishes first.
  const drains = observeDrainJobs(request.children, cluster.metadata.name, namespace);
  const rollout = planRollout({ cluster, names, desired: built, observed, now: request.now, holdSteps: committedDrain(drains, observed) !== undefined });
  const scale = planScale({ model, observed, jobs: drains, rolloutActive: rollout.active });
  warnings.push(...scale.warnings);
  const statefulSet = withRollout({ ...built, spec: { ...built.spec!, replicas: scale.replicas } }, rollout);
  // The centralized backup agent of spec.backups (lib/cluster/backup-agent.ts).
  const agent = backupAgentChildren(model, request.children);
  warnings.push(...agent.warnings);
  const children = [
    buildConfigMap(model),
    buildServiceAccount(model),
    ...buildServices(model),
    statefulSet,
    buildPodDisruptionBudget(model),
    ...featureChildren(model),
    ...agent.children,
    ...scale.jobs,
  ];
  const lifecycle = { ...(rollout.report ? { rollout: rollout.report } : {}), ...(scale.condition ? { scalingDown: scale.condition } : {}), settling: scale.settling };
  const { status, resyncAfterSeconds } = clusterStatus({ request, names, observed, warnings, errors, rolling: podTemplateChanged(statefulSet, observed), lifecycle });
  return { status: { ...status, ...observedPluginStatus(observed?.object) }, children, ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
}

/** The registered reconciler of Neo4jEnterpriseCluster. */
export const clusterReconciler: Reconciler<Cluster> = {
  kind: clusterKind,
  children: CLUSTER_CHILDREN,
  related: [NODE_RELATED, PLUGIN_RELATED],
  sync: syncCluster,
  // Nodes only when zones must be discovered; the namespace's Neo4jPlugins always.
  customize: (parent) => [...(needsZoneDiscovery(parent.spec?.topology) ? [nodesRule()] : []), pluginsRule(parent.metadata.namespace ?? '')],
};
