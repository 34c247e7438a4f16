/**
 * The optional features of a Neo4jEnterpriseStandalone, built from the modules the cluster uses:
 * TLS (lib/tls), External Secrets (lib/secrets), the Ingress (lib/exposure) and monitoring
 * (lib/monitoring). Only what a single server changes is decided here: no `cluster` SSL policy
 * (there is no cluster traffic), the Certificate names the server's Services and its pod, the
 * metrics Service selects the one pod, and the alerts leave out the Raft leader rule. Every feature
 * is off unless its block asks for it, so a CR without these blocks gets exactly the base child set.
 */
import type { HookRequest } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved } from '../k8s/observed.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { PORTS } from '../neo4j/config.js';
import type { QueryMonitoring } from '../schemas/shared.js';
import type { StandaloneSpec } from '../schemas/standalone.js';
import { featureConflicts, type FeatureSettings } from '../features/settings.js';
import { buildCertificate, CERT_MANAGER_API, certificateWarning, deploymentTls, serviceDnsNames, type DeploymentTls } from '../tls/certificate.js';
import { tlsFindings } from '../tls/findings.js';
import { tlsSettings } from '../tls/settings.js';
import { adminSecretFor, authExternalSecretFindings, buildExternalSecret } from '../secrets/external-secret.js';
import { buildIngress, ingressEnabled, ingressErrors } from '../exposure/ingress.js';
import { alertRules, buildMetricsService, buildPrometheusRule, buildServiceMonitor } from '../monitoring/children.js';
import { monitoringEnabled, monitoringErrors, monitoringSettings, monitoringWarnings, slowQueryMillis } from '../monitoring/settings.js';
import { CLUSTER_DOMAIN } from '../cluster/names.js';
import { standaloneLabels, standaloneSelector } from './labels.js';
import type { Standalone, StandaloneModel } from './model.js';
import type { StandaloneNames } from './names.js';

/** Which optional features a standalone uses, derived from the CR alone. */
export interface StandaloneFeatureSet {
  /** Present when spec.tls.mode is cert-manager (the CRD default of a present tls block). */
  tls?: DeploymentTls;
  /** Present when spec.queryMonitoring is present and not disabled. */
  monitoring?: QueryMonitoring;
  /** The Secret with `username` and `password` the server reads. */
  adminSecret: string;
  /** The features' neo4j.conf blocks, in file order (TLS, then monitoring, as for clusters). */
  settings: FeatureSettings[];
}

/**
 * The neo4j.conf blocks of a standalone's features: the TLS policies bolt, https and backup (trust
 * from the annotations, live reload from 2025.03) and the monitoring settings. Pure on the CR.
 */
export function standaloneFeatureSettings(spec: StandaloneSpec, version: Neo4jVersion, annotations: Readonly<Record<string, string>> | undefined): FeatureSettings[] {
  const tls = deploymentTls(spec.tls, annotations);
  return [
    ...(tls ? [tlsSettings(version, tls.trust, 'standalone')] : []),
    ...(monitoringEnabled(spec.queryMonitoring) ? [monitoringSettings(spec.queryMonitoring)] : []),
  ];
}

/** The features of `standalone` for image `version`. Pure on the CR: never reads observed objects. */
export function standaloneFeatureSet(standalone: Standalone, names: StandaloneNames, version: Neo4jVersion): StandaloneFeatureSet {
  const { spec } = standalone;
  const tls = deploymentTls(spec.tls, standalone.metadata.annotations);
  const monitoring = monitoringEnabled(spec.queryMonitoring) ? spec.queryMonitoring : undefined;
  return {
    ...(tls ? { tls } : {}),
    ...(monitoring ? { monitoring } : {}),
    adminSecret: adminSecretFor(spec.auth, names.authSecret),
    settings: standaloneFeatureSettings(spec, version, standalone.metadata.annotations),
  };
}

/**
 * Labels of a feature child: the standalone labels with `app.kubernetes.io/component` naming the
 * feature (the operator labelled its standalone Ingress `component=ingress`). The metrics
 * Service's `metrics` component is what the ServiceMonitor selects, so it never matches the
 * client or headless Service, nor a cluster's metrics Service.
 */
export function standaloneFeatureLabels(s: string, component: string): Record<string, string> {
  return { ...standaloneLabels(s), 'app.kubernetes.io/component': component };
}

/**
 * What the features' blocks get wrong beyond the operator's rules (which validateStandalone
 * checks), with the cluster's rules and messages: issuability of the Certificate, External
 * Secrets the pod depends on, spec.config keys a feature owns or overrides, monitoring and Ingress
 * values Neo4j or the API server would refuse, and a Certificate cert-manager reports not ready.
 * Deterministic order: TLS, auth, spec.config, monitoring, Ingress, then the observed Certificate.
 */
export function standaloneFeatureFindings(request: HookRequest<Standalone>, names: StandaloneNames, version: Neo4jVersion): { errors: string[]; warnings: string[] } {
  const standalone = request.parent;
  const { spec } = standalone;
  const features = standaloneFeatureSet(standalone, names, version);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const findings of [
    tlsFindings({ shape: 'standalone', annotations: standalone.metadata.annotations, tls: spec.tls, deployment: features.tls, tlsSecret: names.tlsSecret }),
    authExternalSecretFindings(spec.auth, names.authSecret, 'standalone'),
    featureConflicts(features.settings, spec.config ?? {}),
  ]) {
    errors.push(...findings.errors);
    warnings.push(...findings.warnings);
  }
  errors.push(...monitoringErrors(spec.queryMonitoring));
  warnings.push(...monitoringWarnings(spec.queryMonitoring, names.metrics));
  errors.push(...ingressErrors(spec.service?.ingress, 'spec.service.ingress'));
  if (features.tls?.source === 'cert-manager') {
    const observed = findObserved(request.children, 'Certificate', CERT_MANAGER_API, names.certificate, standalone.metadata.namespace);
    const notReady = certificateWarning(observed, names.tlsSecret, 'standalone');
    if (notReady) warnings.push(notReady);
  }
  return { errors, warnings };
}

/**
 * The DNS names of the standalone certificate: the client and headless Services in their four
 * forms, and the pod's stable name under the headless Service (the address backups dial, so a
 * backup client's hostname verification succeeds).
 */
export function standaloneCertificateDnsNames(names: StandaloneNames, namespace: string): string[] {
  return [names.service, names.headless, `${names.pod}.${names.headless}`].flatMap((host) => serviceDnsNames(host, namespace, CLUSTER_DOMAIN));
}

/** The children of the enabled features (none for a CR that enables none). */
export function standaloneFeatureChildren(model: StandaloneModel): K8sObject[] {
  const { spec, names, namespace, name, featureSet } = model;
  const labels = (component: string) => standaloneFeatureLabels(name, component);
  const children: K8sObject[] = [];
  if (featureSet.tls?.source === 'cert-manager') {
    children.push(
      buildCertificate({
        name: names.certificate,
        namespace,
        labels: labels('tls'),
        secretName: names.tlsSecret,
        tls: spec.tls!,
        commonName: names.serviceFqdn(names.service),
        dnsNames: standaloneCertificateDnsNames(names, namespace),
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
    children.push(buildIngress({ name: names.ingress, namespace, labels: labels('ingress'), serviceName: names.service, servicePort: PORTS.http, spec: ingress }));
  }
  const monitoring = featureSet.monitoring;
  if (monitoring) {
    children.push(buildMetricsService({ namespace, serviceName: names.metrics, serviceLabels: labels('metrics'), selector: standaloneSelector(name) }));
    children.push(
      buildServiceMonitor({
        name: names.serviceMonitor,
        namespace,
        labels: labels('query-monitoring'),
        serviceSelector: { 'app.kubernetes.io/name': 'neo4j', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'metrics' },
        interval: monitoring.metricsExport?.interval,
      }),
    );
    if (monitoring.metricsExport?.prometheus) {
      const rules = alertRules({ namespace, serviceName: names.metrics, slowQueryMillis: slowQueryMillis(monitoring) ?? 0, clustered: false });
      children.push(buildPrometheusRule({ name: names.prometheusRule, namespace, labels: labels('query-alerts'), rules }));
    }
  }
  return children;
}
