/**
 * One builder per child of a Neo4jEnterpriseStandalone. Each returns only the fields we own, from
 * the standalone model, so the same model always gives the same objects. The pod follows the
 * cluster's conventions (startup and health scripts from the ConfigMap, secure pod, probes).
 */
import { neo4jPodSecurityContext } from '../neo4j/pod.js';
import type { ConfigMap, Container, EnvVar, PodSpec, Service, ServicePort, Volume } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { PORTS } from '../neo4j/config.js';
import { CONFIG_MOUNT } from '../neo4j/scripts.js';
import { CONFIG_HASH_ANNOTATION, NEO4J_UID, RESERVED_ENV } from '../cluster/children.js';
import { tlsVolume, tlsVolumeMount } from '../tls/volume.js';
import { METRICS_PORT_NAME, PROMETHEUS_POD_ANNOTATIONS } from '../monitoring/children.js';
import { pluginAnnotations, pluginEnv, pluginVolumeMounts, pluginVolumes } from '../plugins/target.js';
import { standaloneLabels, standalonePodLabels, standaloneSelector } from './labels.js';
import type { StandaloneModel } from './model.js';
import { DATA_VOLUME } from './names.js';

function meta(model: StandaloneModel, name: string) {
  return { name, namespace: model.namespace, labels: standaloneLabels(model.name) };
}

function tcp(name: string, port: number): ServicePort {
  return { name, port, targetPort: port, protocol: 'TCP' };
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
  const service = model.spec.service;
  const type = service?.type ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(model, names.headless),
      spec: { clusterIP: 'None', selector, ports: [...clientPorts(model), tcp('backup', PORTS.backup)] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta(model, names.service), ...(service?.annotations ? { annotations: { ...service.annotations } } : {}) },
      spec: {
        type,
        selector,
        ports: clientPorts(model),
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

function serverContainer(model: StandaloneModel): Container {
  const { spec } = model;
  const userEnv = (spec.env ?? []).filter((e) => !RESERVED_ENV.has(e.name)) as EnvVar[];
  const exec = { exec: { command: ['/bin/bash', `${CONFIG_MOUNT}/health.sh`] } };
  return {
    name: 'neo4j',
    image: model.image,
    imagePullPolicy: spec.image.pullPolicy || 'IfNotPresent',
    command: ['tini', '-g', '--', '/bin/bash', `${CONFIG_MOUNT}/startup.sh`],
    env: [
      { name: 'NEO4J_EDITION', value: 'enterprise' },
      { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'yes' },
      secretEnv('DB_USERNAME', model.adminSecret, 'username'),
      secretEnv('DB_PASSWORD', model.adminSecret, 'password'),
      ...pluginEnv(model.plugins, userEnv).env,
    ],
    ports: [
      { name: 'http', containerPort: PORTS.http },
      { name: 'bolt', containerPort: PORTS.bolt },
      ...(model.tls ? [{ name: 'https', containerPort: PORTS.https }] : []),
      { name: 'backup', containerPort: PORTS.backup },
      ...(model.featureSet.monitoring ? [{ name: METRICS_PORT_NAME, containerPort: PORTS.metrics }] : []),
    ],
    resources: structuredClone(model.resources) as Container['resources'],
    // Store recovery (and a store upgrade after an image change) takes a while: up to 15 minutes.
    startupProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
    readinessProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Liveness only checks that Bolt still accepts connections: long GC pauses must not kill the server.
    livenessProbe: { tcpSocket: { port: PORTS.bolt }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 40 },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NEO4J_UID,
      runAsGroup: NEO4J_UID,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: '/data' },
      { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
      { name: 'logs', mountPath: '/logs' },
      { name: 'plugins', mountPath: '/plugins' },
      ...(model.featureSet.tls ? [tlsVolumeMount()] : []),
      ...pluginVolumeMounts(model.plugins),
    ],
  };
}

function podSpec(model: StandaloneModel): PodSpec {
  const { spec } = model;
  const volumes: Volume[] = [
    { name: 'config', configMap: { name: model.names.config, defaultMode: 0o440 } },
    { name: 'logs', emptyDir: {} },
    { name: 'plugins', emptyDir: {} },
    ...(model.featureSet.tls ? [tlsVolume(model.names.tlsSecret, model.featureSet.tls.trust)] : []),
    ...pluginVolumes(model.plugins),
  ];
  return {
    // The server needs no Kubernetes API access.
    automountServiceAccountToken: false,
    // Neo4j flushes on shutdown; give it time rather than corrupting the store.
    terminationGracePeriodSeconds: 300,
    securityContext: neo4jPodSecurityContext(),
    ...(spec.image.pullSecrets?.length ? { imagePullSecrets: spec.image.pullSecrets.map((name) => ({ name })) } : {}),
    ...(spec.nodeSelector ? { nodeSelector: { ...spec.nodeSelector } } : {}),
    ...(spec.tolerations?.length ? { tolerations: structuredClone(spec.tolerations) as PodSpec['tolerations'] } : {}),
    ...(spec.affinity ? { affinity: structuredClone(spec.affinity) as PodSpec['affinity'] } : {}),
    containers: [serverContainer(model)],
    volumes,
  };
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
          annotations: { [CONFIG_HASH_ANNOTATION]: model.configHash, ...(model.featureSet.monitoring ? PROMETHEUS_POD_ANNOTATIONS : {}), ...pluginAnnotations(model.plugins) },
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
