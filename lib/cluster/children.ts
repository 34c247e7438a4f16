/**
 * One builder per child of a Neo4jEnterpriseCluster. Each returns only the fields we own, from
 * the cluster model, so the same model always gives the same objects.
 */
import type { ConfigMap, ContainerPort, PodSpec, Service, ServiceAccount, ServicePort } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { PORTS, DISCOVERY_PORT_NAME } from '../neo4j/config.js';
import { serverPodAnnotations, serverPodSpec } from '../neo4j/server-pod.js';
import { buildClientService, tcpServicePort as tcp } from '../exposure/service.js';
import { clusterLabels, serverPodLabels, serverSelector } from './labels.js';
import { SERVER_MIN_READY_SECONDS } from './upgrade.js';
import type { ClusterModel } from './model.js';

/** Re-exported from its shared home, lib/neo4j/server-pod.ts, for existing importers. */
export { CONFIG_HASH_ANNOTATION } from '../neo4j/server-pod.js';

/** The uid/gid of the neo4j user (lib/neo4j/pod.ts), under the name existing importers use. */
export { NEO4J_POD_UID as NEO4J_UID } from '../neo4j/pod.js';

function meta(model: ClusterModel, name: string, role?: string) {
  return { name, namespace: model.namespace, labels: clusterLabels(model.name, model.spec.image.tag, role) };
}

/** ConfigMap `<c>-config`: neo4j.conf, startup.sh, health.sh, initial.conf, server-roles. */
export function buildConfigMap(model: ClusterModel): ConfigMap & K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, model.names.config, 'config'), data: { ...model.files } };
}

/** ServiceAccount `<c>-discovery`: the pods' identity; it holds no permissions and mounts no token. */
export function buildServiceAccount(model: ClusterModel): ServiceAccount & K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(model, model.names.serviceAccount, 'discovery-service-account'),
    automountServiceAccountToken: false,
  };
}

const INTERNAL_PORTS = (): ServicePort[] => [
  tcp('bolt', PORTS.bolt),
  tcp('http', PORTS.http),
  tcp(DISCOVERY_PORT_NAME, PORTS.cluster),
  tcp('routing', PORTS.routing),
  tcp('raft', PORTS.raft),
  tcp('backup', PORTS.backup),
];

/** The four Services: headless (pod DNS and discovery SRV records), discovery, internals, client. */
export function buildServices(model: ClusterModel): Array<Service & K8sObject> {
  const { names, name } = model;
  const selector = serverSelector(name);
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(model, names.headless),
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports: INTERNAL_PORTS() },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta(model, names.discovery), labels: { ...clusterLabels(name, model.spec.image.tag), 'neo4j.com/clustering': 'true' } },
      spec: { type: 'ClusterIP', publishNotReadyAddresses: true, selector, ports: [tcp('tcp-discovery', PORTS.cluster)] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta(model, names.internals), labels: { ...clusterLabels(name, model.spec.image.tag), 'neo4j.com/service-type': 'internals' } },
      spec: { type: 'ClusterIP', publishNotReadyAddresses: true, selector, ports: INTERNAL_PORTS() },
    },
    buildClientService({
      name: names.client,
      namespace: model.namespace,
      labels: clusterLabels(name, model.spec.image.tag, 'client'),
      selector,
      ports: [tcp('bolt', PORTS.bolt), tcp('http', PORTS.http), ...(model.features.tls ? [tcp('https', PORTS.https)] : [])],
      service: model.spec.service,
    }),
  ];
}

/** The server's container ports before https: bolt, http. */
const CLIENT_CONTAINER_PORTS = (): ContainerPort[] => [
  { name: 'bolt', containerPort: PORTS.bolt },
  { name: 'http', containerPort: PORTS.http },
];

/** The server's cluster and backup ports, after https. */
const INTERNAL_CONTAINER_PORTS = (): ContainerPort[] => [
  { name: DISCOVERY_PORT_NAME, containerPort: PORTS.cluster },
  { name: 'routing', containerPort: PORTS.routing },
  { name: 'raft', containerPort: PORTS.raft },
  { name: 'backup', containerPort: PORTS.backup },
];

function podSpec(model: ClusterModel): PodSpec {
  const { spec, features, names } = model;
  const { affinity, topologySpreadConstraints } = features.placement;
  return serverPodSpec({
    image: model.image,
    imagePullPolicy: spec.image.pullPolicy ?? 'IfNotPresent',
    pullSecrets: spec.image.pullSecrets,
    env: spec.env,
    adminSecret: model.adminSecret,
    resources: model.resources,
    clientPorts: CLIENT_CONTAINER_PORTS(),
    internalPorts: INTERNAL_CONTAINER_PORTS(),
    tls: features.tls ? { secretName: names.tlsSecret, trust: features.tls.trust } : undefined,
    monitoring: features.monitoring !== undefined,
    plugins: model.plugins,
    configMap: names.config,
    dataVolume: 'data',
    serviceAccountName: names.serviceAccount,
    nodeSelector: spec.nodeSelector,
    tolerations: spec.tolerations,
    affinity,
    topologySpreadConstraints,
  });
}

/** StatefulSet `<c>-server`: one pod per server, started in parallel, data on a PVC per server. */
export function buildStatefulSet(model: ClusterModel): StatefulSet & K8sObject {
  const { spec, names, name } = model;
  const retention = spec.storage.retentionPolicy ?? 'Delete';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...meta(model, names.statefulSet, 'server'), labels: { ...clusterLabels(name, spec.image.tag, 'server'), 'neo4j.com/server-name': 'server' } },
    spec: {
      replicas: spec.topology.servers,
      serviceName: names.headless,
      podManagementPolicy: 'Parallel',
      // A restarted server must stay ready this long before a rollout moves on (lib/cluster/upgrade.ts).
      minReadySeconds: SERVER_MIN_READY_SECONDS,
      selector: { matchLabels: serverSelector(name) },
      updateStrategy: spec.upgradeStrategy?.strategy === 'Recreate' ? { type: 'OnDelete' } : { type: 'RollingUpdate' },
      // Servers are removed only after a drain moved their databases off and dropped them
      // (lib/cluster/scale.ts): a dropped server cannot rejoin, so its volume follows the policy.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: retention, whenScaled: retention },
      template: {
        metadata: {
          labels: serverPodLabels(name, spec.image.tag),
          annotations: serverPodAnnotations(model.configHash, model.features.monitoring !== undefined, model.plugins),
        },
        spec: podSpec(model),
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'neo4j', 'app.kubernetes.io/instance': name, 'neo4j.com/cluster': name } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: spec.storage.className,
            resources: { requests: { storage: spec.storage.size } },
          },
        },
      ],
    },
  };
}

/** PodDisruptionBudget: at most one server voluntarily down at a time (drains, node upgrades). */
export function buildPodDisruptionBudget(model: ClusterModel): PodDisruptionBudget & K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(model, model.names.podDisruptionBudget, 'server'),
    spec: { maxUnavailable: 1, selector: { matchLabels: serverSelector(model.name) } },
  };
}
