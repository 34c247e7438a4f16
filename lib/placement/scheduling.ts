/**
 * spec.topology.placement as pod scheduling rules, with the operator's defaults (operator.md §9):
 * one topology spread constraint (key `topology.kubernetes.io/zone`, maxSkew 1, DoNotSchedule
 * unless ScheduleAnyway) and one pod anti-affinity term (key `topology.kubernetes.io/zone`,
 * required when `type: required` or distribution is enforced, else preferred with weight 100).
 * Both select the server pods only. The user's affinity is kept, except that an enabled
 * anti-affinity replaces the user's podAntiAffinity, as the operator did (with a warning here).
 */
import type { Affinity, PodAffinityTerm, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { Topology } from '../schemas/cluster.js';
import { ZONE_LABEL } from './zones.js';

/** The scheduling fields of the server pod template, and what the user should know. */
export interface ServerPlacement {
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  warnings: string[];
}

/** The spread constraint of an enabled `placement.topologySpread`, or undefined. */
function spreadConstraint(topology: Topology, selector: Record<string, string>, warnings: string[]): TopologySpreadConstraint | undefined {
  const spread = topology.placement?.topologySpread;
  if (!spread?.enabled) return undefined;
  const whenUnsatisfiable = spread.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule';
  const minDomains = spread.minDomains !== undefined && spread.minDomains > 0 ? spread.minDomains : undefined;
  if (minDomains !== undefined && whenUnsatisfiable !== 'DoNotSchedule') {
    warnings.push('spec.topology.placement.topologySpread.minDomains is not used: Kubernetes allows it only with whenUnsatisfiable DoNotSchedule');
  }
  return {
    maxSkew: spread.maxSkew !== undefined && spread.maxSkew > 0 ? spread.maxSkew : 1,
    topologyKey: spread.topologyKey || ZONE_LABEL,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...selector } },
    ...(minDomains !== undefined && whenUnsatisfiable === 'DoNotSchedule' ? { minDomains } : {}),
  };
}

/**
 * The scheduling rules of the server pods: `userAffinity` (spec.affinity) with the placement's
 * anti-affinity, and the placement's spread constraint; `selector` selects the server pods.
 */
export function serverPlacement(topology: Topology, userAffinity: Record<string, unknown> | undefined, selector: Record<string, string>): ServerPlacement {
  const warnings: string[] = [];
  const placement = topology.placement;
  let affinity = userAffinity ? (structuredClone(userAffinity) as Affinity) : undefined;
  const anti = placement?.antiAffinity;
  if (anti?.enabled) {
    if (affinity?.podAntiAffinity) {
      warnings.push('spec.affinity.podAntiAffinity is replaced by spec.topology.placement.antiAffinity (disable one of them)');
    }
    const term: PodAffinityTerm = { labelSelector: { matchLabels: { ...selector } }, topologyKey: anti.topologyKey || ZONE_LABEL };
    const required = anti.type === 'required' || topology.enforceDistribution === true;
    affinity = {
      ...affinity,
      podAntiAffinity: required
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
  }
  const spread = spreadConstraint(topology, selector, warnings);
  if (placement?.nodeSelector && Object.keys(placement.nodeSelector).length > 0) {
    warnings.push('spec.topology.placement.nodeSelector is not used: set spec.nodeSelector to choose the servers\' Nodes');
  }
  if (placement?.requiredDuringScheduling !== undefined) {
    warnings.push('spec.topology.placement.requiredDuringScheduling is not used: set spec.topology.placement.antiAffinity.type to required');
  }
  return {
    ...(affinity ? { affinity } : {}),
    ...(spread ? { topologySpreadConstraints: [spread] } : {}),
    warnings,
  };
}
