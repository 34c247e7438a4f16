/**
 * Names of everything a Neo4jEnterpriseStandalone owns or points at, from the CR name `<s>`. The
 * operator's names are kept (users' scripts, Secrets and existing objects refer to them):
 * `<s>-config`, `<s>-service`, StatefulSet `<s>` with PVC `neo4j-data-<s>-0`.
 */
import { CLUSTER_DOMAIN } from '../cluster/names.js';

/** Name of the data volume claim template; the pod's PVC is `neo4j-data-<s>-0`. */
export const DATA_VOLUME = 'neo4j-data';

/** All derived names of standalone `s` in namespace `namespace`. */
export function standaloneNames(s: string, namespace: string) {
  return {
    config: `${s}-config`,
    /** The client Service (operator name; the 2026 operator renamed it `<s>-client`). */
    service: `${s}-service`,
    /** The headless Service governing the StatefulSet: pod DNS and the in-cluster backup port. */
    headless: `${s}-headless`,
    statefulSet: s,
    pod: `${s}-0`,
    dataClaim: `${DATA_VOLUME}-${s}-0`,
    /** The cert-manager Certificate (the operator's name) and the Secret it issues, which the pod mounts. */
    certificate: `${s}-tls-cert`,
    tlsSecret: `${s}-tls-secret`,
    tlsExternalSecret: `${s}-tls-external-secret`,
    authExternalSecret: `${s}-auth-external-secret`,
    /** The Secret the auth ExternalSecret writes (and the pod reads when spec.auth.adminSecret is unset). */
    authSecret: `${s}-auth-secret`,
    ingress: `${s}-ingress`,
    metrics: `${s}-metrics`,
    serviceMonitor: `${s}-query-monitoring`,
    prometheusRule: `${s}-query-alerts`,
    /** DNS name of a Service of the standalone. */
    serviceFqdn: (service: string) => `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`,
  };
}

/** Names of one standalone (see {@link standaloneNames}). */
export type StandaloneNames = ReturnType<typeof standaloneNames>;
