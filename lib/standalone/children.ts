/**
 * One builder per child of a Neo4jEnterpriseStandalone. Each returns only the fields we own, from
 * the standalone model, so the same model always gives the same objects. The pod follows the
 * cluster's conventions (startup and health scripts from the ConfigMap, secure pod, probes).
 */
import type { ConfigMap, ContainerPort, PodSpec, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { PORTS } from '../neo4j/config.js';
import { serverPodAnnotations, serverPodSpec } from '../neo4j/server-pod.js';
import { buildClientService, tcpServicePort as tcp } from '../exposure/service.js';
import { standaloneLabels, standalonePodLabels, standaloneSelector } from './labels.js';
import type { StandaloneModel } from './model.js';
import { DATA_VOLUME } from './names.js';

function meta(model: StandaloneModel, name: string) {
  return { name, namespace: model.namespace, labels: standaloneLabels(model.name) };
}

/** ConfigMap `<s>-config`: neo4j.conf, startup.sh, health.sh. */
export function buildConfigMap(model: StandaloneModel): ConfigMap & K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, model.names.config), data: { ...model.files } };
}

/** Client ports in the operator's order: http, bolt, then https with TLS. */
function clientPorts(model: StandaloneModel): ServicePort[] {
  return [tcp('http', PORTS.http), tcp('bolt', PORTS.bolt), ...(model.tls ? [tcp('https', PORTS.https)] : [])];
}

/**
 * The two Services. `<s>-service` (the operator's) serves clients with the type and options of
 * `spec.service`. `<s>-headless` governs the StatefulSet (a stable DNS name for the pod) and is
 * the only Service with the backup port: 6362 accepts unauthenticated backups, so it must never
 * be on a NodePort or LoadBalancer Service.
 */
export function buildServices(model: StandaloneModel): Array<Service & K8sObject> {
  const { names } = model;
  const selector = standaloneSelector(model.name);
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(model, names.headless),
      spec: { clusterIP: 'None', selector, ports: [...clientPorts(model), tcp('backup', PORTS.backup)] },
    },
    buildClientService({ name: names.service, namespace: model.namespace, labels: standaloneLabels(model.name), selector, ports: clientPorts(model), service: model.spec.service }),
  ];
}

/** The server's container ports before https, in the operator's order: http, bolt. */
const CLIENT_CONTAINER_PORTS = (): ContainerPort[] => [
  { name: 'http', containerPort: PORTS.http },
  { name: 'bolt', containerPort: PORTS.bolt },
];

function podSpec(model: StandaloneModel): PodSpec {
  const { spec, featureSet, names } = model;
  return serverPodSpec({
    image: model.image,
    imagePullPolicy: spec.image.pullPolicy || 'IfNotPresent',
    pullSecrets: spec.image.pullSecrets,
    env: spec.env,
    adminSecret: model.adminSecret,
    resources: model.resources,
    clientPorts: CLIENT_CONTAINER_PORTS(),
    // The backup port is on the pod and the headless Service only (see buildServices).
    internalPorts: [{ name: 'backup', containerPort: PORTS.backup }],
    tls: featureSet.tls ? { secretName: names.tlsSecret, trust: featureSet.tls.trust } : undefined,
    monitoring: featureSet.monitoring !== undefined,
    plugins: model.plugins,
    configMap: names.config,
    dataVolume: DATA_VOLUME,
    nodeSelector: spec.nodeSelector,
    tolerations: spec.tolerations,
    affinity: spec.affinity ? (structuredClone(spec.affinity) as PodSpec['affinity']) : undefined,
  });
}

/**
 * StatefulSet `<s>`: one pod `<s>-0` selected by the operator's `app=<s>`, governed by
 * `<s>-headless`, data on PVC `neo4j-data-<s>-0` whose fate on deletion follows the retention
 * policy. The config hash on the pod template restarts the server when its configuration changes.
 */
export function buildStatefulSet(model: StandaloneModel): StatefulSet & K8sObject {
  const { spec, names, name } = model;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(model, names.statefulSet),
    spec: {
      replicas: 1,
      serviceName: names.headless,
      selector: { matchLabels: standaloneSelector(name) },
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: model.retention, whenScaled: 'Retain' },
      template: {
        metadata: {
          labels: standalonePodLabels(name),
          annotations: serverPodAnnotations(model.configHash, model.featureSet.monitoring !== undefined, model.plugins),
        },
        spec: podSpec(model),
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: DATA_VOLUME, labels: standaloneLabels(name) },
          spec: {
            accessModes: [...model.accessModes],
            storageClassName: spec.storage.className,
            resources: { requests: { storage: spec.storage.size } },
          },
        },
      ],
    },
  };
}
