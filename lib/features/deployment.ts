/**
 * The optional features every Neo4j deployment (cluster or standalone) offers, on top of the
 * feature modules: TLS (lib/tls), External Secrets (lib/secrets), the Ingress (lib/exposure) and
 * monitoring (lib/monitoring). Which features are on, what their spec blocks get wrong, and their
 * children are decided here once; a kind adds only what is its own (a cluster's placement, the
 * names its Certificate covers, the labels and selectors of its children). Every feature is off
 * unless its block asks for it, so a CR without these blocks gets exactly the base child set.
 */
import type { ChildResource, HookRequest } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved } from '../k8s/observed.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { PORTS } from '../neo4j/config.js';
import type { AuthSpec, QueryMonitoring, ServiceSpec, TLSSpec } from '../schemas/shared.js';
import { featureConflicts, type DeploymentShape, type FeatureSettings } from './settings.js';
import { buildCertificate, CERT_MANAGER_API, certificateWarning, deploymentTls, type DeploymentTls } from '../tls/certificate.js';
import { tlsFindings } from '../tls/findings.js';
import { tlsSettings } from '../tls/settings.js';
import { adminSecretFor, authExternalSecretFindings, buildExternalSecret } from '../secrets/external-secret.js';
import { buildIngress, ingressEnabled, ingressErrors } from '../exposure/ingress.js';
import { alertRules, buildMetricsService, buildPrometheusRule, buildServiceMonitor } from '../monitoring/children.js';
import { monitoringEnabled, monitoringErrors, monitoringSettings, monitoringWarnings, slowQueryMillis } from '../monitoring/settings.js';

/**
 * Child types of the features that supply the pods' Secrets: the cert-manager Certificate and the
 * ExternalSecrets. A kind declares them before its own children: the servers cannot start without them.
 */
export const FEATURE_SECRET_CHILDREN: readonly ChildResource[] = [
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', resource: 'certificates', updateStrategy: 'InPlace', integration: 'cert-manager' },
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', resource: 'externalsecrets', updateStrategy: 'InPlace', integration: 'external-secrets' },
];

/**
 * Child types of the Ingress and monitoring features (the metrics Service is a Service, which
 * every kind declares anyway). A kind declares them after its own children.
 */
export const FEATURE_EXPOSURE_CHILDREN: readonly ChildResource[] = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', resource: 'ingresses', updateStrategy: 'InPlace' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', resource: 'servicemonitors', updateStrategy: 'InPlace', integration: 'prometheus-operator' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', resource: 'prometheusrules', updateStrategy: 'InPlace', integration: 'prometheus-operator' },
];

/** The spec blocks the features read; a cluster's and a standalone's spec both have them. */
export interface FeatureSpec {
  tls?: TLSSpec;
  auth?: AuthSpec;
  config?: Record<string, string>;
  queryMonitoring?: QueryMonitoring;
  service?: ServiceSpec;
}

/** The names of the features' children and of the Secrets they write, as both kinds name them. */
export interface FeatureNames {
  certificate: string;
  tlsSecret: string;
  tlsExternalSecret: string;
  authExternalSecret: string;
  authSecret: string;
  ingress: string;
  metrics: string;
  serviceMonitor: string;
  prometheusRule: string;
}

/** Which optional features a deployment uses, derived from the CR alone. */
export interface DeploymentFeatures {
  /** Present when spec.tls.mode is cert-manager (the CRD default of a present tls block). */
  tls?: DeploymentTls;
  /** Present when spec.queryMonitoring is present and not disabled. */
  monitoring?: QueryMonitoring;
  /** The Secret with `username` and `password` the servers read. */
  adminSecret: string;
  /** The features' neo4j.conf blocks, in file order: TLS, then monitoring. */
  settings: FeatureSettings[];
}

function settingsOf(tls: DeploymentTls | undefined, monitoring: QueryMonitoring | undefined, version: Neo4jVersion, shape: DeploymentShape): FeatureSettings[] {
  return [...(tls ? [tlsSettings(version, tls.trust, shape)] : []), ...(monitoring ? [monitoringSettings(monitoring)] : [])];
}

function enabledMonitoring(spec: FeatureSpec): QueryMonitoring | undefined {
  return monitoringEnabled(spec.queryMonitoring) ? spec.queryMonitoring : undefined;
}

/**
 * The features of a deployment of `shape` for image `version`: TLS (trust from `annotations`, the
 * CR's), monitoring, the admin Secret (spec.auth.adminSecret, else `authSecret` when the auth
 * ExternalSecret is enabled, else the default) and the neo4j.conf blocks. Pure on the CR.
 */
export function deploymentFeatures(
  spec: FeatureSpec,
  annotations: Readonly<Record<string, string>> | undefined,
  version: Neo4jVersion,
  shape: DeploymentShape,
  authSecret: string,
): DeploymentFeatures {
  const tls = deploymentTls(spec.tls, annotations);
  const monitoring = enabledMonitoring(spec);
  return {
    ...(tls ? { tls } : {}),
    ...(monitoring ? { monitoring } : {}),
    adminSecret: adminSecretFor(spec.auth, authSecret),
    settings: settingsOf(tls, monitoring, version, shape),
  };
}

/** Only the neo4j.conf blocks of {@link deploymentFeatures}: TLS, then monitoring. */
export function deploymentFeatureSettings(
  spec: FeatureSpec,
  annotations: Readonly<Record<string, string>> | undefined,
  version: Neo4jVersion,
  shape: DeploymentShape,
): FeatureSettings[] {
  return settingsOf(deploymentTls(spec.tls, annotations), enabledMonitoring(spec), version, shape);
}

/** Errors and warnings, each in a fixed order. */
export interface Findings {
  errors: string[];
  warnings: string[];
}

/** What {@link featureSpecFindings} checks. */
export interface FeatureSpecFindingsInput {
  shape: DeploymentShape;
  spec: FeatureSpec;
  /** The CR's annotations (the TLS trust-all opt-in). */
  annotations: Readonly<Record<string, string>> | undefined;
  /** {@link deploymentFeatures} of the same spec and annotations. */
  features: DeploymentFeatures;
  names: Pick<FeatureNames, 'tlsSecret' | 'authSecret'>;
  /** The metrics Service named in monitoring warnings. */
  metricsService: string;
}

/**
 * What the features' spec blocks get wrong beyond the operator's rules: issuability of the
 * Certificate, External Secrets the pods depend on, spec.config keys a feature owns or overrides,
 * monitoring and Ingress values Neo4j or the API server would refuse. Order: TLS, auth,
 * spec.config, monitoring, Ingress. Pure on the CR.
 */
export function featureSpecFindings(input: FeatureSpecFindingsInput): Findings {
  const { shape, spec, features, names } = input;
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const findings of [
    tlsFindings({ shape, annotations: input.annotations, tls: spec.tls, deployment: features.tls, tlsSecret: names.tlsSecret }),
    authExternalSecretFindings(spec.auth, names.authSecret, shape),
    featureConflicts(features.settings, spec.config ?? {}),
  ]) {
    errors.push(...findings.errors);
    warnings.push(...findings.warnings);
  }
  errors.push(...monitoringErrors(spec.queryMonitoring));
  warnings.push(...monitoringWarnings(spec.queryMonitoring, input.metricsService));
  errors.push(...ingressErrors(spec.service?.ingress, 'spec.service.ingress'));
  return { errors, warnings };
}

/**
 * The warning for our Certificate when cert-manager reports it not ready, from the observed
 * children; undefined when TLS does not come from cert-manager or the Certificate is ready.
 */
export function certificateNotReady(
  request: HookRequest,
  features: DeploymentFeatures,
  names: Pick<FeatureNames, 'certificate' | 'tlsSecret'>,
  shape: DeploymentShape,
): string | undefined {
  if (features.tls?.source !== 'cert-manager') return undefined;
  const observed = findObserved(request.children, 'Certificate', CERT_MANAGER_API, names.certificate, request.parent.metadata.namespace);
  return certificateWarning(observed, names.tlsSecret, shape);
}

/** What the features' children are built from besides the spec and the features. */
export interface FeatureChildrenInput {
  namespace: string;
  spec: FeatureSpec;
  features: DeploymentFeatures;
  names: FeatureNames;
  /** Labels of a feature child, by component (`tls`, `external-secret`, `ingress`, `metrics`…). */
  labels: (component: string) => Record<string, string>;
  /** The client Service, which the Ingress routes to. */
  clientService: string;
  /** The Certificate's common name and DNS names (called only when cert-manager issues it). */
  certificateSubject: () => { commonName: string; dnsNames: string[] };
  /** The server pods' selector: the metrics Service sends to them. */
  serverSelector: Record<string, string>;
  /** Labels of the metrics Service the ServiceMonitor selects (and no other Service has). */
  metricsServiceSelector: Record<string, string>;
  /** Whether the servers form a cluster (adds the leader alert). */
  clustered: boolean;
}

/**
 * The children of the enabled features, in a fixed order: the cert-manager Certificate, the tls
 * and auth ExternalSecrets, the Ingress to the client Service's HTTP port, then the metrics
 * Service, ServiceMonitor and (with metricsExport.prometheus) PrometheusRule. None for a CR that
 * enables none.
 */
export function deploymentFeatureChildren(input: FeatureChildrenInput): K8sObject[] {
  const { spec, names, namespace, features, labels } = input;
  const children: K8sObject[] = [];
  if (features.tls?.source === 'cert-manager') {
    const { commonName, dnsNames } = input.certificateSubject();
    children.push(buildCertificate({ name: names.certificate, namespace, labels: labels('tls'), secretName: names.tlsSecret, tls: spec.tls!, commonName, dnsNames }));
  }
  const externals = [
    { config: spec.tls?.externalSecrets, name: names.tlsExternalSecret, target: names.tlsSecret },
    { config: spec.auth?.externalSecrets, name: names.authExternalSecret, target: names.authSecret },
  ];
  for (const { config, name, target } of externals) {
    if (config?.enabled) children.push(buildExternalSecret({ name, namespace, labels: labels('external-secret'), targetName: target, config }));
  }
  const ingress = spec.service?.ingress;
  if (ingressEnabled(ingress)) {
    children.push(buildIngress({ name: names.ingress, namespace, labels: labels('ingress'), serviceName: input.clientService, servicePort: PORTS.http, spec: ingress }));
  }
  const monitoring = features.monitoring;
  if (monitoring) {
    children.push(buildMetricsService({ namespace, serviceName: names.metrics, serviceLabels: labels('metrics'), selector: input.serverSelector }));
    children.push(
      buildServiceMonitor({
        name: names.serviceMonitor,
        namespace,
        labels: labels('query-monitoring'),
        serviceSelector: input.metricsServiceSelector,
        interval: monitoring.metricsExport?.interval,
      }),
    );
    if (monitoring.metricsExport?.prometheus) {
      const rules = alertRules({ namespace, serviceName: names.metrics, slowQueryMillis: slowQueryMillis(monitoring) ?? 0, clustered: input.clustered });
      children.push(buildPrometheusRule({ name: names.prometheusRule, namespace, labels: labels('query-alerts'), rules }));
    }
  }
  return children;
}
