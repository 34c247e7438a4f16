/**
 * Availability zones of a topology: the CR's `availabilityZones`, else the distinct
 * `topology.kubernetes.io/zone` labels of the cluster's Nodes, which the hook reads as related
 * objects (its customize hook asks for Nodes only when a CR needs zones). Zones only feed checks:
 * enforced distribution (the operator's messages) and warnings about uneven spreads; the spread
 * itself is the scheduler's job (scheduling.ts).
 */
import type { RelatedResource } from '../hook/reconciler.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import type { Topology } from '../schemas/cluster.js';
import type { K8sObject } from '../k8s/object.js';
import { listObserved, type ObservedMap } from '../k8s/observed.js';

/** The well-known Node label naming a Node's zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Nodes as a related type (cluster-scoped: needs hook API v2). */
export const NODE_RELATED: RelatedResource = { apiVersion: 'v1', kind: 'Node', resource: 'nodes' };

/** The customize rule asking Metacontroller for every Node. */
export function nodesRule(): RelatedResourceRule {
  return { apiVersion: NODE_RELATED.apiVersion, resource: NODE_RELATED.resource, labelSelector: {} };
}

/** Whether topology spread or pod anti-affinity is switched on. */
export function placementEnabled(topology: Topology): boolean {
  return topology.placement?.topologySpread?.enabled === true || topology.placement?.antiAffinity?.enabled === true;
}

/** Whether zone checks apply: placement is on or distribution is enforced. */
export function zonesMatter(topology: Topology): boolean {
  return placementEnabled(topology) || topology.enforceDistribution === true;
}

/** Whether the zones must come from the Nodes: they matter and the CR lists none. */
export function needsZoneDiscovery(topology: Topology | undefined): boolean {
  return topology !== undefined && zonesMatter(topology) && !(topology.availabilityZones?.length);
}

/** The distinct, sorted, non-empty zone labels of `nodes`. */
export function zonesFromNodes(nodes: readonly K8sObject[]): string[] {
  const zones = new Set<string>();
  for (const node of nodes) {
    const zone = node.metadata.labels?.[ZONE_LABEL];
    if (typeof zone === 'string' && zone !== '') zones.add(zone);
  }
  return [...zones].sort();
}

/** Where a topology's zones come from. */
export interface ResolvedZones {
  zones: string[];
  source: 'spec' | 'nodes' | 'none';
  /** Nodes observed (source `nodes` only). */
  nodes: number;
}

/**
 * The zones of `topology` when they matter (placement on or distribution enforced; source `none`
 * otherwise): its list (deduplicated, in order), else those of the related Nodes.
 */
export function resolveZones(topology: Topology, related: ObservedMap): ResolvedZones {
  if (!zonesMatter(topology)) return { zones: [], source: 'none', nodes: 0 };
  if (topology.availabilityZones?.length) return { zones: [...new Set(topology.availabilityZones)], source: 'spec', nodes: 0 };
  const nodes = listObserved(related, NODE_RELATED.kind, NODE_RELATED.apiVersion);
  return { zones: zonesFromNodes(nodes), source: 'nodes', nodes: nodes.length };
}

/** The operator's enforced-distribution errors for `servers` servers over `zones` zones. */
export function distributionErrors(servers: number, zones: number): string[] {
  const verb = zones === 1 ? 'is' : 'are';
  if (servers > zones) {
    return [`cannot enforce distribution: ${servers} servers require at least ${servers} availability zones, but only ${zones} ${verb} available`];
  }
  if (zones < 2) return [`enforced distribution requires at least 2 availability zones, but only ${zones} ${verb} available`];
  return [];
}

/**
 * Findings about the zones of a topology. Errors: enforced distribution over discovered zones (a
 * listed `availabilityZones` is checked with the spec, lib/cluster/validate.ts). Warnings: Nodes
 * that name no zone, a server count the zones cannot divide evenly, required zone anti-affinity
 * with fewer zones than servers.
 */
export function zoneFindings(topology: Topology, resolved: ResolvedZones): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (resolved.source === 'none') return { errors, warnings };
  const { servers } = topology;
  const count = resolved.zones.length;
  if (resolved.source === 'nodes') {
    if (resolved.nodes === 0) {
      warnings.push(
        `availability zones could not be discovered: no Node was observed (the CompositeController must use hook API v2 and Metacontroller must be allowed to list Nodes); set spec.topology.availabilityZones to list them`,
      );
    } else if (count === 0) {
      warnings.push(`availability zones could not be discovered: none of the ${resolved.nodes} Nodes has the label ${ZONE_LABEL}`);
    }
    if (topology.enforceDistribution) errors.push(...distributionErrors(servers, count));
  }
  if (count > 0 && servers % count !== 0) {
    const low = Math.floor(servers / count);
    warnings.push(
      `${servers} servers cannot be spread evenly across ${count} availability zones (${resolved.zones.join(', ')}): ` +
        `some zones host ${low + 1} servers, others ${low}`,
    );
  }
  const anti = topology.placement?.antiAffinity;
  const required = anti?.type === 'required' || topology.enforceDistribution === true;
  if (anti?.enabled && required && !topology.enforceDistribution && (anti.topologyKey || ZONE_LABEL) === ZONE_LABEL && count > 0 && servers > count) {
    warnings.push(
      `required pod anti-affinity on ${ZONE_LABEL} allows one server per zone: ${servers - count} of ${servers} servers cannot be scheduled in ${count} zones`,
    );
  }
  return { errors, warnings };
}
