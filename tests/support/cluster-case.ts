/**
 * Small helpers for field-level Neo4jEnterpriseCluster tests: a valid CR to start from, one sync
 * through the same path as the HTTP hook (admission, request, contract enforcement), and lookups
 * into the response.
 */
import type { Container, PodSpec, Service } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview } from '../../lib/hook/preview.js';
import type { SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { confEntries } from './rendered-config.js';

/** The clock of every field-level case. */
export const NOW = new Date('2026-01-01T00:00:00Z');

/** A CR as a user writes it; the spec is loosely typed on purpose (tests write what YAML can). */
export type LooseCluster = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any> };

/** A valid 3-server 2025.06 cluster `graph` in namespace `ns`, optionally changed by `mutate`. */
export function clusterDoc(mutate?: (doc: LooseCluster) => void): LooseCluster {
  const doc: LooseCluster = {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'graph', namespace: 'ns', uid: 'uid-graph', generation: 1 },
    spec: {
      image: { repo: 'neo4j', tag: '2025.06.0-enterprise' },
      topology: { servers: 3 },
      storage: { className: 'standard', size: '10Gi' },
    },
  };
  mutate?.(doc);
  return doc;
}

/** One sync of `doc` against `observed` (children and related objects). */
export function sync(doc: LooseCluster, observed: readonly K8sObject[] = []): SyncResponse {
  return preview(structuredClone(doc), observed, { now: NOW }).response;
}

/** The child of `kind` named `name`, or undefined. */
export function child<T = K8sObject>(response: SyncResponse, kind: string, name: string): (T & K8sObject) | undefined {
  return response.children.find((c) => c.kind === kind && c.metadata.name === name) as (T & K8sObject) | undefined;
}

/** Names of the children, as `Kind/name`. */
export function childIds(response: SyncResponse): string[] {
  return response.children.map((c) => `${c.kind}/${c.metadata.name}`);
}

/** The server StatefulSet `graph-server` (throws when absent). */
export function serverSet(response: SyncResponse, name = 'graph'): StatefulSet & K8sObject {
  const sts = child<StatefulSet>(response, 'StatefulSet', `${name}-server`);
  if (!sts) throw new Error(`no StatefulSet ${name}-server among ${childIds(response).join(', ')}`);
  return sts;
}

/** The server pod spec. */
export function podSpec(response: SyncResponse, name = 'graph'): PodSpec {
  return serverSet(response, name).spec!.template.spec!;
}

/** The `neo4j` container. */
export function neo4jContainer(response: SyncResponse, name = 'graph'): Container {
  return podSpec(response, name).containers.find((c) => c.name === 'neo4j')!;
}

/** A Service child. */
export function service(response: SyncResponse, name: string): (Service & K8sObject) | undefined {
  return child<Service>(response, 'Service', name);
}

/** neo4j.conf of the cluster ConfigMap as `key → value` (throws on a repeated key other than server.jvm.additional). */
export function conf(response: SyncResponse, name = 'graph'): Map<string, string> {
  const configMap = child<{ data: Record<string, string> }>(response, 'ConfigMap', `${name}-config`);
  if (!configMap) throw new Error(`no ConfigMap ${name}-config`);
  const map = new Map<string, string>();
  for (const { key, value } of confEntries(configMap.data['neo4j.conf']!)) {
    if (map.has(key) && key !== 'server.jvm.additional') throw new Error(`neo4j.conf repeats ${key}`);
    map.set(key, value);
  }
  return map;
}

/** The status warnings (empty when none). */
export function warnings(response: SyncResponse): string[] {
  return (response.status.warnings as string[] | undefined) ?? [];
}

/** A Node with the given zone label (none when `zone` is undefined), as a related object. */
export function node(name: string, zone?: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}) } },
  };
}
