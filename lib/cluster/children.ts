/**
 * One builder per child of a Neo4jEnterpriseCluster. Each returns only the fields we own, from
 * the cluster model, so the same model always gives the same objects.
 */
import { neo4jPodSecurityContext } from '../neo4j/pod.js';
import type { ConfigMap, Service, ServiceAccount, ServicePort, Container, EnvVar, PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { PORTS, DISCOVERY_PORT_NAME } from '../neo4j/config.js';
import { CONFIG_MOUNT } from '../neo4j/scripts.js';
import { tlsVolume, tlsVolumeMount } from '../tls/volume.js';
import { METRICS_PORT_NAME, PROMETHEUS_POD_ANNOTATIONS } from '../monitoring/children.js';
import { pluginAnnotations, pluginEnv, pluginVolumeMounts, pluginVolumes } from '../plugins/target.js';
import { clusterLabels, serverPodLabels, serverSelector } from './labels.js';
import { SERVER_MIN_READY_SECONDS } from './upgrade.js';
import type { ClusterModel } from './model.js';

/** Pod-template annotation carrying the configuration hash: a config change rolls the servers. */
export const CONFIG_HASH_ANNOTATION = 'neo4j.neo4j.com/config-hash';

/** Environment variables the hook sets itself; user entries with these names are dropped. */
export const RESERVED_ENV = new Set(['NEO4J_AUTH', 'NEO4J_ACCEPT_LICENSE_AGREEMENT']);

/** The uid/gid of the neo4j user in the official image. */
export const NEO4J_UID = 7474;

function meta(model: ClusterModel, name: string, role?: string) {
  return { name, namespace: model.namespace, labels: clusterLabels(model.name, model.spec.image.tag, role) };
}

function tcp(name: string, port: number): ServicePort {
  return { name, port, targetPort: port, protocol: 'TCP' };
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

function tlsEnabled(model: ClusterModel): boolean {
  return model.features.tls !== undefined;
}

/** The four Services: headless (pod DNS and discovery SRV records), discovery, internals, client. */
export function buildServices(model: ClusterModel): Array<Service & K8sObject> {
  const { names, name } = model;
  const selector = serverSelector(name);
  const service = model.spec.service;
  const type = service?.type ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const clientLabels = clusterLabels(name, model.spec.image.tag, 'client');
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
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: names.client,
        namespace: model.namespace,
        labels: clientLabels,
        ...(service?.annotations ? { annotations: { ...service.annotations } } : {}),
      },
      spec: {
        type,
        selector,
        ports: [tcp('bolt', PORTS.bolt), tcp('http', PORTS.http), ...(tlsEnabled(model) ? [tcp('https', PORTS.https)] : [])],
        ...(type === 'LoadBalancer' && service?.loadBalancerIP ? { loadBalancerIP: service.loadBalancerIP } : {}),
        ...(type === 'LoadBalancer' && service?.loadBalancerSourceRanges?.length ? { loadBalancerSourceRanges: [...service.loadBalancerSourceRanges] } : {}),
        ...(external && service?.externalTrafficPolicy ? { externalTrafficPolicy: service.externalTrafficPolicy } : {}),
      },
    },
  ];
}

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function serverContainer(model: ClusterModel): Container {
  const { spec } = model;
  const userEnv = (spec.env ?? []).filter((e) => !RESERVED_ENV.has(e.name)) as EnvVar[];
  const exec = { exec: { command: ['/bin/bash', `${CONFIG_MOUNT}/health.sh`] } };
  return {
    name: 'neo4j',
    image: model.image,
    imagePullPolicy: spec.image.pullPolicy ?? 'IfNotPresent',
    command: ['tini', '-g', '--', '/bin/bash', `${CONFIG_MOUNT}/startup.sh`],
    env: [
      { name: 'NEO4J_EDITION', value: 'enterprise' },
      { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'yes' },
      secretEnv('DB_USERNAME', model.adminSecret, 'username'),
      secretEnv('DB_PASSWORD', model.adminSecret, 'password'),
      ...pluginEnv(model.plugins, userEnv).env,
    ],
    ports: [
      { name: 'bolt', containerPort: PORTS.bolt },
      { name: 'http', containerPort: PORTS.http },
      ...(tlsEnabled(model) ? [{ name: 'https', containerPort: PORTS.https }] : []),
      { name: DISCOVERY_PORT_NAME, containerPort: PORTS.cluster },
      { name: 'routing', containerPort: PORTS.routing },
      { name: 'raft', containerPort: PORTS.raft },
      { name: 'backup', containerPort: PORTS.backup },
      ...(model.features.monitoring ? [{ name: METRICS_PORT_NAME, containerPort: PORTS.metrics }] : []),
    ],
    resources: structuredClone(model.resources) as Container['resources'],
    // Cluster formation and store recovery take a while: up to 15 minutes before liveness applies.
    startupProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
    readinessProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Liveness only checks that Bolt still accepts connections: long GC pauses must not kill a server.
    livenessProbe: { tcpSocket: { port: PORTS.bolt }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 40 },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NEO4J_UID,
      runAsGroup: NEO4J_UID,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
      { name: 'logs', mountPath: '/logs' },
      { name: 'plugins', mountPath: '/plugins' },
      ...(model.features.tls ? [tlsVolumeMount()] : []),
      ...pluginVolumeMounts(model.plugins),
    ],
  };
}

function podSpec(model: ClusterModel): PodSpec {
  const { spec } = model;
  const volumes: Volume[] = [
    { name: 'config', configMap: { name: model.names.config, defaultMode: 0o440 } },
    { name: 'logs', emptyDir: {} },
    { name: 'plugins', emptyDir: {} },
    ...(model.features.tls ? [tlsVolume(model.names.tlsSecret, model.features.tls.trust)] : []),
    ...pluginVolumes(model.plugins),
  ];
  const { affinity, topologySpreadConstraints } = model.features.placement;
  return {
    serviceAccountName: model.names.serviceAccount,
    automountServiceAccountToken: false,
    // Neo4j flushes on shutdown; give it time rather than corrupting a store.
    terminationGracePeriodSeconds: 300,
    securityContext: neo4jPodSecurityContext(),
    ...(spec.image.pullSecrets?.length ? { imagePullSecrets: spec.image.pullSecrets.map((name) => ({ name })) } : {}),
    ...(spec.nodeSelector ? { nodeSelector: { ...spec.nodeSelector } } : {}),
    ...(spec.tolerations?.length ? { tolerations: structuredClone(spec.tolerations) as PodSpec['tolerations'] } : {}),
    ...(affinity ? { affinity } : {}),
    ...(topologySpreadConstraints ? { topologySpreadConstraints } : {}),
    containers: [serverContainer(model)],
    volumes,
  };
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
          annotations: { [CONFIG_HASH_ANNOTATION]: model.configHash, ...(model.features.monitoring ? PROMETHEUS_POD_ANNOTATIONS : {}), ...pluginAnnotations(model.plugins) },
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
