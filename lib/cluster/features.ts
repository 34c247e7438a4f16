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
import { findObserved } from '../k8s/observed.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { PORTS } from '../neo4j/config.js';
import type { QueryMonitoring } from '../schemas/shared.js';
import { featureConflicts, type FeatureSettings } from '../features/settings.js';
import { buildCertificate, CERT_MANAGER_API, certificateWarning, deploymentTls, serviceDnsNames, tlsModeOf, type DeploymentTls, type TlsSource } from '../tls/certificate.js';
import { tlsFindings } from '../tls/findings.js';
import { tlsSettings } from '../tls/settings.js';
import { adminSecretFor, authExternalSecretFindings, buildExternalSecret } from '../secrets/external-secret.js';
import { buildIngress, ingressEnabled, ingressErrors } from '../exposure/ingress.js';
import { alertRules, buildMetricsService, buildPrometheusRule, buildServiceMonitor } from '../monitoring/children.js';
import { monitoringEnabled, monitoringErrors, monitoringSettings, monitoringWarnings, slowQueryMillis } from '../monitoring/settings.js';
import { serverPlacement, type ServerPlacement } from '../placement/scheduling.js';
import { resolveZones, zoneFindings } from '../placement/zones.js';
import { clusterLabels, serverSelector } from './labels.js';
import type { Cluster, ClusterModel } from './model.js';
import { CLUSTER_DOMAIN, type ClusterNames } from './names.js';

/** Who provides the TLS Secret `<c>-tls-secret` (shared with standalones: lib/tls/certificate.ts). */
export type { TlsSource };

/** TLS as the cluster runs it (the shared {@link DeploymentTls}). */
export type ClusterTls = DeploymentTls;

/** Which optional features a cluster uses, derived from the CR alone. */
export interface ClusterFeatures {
  /** Present when spec.tls.mode is cert-manager (the CRD default of a present tls block). */
  tls?: ClusterTls;
  /** Present when spec.queryMonitoring is present and not disabled. */
  monitoring?: QueryMonitoring;
  placement: ServerPlacement;
  /** The Secret with `username` and `password` the servers read. */
  adminSecret: string;
  /** The features' neo4j.conf blocks, in file order. */
  settings: FeatureSettings[];
}

/** The TLS mode of a spec: a present tls block without mode is cert-manager (the CRD default). */
export function tlsMode(spec: Cluster['spec']): string {
  return tlsModeOf(spec.tls);
}

/**
 * The Secret the servers take their admin credentials from: spec.auth.adminSecret, else the
 * auth ExternalSecret's target `<c>-auth-secret` when spec.auth.externalSecrets is enabled,
 * else `neo4j-admin-secret`.
 */
export function adminSecretOf(spec: Cluster['spec'], names: ClusterNames): string {
  return adminSecretFor(spec.auth, names.authSecret);
}

/** The features of `cluster` for image `version`. Pure on the CR: never reads observed objects. */
export function clusterFeatures(cluster: Cluster, names: ClusterNames, version: Neo4jVersion): ClusterFeatures {
  const { spec } = cluster;
  const tls = deploymentTls(spec.tls, cluster.metadata.annotations);
  const monitoring = monitoringEnabled(spec.queryMonitoring) ? spec.queryMonitoring : undefined;
  return {
    ...(tls ? { tls } : {}),
    ...(monitoring ? { monitoring } : {}),
    placement: serverPlacement(spec.topology, spec.affinity, serverSelector(cluster.metadata.name)),
    adminSecret: adminSecretOf(spec, names),
    settings: [...(tls ? [tlsSettings(version, tls.trust, 'cluster')] : []), ...(monitoring ? [monitoringSettings(monitoring)] : [])],
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
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const findings of [
    tlsFindings({ shape: 'cluster', annotations: cluster.metadata.annotations, tls: spec.tls, deployment: features.tls, tlsSecret: names.tlsSecret }),
    authExternalSecretFindings(spec.auth, names.authSecret, 'cluster'),
  ]) {
    errors.push(...findings.errors);
    warnings.push(...findings.warnings);
  }
  const conflicts = featureConflicts(features.settings, spec.config ?? {});
  errors.push(...conflicts.errors);
  warnings.push(...conflicts.warnings);
  errors.push(...monitoringErrors(spec.queryMonitoring));
  warnings.push(...monitoringWarnings(spec.queryMonitoring));
  errors.push(...ingressErrors(spec.service?.ingress, 'spec.service.ingress'));
  warnings.push(...features.placement.warnings);
  const zones = zoneFindings(spec.topology, resolveZones(spec.topology, request.related));
  errors.push(...zones.errors);
  warnings.push(...zones.warnings);
  if (features.tls?.source === 'cert-manager') {
    const observed = findObserved(request.children, 'Certificate', CERT_MANAGER_API, names.certificate, cluster.metadata.namespace);
    const notReady = certificateWarning(observed, names.tlsSecret, 'cluster');
    if (notReady) warnings.push(notReady);
  }
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
  const { spec, names, namespace, name, features } = model;
  const labels = (role: string) => clusterLabels(name, spec.image.tag, role);
  const children: K8sObject[] = [];
  if (features.tls?.source === 'cert-manager') {
    children.push(
      buildCertificate({
        name: names.certificate,
        namespace,
        labels: labels('tls'),
        secretName: names.tlsSecret,
        tls: spec.tls!,
        commonName: names.serviceFqdn(names.client),
        dnsNames: certificateDnsNames(model),
      }),
    );
  }
  const externals = [
    { config: spec.tls?.externalSecrets, name: names.tlsExternalSecret, target: names.tlsSecret },
    { config: spec.auth?.externalSecrets, name: names.authExternalSecret, target: names.authSecret },
  ];
  for (const { config, name: esName, target } of externals) {
    if (config?.enabled) children.push(buildExternalSecret({ name: esName, namespace, labels: labels('external-secret'), targetName: target, config }));
  }
  const ingress = spec.service?.ingress;
  if (ingressEnabled(ingress)) {
    children.push(buildIngress({ name: names.ingress, namespace, labels: labels('ingress'), serviceName: names.client, servicePort: PORTS.http, spec: ingress }));
  }
  const monitoring = features.monitoring;
  if (monitoring) {
    const serviceLabels = labels('metrics');
    children.push(buildMetricsService({ namespace, serviceName: names.metrics, serviceLabels, selector: serverSelector(name) }));
    children.push(
      buildServiceMonitor({
        name: names.serviceMonitor,
        namespace,
        labels: labels('query-monitoring'),
        serviceSelector: { 'neo4j.com/cluster': name, 'neo4j.com/role': 'metrics' },
        interval: monitoring.metricsExport?.interval,
      }),
    );
    if (monitoring.metricsExport?.prometheus) {
      const rules = alertRules({ namespace, serviceName: names.metrics, slowQueryMillis: slowQueryMillis(monitoring) ?? 0, clustered: true });
      children.push(buildPrometheusRule({ name: names.prometheusRule, namespace, labels: labels('query-alerts'), rules }));
    }
  }
  return children;
}
