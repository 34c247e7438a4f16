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
import type { Neo4jVersion } from '../neo4j/version.js';
import type { StandaloneSpec } from '../schemas/standalone.js';
import type { FeatureSettings } from '../features/settings.js';
import { certificateNotReady, deploymentFeatureChildren, deploymentFeatures, deploymentFeatureSettings, featureSpecFindings, type DeploymentFeatures } from '../features/deployment.js';
import { serviceDnsNames } from '../tls/certificate.js';
import { CLUSTER_DOMAIN } from '../cluster/names.js';
import { standaloneLabels, standaloneSelector } from './labels.js';
import type { Standalone, StandaloneModel } from './model.js';
import type { StandaloneNames } from './names.js';

/** Which optional features a standalone uses (the shared {@link DeploymentFeatures}). */
export type StandaloneFeatureSet = DeploymentFeatures;

/**
 * The neo4j.conf blocks of a standalone's features: the TLS policies bolt, https and backup (trust
 * from the annotations, live reload from 2025.03) and the monitoring settings. Pure on the CR.
 */
export function standaloneFeatureSettings(spec: StandaloneSpec, version: Neo4jVersion, annotations: Readonly<Record<string, string>> | undefined): FeatureSettings[] {
  return deploymentFeatureSettings(spec, annotations, version, 'standalone');
}

/** The features of `standalone` for image `version`. Pure on the CR: never reads observed objects. */
export function standaloneFeatureSet(standalone: Standalone, names: StandaloneNames, version: Neo4jVersion): StandaloneFeatureSet {
  return deploymentFeatures(standalone.spec, standalone.metadata.annotations, version, 'standalone', names.authSecret);
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
  const features = standaloneFeatureSet(standalone, names, version);
  const findings = featureSpecFindings({ shape: 'standalone', spec: standalone.spec, annotations: standalone.metadata.annotations, features, names, metricsService: names.metrics });
  const notReady = certificateNotReady(request, features, names, 'standalone');
  if (notReady) findings.warnings.push(notReady);
  return findings;
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
  const { names, namespace, name } = model;
  return deploymentFeatureChildren({
    namespace,
    spec: model.spec,
    features: model.featureSet,
    names,
    labels: (component) => standaloneFeatureLabels(name, component),
    clientService: names.service,
    certificateSubject: () => ({ commonName: names.serviceFqdn(names.service), dnsNames: standaloneCertificateDnsNames(names, namespace) }),
    serverSelector: standaloneSelector(name),
    metricsServiceSelector: { 'app.kubernetes.io/name': 'neo4j', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'metrics' },
    clustered: false,
  });
}
