/**
 * Helpers for Neo4jEnterpriseCluster scenarios on the simulator: the CR, its status, its server
 * pods, and the predicates scenario tests wait for.
 */
import type { K8sObject } from '../../lib/k8s/object.js';
import { CONFIG_HASH_ANNOTATION } from '../../lib/cluster/children.js';
import { clusterNames } from '../../lib/cluster/names.js';
import type { ClusterSpec, ClusterStatus } from '../../lib/schemas/cluster.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import type { Condition } from '../../lib/schemas/types.js';
import { isObject } from './json.js';
import { isPodReady, podRevision } from './kube.js';
import type { Simulator } from './simulator.js';
import type { ObjectRef } from './store.js';

/** The parent kind. */
export const CLUSTER_KIND = 'Neo4jEnterpriseCluster';

/** A cluster under test: its reference and derived names. */
export interface ClusterId {
  namespace: string;
  name: string;
  ref: Required<Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace' | 'name'>>;
  /** `<plural>/<namespace>/<name>`, as round reports name parents. */
  key: string;
  names: ReturnType<typeof clusterNames>;
}

/** Identifies cluster `name` in `namespace`. */
export function clusterId(namespace: string, name: string): ClusterId {
  return {
    namespace,
    name,
    ref: { apiVersion: API_VERSION, kind: CLUSTER_KIND, namespace, name },
    key: `neo4jenterpriseclusters/${namespace}/${name}`,
    names: clusterNames(name, namespace),
  };
}

/** A cluster CR: 3 servers of 5.26.0-enterprise on 10Gi `standard` volumes, with `spec` merged over. */
export function clusterDoc(id: ClusterId, spec: Partial<ClusterSpec> = {}): K8sObject {
  return {
    apiVersion: API_VERSION,
    kind: CLUSTER_KIND,
    metadata: { name: id.name, namespace: id.namespace },
    spec: {
      image: { repo: 'neo4j', tag: '5.26.0-enterprise' },
      topology: { servers: 3 },
      storage: { className: 'standard', size: '10Gi' },
      ...spec,
    },
  };
}

function statusOf(parent: K8sObject | undefined): ClusterStatus | undefined {
  return isObject(parent?.status) ? (parent.status as ClusterStatus) : undefined;
}

/** The cluster's status, or undefined before the first write. */
export function clusterStatus(sim: Simulator, id: ClusterId): ClusterStatus | undefined {
  return statusOf(sim.get(id.ref));
}

/** One condition of the cluster's status. */
export function clusterCondition(sim: Simulator, id: ClusterId, type: string): Condition | undefined {
  return clusterStatus(sim, id)?.conditions?.find((c) => c.type === type);
}

/** The status describes the current generation. */
export function isCurrent(sim: Simulator, id: ClusterId): boolean {
  const parent = sim.get(id.ref);
  return parent !== undefined && statusOf(parent)?.observedGeneration === parent.metadata.generation;
}

function readyIn(parent: K8sObject | undefined): boolean {
  const status = statusOf(parent);
  return (
    parent !== undefined &&
    status !== undefined &&
    status.observedGeneration === parent.metadata.generation &&
    status.phase === 'Ready' &&
    status.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
  );
}

/** Phase Ready with condition Ready=True, for the current generation. */
export function isClusterReady(sim: Simulator, id: ClusterId): boolean {
  return readyIn(sim.get(id.ref));
}

/** The server pods, by ordinal. */
export function serverPods(sim: Simulator, id: ClusterId): K8sObject[] {
  return sim.podsOf(id.namespace, id.names.statefulSet);
}

/** The server StatefulSet. */
export function serverSet(sim: Simulator, id: ClusterId): K8sObject | undefined {
  return sim.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: id.namespace, name: id.names.statefulSet });
}

/** The config-hash annotation of the StatefulSet's pod template. */
export function templateConfigHash(sim: Simulator, id: ClusterId): string | undefined {
  const spec = serverSet(sim, id)?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined;
  return spec?.template?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}

/** The config-hash annotation of a pod. */
export function podConfigHash(pod: K8sObject): string | undefined {
  return pod.metadata.annotations?.[CONFIG_HASH_ANNOTATION];
}

/** Pod name → uid: a pod that was recreated gets a new uid. */
export function podUids(pods: readonly K8sObject[]): Record<string, string> {
  return Object.fromEntries(pods.map((p) => [p.metadata.name, p.metadata.uid ?? '']));
}

/**
 * Ready, Progressing=False, and every wanted server pod ready on the StatefulSet's update
 * revision: nothing left to roll out.
 */
export function isRolledOut(sim: Simulator, id: ClusterId): boolean {
  const parent = sim.get(id.ref);
  if (!readyIn(parent) || statusOf(parent)?.conditions?.find((c) => c.type === 'Progressing')?.status !== 'False') return false;
  const set = serverSet(sim, id);
  const revision = isObject(set?.status) ? set.status.updateRevision : undefined;
  const pods = serverPods(sim, id);
  const wanted = (set?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
  return pods.length === wanted && pods.every((p) => isPodReady(p) && podRevision(p) === revision);
}

/** `<kind>/<name>` of every object Metacontroller created, deleted or changed in these writes. */
export function changedChildren(writes: ReadonlyArray<{ actor: string; verb: string; kind: string; name: string }>, verbs = ['create', 'update', 'delete']): string[] {
  return writes.filter((w) => w.actor === 'metacontroller' && verbs.includes(w.verb)).map((w) => `${w.verb} ${w.kind}/${w.name}`);
}
