/**
 * Pod-level pieces every Neo4j pod shares (servers, standalone, backup agent), so they cannot drift.
 */
import type { PodSecurityContext } from 'kubernetes-types/core/v1.js';

/** The uid/gid of the neo4j user in the official image. */
export const NEO4J_POD_UID = 7474;

/** Non-root 7474 with fsGroup and the RuntimeDefault seccomp profile. */
export function neo4jPodSecurityContext(): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NEO4J_POD_UID,
    runAsGroup: NEO4J_POD_UID,
    fsGroup: NEO4J_POD_UID,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
