/**
 * Pod-level pieces every Neo4j pod shares (servers, standalone, backup agent, backup and
 * cypher-shell Jobs), so they cannot drift.
 */
import type { PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.js';

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

/**
 * The security context of a container running a Neo4j image: the neo4j user (uid/gid 7474), no
 * privilege escalation, every capability dropped. A new object per call (callers may extend it).
 */
export function neo4jContainerSecurityContext(): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NEO4J_POD_UID,
    runAsGroup: NEO4J_POD_UID,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
}
