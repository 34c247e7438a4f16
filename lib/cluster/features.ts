/**
 * The optional features of a Neo4jEnterpriseCluster, on top of the shared modules: TLS
 * (lib/tls), External Secrets (lib/secrets), placement (lib/placement), the Ingress
 * (lib/exposure) and monitoring (lib/monitoring). This module decides, from the CR alone, which
 * features are on and how (clusterFeatures), checks what the shared modules cannot see alone
 * (featureFindings, which also reads related Nodes and the observed Certificate), and builds the
 * features' children (featureChildren). Every feature is off unless its block asks for it, so a
 * CR without these blocks gets exactly the base child set.
 */
import type { HookRequest } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { certificateNotReady, deploymentFeatures, deploymentFeatureChildren, featureSpecFindings, type DeploymentFeatures } from '../features/deployment.js';
import { serviceDnsNames } from '../tls/certificate.js';
import { serverPlacement, type ServerPlacement } from '../placement/scheduling.js';
import { resolveZones, zoneFindings } from '../placement/zones.js';
import { clusterLabels, serverSelector } from './labels.js';
import type { Cluster, ClusterModel } from './model.js';
import { CLUSTER_DOMAIN, type ClusterNames } from './names.js';

/** Which optional features a cluster uses (the shared {@link DeploymentFeatures}), and its server placement. */
export interface ClusterFeatures extends DeploymentFeatures {
  placement: ServerPlacement;
}

/** The features of `cluster` for image `version`. Pure on the CR: never reads observed objects. */
export function clusterFeatures(cluster: Cluster, names: ClusterNames, version: Neo4jVersion): ClusterFeatures {
  const { spec } = cluster;
  return {
    ...deploymentFeatures(spec, cluster.metadata.annotations, version, 'cluster', names.authSecret),
    placement: serverPlacement(spec.topology, spec.affinity, serverSelector(cluster.metadata.name)),
  };
}

/**
 * What the features' blocks get wrong beyond the operator's rules (which validateCluster checks),
 * and what the user should know: spec.config keys a feature owns or overrides, issuability of
 * the Certificate, External Secrets the pods depend on, Ingress and monitoring values the API
 * server or Neo4j would refuse, zones (from related Nodes when the CR lists none), and a
 * Certificate cert-manager reports not ready. Deterministic order: TLS, auth, spec.config,
 * monitoring, Ingress, placement, then the observed Certificate.
 */
export function featureFindings(request: HookRequest<Cluster>, names: ClusterNames, version: Neo4jVersion): { errors: string[]; warnings: string[] } {
  const cluster = request.parent;
  const { spec } = cluster;
  const features = clusterFeatures(cluster, names, version);
  const { errors, warnings } = featureSpecFindings({ shape: 'cluster', spec, annotations: cluster.metadata.annotations, features, names, metricsService: names.metrics });
  warnings.push(...features.placement.warnings);
  const zones = zoneFindings(spec.topology, resolveZones(spec.topology, request.related));
  errors.push(...zones.errors);
  warnings.push(...zones.warnings);
  const notReady = certificateNotReady(request, features, names, 'cluster');
  if (notReady) warnings.push(notReady);
  return { errors, warnings };
}

/**
 * The DNS names of the cluster certificate: the client, internals and headless Services in their
 * four forms, and each server's stable name under the headless Service (what servers advertise
 * and dial, so hostname verification succeeds). Changes with the server count: scaling reissues
 * the certificate, it never touches the pods of running servers.
 */
export function certificateDnsNames(model: ClusterModel): string[] {
  const { names, namespace } = model;
  return [
    ...[names.client, names.internals, names.headless].flatMap((service) => serviceDnsNames(service, namespace, CLUSTER_DOMAIN)),
    ...Array.from({ length: model.spec.topology.servers }, (_, i) => serviceDnsNames(`${names.pod(i)}.${names.headless}`, namespace, CLUSTER_DOMAIN)).flat(),
  ];
}

/** The children of the enabled features (none for a CR that enables none). */
export function featureChildren(model: ClusterModel): K8sObject[] {
  const { spec, names, name } = model;
  return deploymentFeatureChildren({
    namespace: model.namespace,
    spec,
    features: model.features,
    names,
    labels: (role) => clusterLabels(name, spec.image.tag, role),
    clientService: names.client,
    certificateSubject: () => ({ commonName: names.serviceFqdn(names.client), dnsNames: certificateDnsNames(model) }),
    serverSelector: serverSelector(name),
    metricsServiceSelector: { 'neo4j.com/cluster': name, 'neo4j.com/role': 'metrics' },
    clustered: true,
  });
}
