/**
 * Names of everything a Neo4jEnterpriseCluster owns or points at, from the CR name `<c>`: the
 * operator's names (they are part of the external API: users' scripts and Secrets refer to them).
 */

/** All derived names of cluster `c` in namespace `namespace`. */
export function clusterNames(c: string, namespace: string) {
  const headless = `${c}-headless`;
  const statefulSet = `${c}-server`;
  return {
    config: `${c}-config`,
    serviceAccount: `${c}-discovery`,
    headless,
    discovery: `${c}-discovery`,
    internals: `${c}-internals`,
    client: `${c}-client`,
    statefulSet,
    podDisruptionBudget: `${c}-server`,
    certificate: `${c}-tls`,
    tlsSecret: `${c}-tls-secret`,
    tlsExternalSecret: `${c}-tls-external-secret`,
    authExternalSecret: `${c}-auth-external-secret`,
    /** The Secret the auth ExternalSecret writes (and the pods read when spec.auth.adminSecret is unset). */
    authSecret: `${c}-auth-secret`,
    ingress: `${c}-ingress`,
    metrics: `${c}-metrics`,
    serviceMonitor: `${c}-query-monitoring`,
    prometheusRule: `${c}-query-alerts`,
    /** PVC of server i: `data-<c>-server-<i>`. */
    dataClaim: (i: number) => `data-${statefulSet}-${i}`,
    /** Pod name of server i. */
    pod: (i: number) => `${statefulSet}-${i}`,
    /** Stable DNS name of server i through the headless Service. */
    podFqdn: (i: number) => `${statefulSet}-${i}.${headless}.${namespace}.svc.${CLUSTER_DOMAIN}`,
    /** DNS name of a Service of the cluster. */
    serviceFqdn: (service: string) => `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`,
  };
}

/** Names of one cluster (see {@link clusterNames}). */
export type ClusterNames = ReturnType<typeof clusterNames>;

/** Kubernetes' default cluster DNS domain, as the operator assumed. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** Default Secret holding the admin `username` and `password`. */
export const DEFAULT_ADMIN_SECRET = 'neo4j-admin-secret';

/**
 * Longest cluster name whose server pods can exist: Kubernetes labels each pod with
 * `controller-revision-hash: <c>-server-<10-character hash>`, and a label value has at most 63
 * characters.
 */
export const MAX_CLUSTER_NAME = 45;

/** The error for a cluster name too long for its pods, or undefined. */
export function clusterNameError(name: string): string | undefined {
  return name.length > MAX_CLUSTER_NAME
    ? `metadata.name must be at most ${MAX_CLUSTER_NAME} characters (it has ${name.length}): the server pods' controller-revision-hash label would exceed 63 characters`
    : undefined;
}
