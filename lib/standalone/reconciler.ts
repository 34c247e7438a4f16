/**
 * The Neo4jEnterpriseStandalone reconciler: a valid spec gives the complete child set (ConfigMap
 * `<s>-config`, Services `<s>-service` and `<s>-headless`, StatefulSet `<s>`); an invalid spec, or
 * an image change Neo4j cannot take, freezes the children exactly as last applied and says why in
 * status. The StatefulSet's immutable fields are kept as observed once it exists. The optional
 * features add their children (features.ts): a cert-manager Certificate, ExternalSecrets, an
 * Ingress, and the metrics Service, ServiceMonitor and PrometheusRule. The Neo4jPlugins naming the
 * standalone (read through customize) are merged into its pod (lib/plugins).
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { standaloneKind } from '../schemas/standalone.js';
import type { ChildResource, Desired, HookRequest, Reconciler } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { frozenChildren } from '../k8s/frozen.js';
import { keepImmutableFields } from '../k8s/statefulset.js';
import { checkUpgradePath, parseNeo4jVersion } from '../neo4j/version.js';
import { imageTag, observeServerSet, podTemplateChanged, type ServerSetObservation } from '../cluster/observation.js';
import { buildConfigMap, buildServices, buildStatefulSet } from './children.js';
import { FEATURE_EXPOSURE_CHILDREN, FEATURE_SECRET_CHILDREN } from '../features/deployment.js';
import { standaloneFeatureChildren, standaloneFeatureFindings } from './features.js';
import { standaloneModel, tlsServed, type Standalone } from './model.js';
import { standaloneNames } from './names.js';
import { standaloneStatus } from './status.js';
import { observedPluginStatus, PLUGIN_RELATED, pluginsRule, targetPlugins } from '../plugins/target.js';
import { validateStandalone } from './validate.js';

/** Child types of a standalone, in the order Metacontroller should create them. */
export const STANDALONE_CHILDREN: readonly ChildResource[] = [
  ...FEATURE_SECRET_CHILDREN,
  { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' },
  { apiVersion: 'v1', kind: 'Service', resource: 'services', updateStrategy: 'InPlace' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', resource: 'statefulsets', updateStrategy: 'InPlace' },
  ...FEATURE_EXPOSURE_CHILDREN,
];

/** Why the image change from the running tag to `tag` is refused, or undefined when it is allowed. */
function upgradeError(observed: ServerSetObservation | undefined, tag: string): string | undefined {
  const running = imageTag(observed?.image);
  if (!running || running === tag) return undefined;
  const path = checkUpgradePath(running, tag);
  return path.allowed ? undefined : `image tag change from ${running} to ${tag} refused: ${path.reason}`;
}

/**
 * The StatefulSet with the fields the API server will not change (selector, serviceName,
 * volumeClaimTemplates) as the server holds them (an operator-made one has no serviceName); a
 * requested volume change becomes a warning.
 */
function keepImmutable(desired: StatefulSet & K8sObject, observed: ServerSetObservation | undefined, warnings: string[]): StatefulSet & K8sObject {
  const { statefulSet, refused } = keepImmutableFields(desired, observed?.object);
  if (refused.includes('volumeClaimTemplates')) {
    const claim = `${statefulSet.spec?.volumeClaimTemplates?.[0]?.metadata?.name ?? 'neo4j-data'}-${desired.metadata.name}-0`;
    warnings.push(
      `spec.storage and spec.persistence.accessModes changes cannot be applied to StatefulSet ${desired.metadata.name}: its volumeClaimTemplates are immutable, so the server keeps its existing volume (expand PVC ${claim} directly if the StorageClass allows it)`,
    );
  }
  return statefulSet;
}

function syncStandalone(request: HookRequest<Standalone>): Desired {
  const standalone = request.parent;
  const namespace = standalone.metadata.namespace!;
  const names = standaloneNames(standalone.metadata.name, namespace);
  const observed = observeServerSet(request.children, names.statefulSet, namespace);
  const tls = tlsServed(standalone.spec);
  const { errors, warnings } = validateStandalone(standalone);
  const parsed = parseNeo4jVersion(standalone.spec.image.tag);
  if (parsed.ok) {
    const findings = standaloneFeatureFindings(request, names, parsed.version);
    errors.push(...findings.errors);
    warnings.push(...findings.warnings);
  }
  const plugins = parsed.ok ? targetPlugins(request, 'Neo4jEnterpriseStandalone', parsed.version) : undefined;
  warnings.push(...(plugins?.warnings ?? []));
  if (errors.length === 0) {
    const refused = upgradeError(observed, standalone.spec.image.tag);
    if (refused) errors.push(refused);
  }
  if (errors.length > 0) {
    const { status } = standaloneStatus({ request, names, observed, warnings, errors, rolling: false, tls });
    return { status: { ...status, ...observedPluginStatus(observed?.object) }, children: frozenChildren(request, STANDALONE_CHILDREN) };
  }
  const model = standaloneModel(standalone, plugins?.set);
  const statefulSet = keepImmutable(buildStatefulSet(model), observed, warnings);
  const children = [buildConfigMap(model), ...buildServices(model), statefulSet, ...standaloneFeatureChildren(model)];
  const rolling = podTemplateChanged(statefulSet, observed);
  const { status, resyncAfterSeconds } = standaloneStatus({ request, names, observed, warnings, errors, rolling, tls });
  return { status: { ...status, ...observedPluginStatus(observed?.object) }, children, ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
}

/** The registered reconciler of Neo4jEnterpriseStandalone. */
export const standaloneReconciler: Reconciler<Standalone> = {
  kind: standaloneKind,
  children: STANDALONE_CHILDREN,
  related: [PLUGIN_RELATED],
  sync: syncStandalone,
  // The namespace's Neo4jPlugins (the merge keeps those whose clusterRef names this standalone).
  customize: (parent) => [pluginsRule(parent.metadata.namespace ?? '')],
};
