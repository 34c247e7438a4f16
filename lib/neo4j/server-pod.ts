/**
 * The pod of a Neo4j server, as a cluster's StatefulSet and a standalone's run it: the startup and
 * health scripts from the ConfigMap, the admin credentials from a Secret, the probes, the data,
 * config, logs and plugins volumes, the TLS Secret when TLS is on, the Neo4jPlugins' wiring and the
 * hardened security contexts. Only what really differs between the kinds is an input: ports,
 * names, pull policy, service account and scheduling.
 */
import type { Affinity, Container, ContainerPort, EnvVar, PodSpec, TopologySpreadConstraint, Volume } from 'kubernetes-types/core/v1.js';
import type { EnvVar as SpecEnvVar, ResourceRequirements, Toleration } from '../schemas/shared.js';
import { PORTS } from './config.js';
import { neo4jContainerSecurityContext, neo4jPodSecurityContext } from './pod.js';
import { CONFIG_MOUNT } from './scripts.js';
import type { TlsTrust } from '../tls/settings.js';
import { tlsVolume, tlsVolumeMount } from '../tls/volume.js';
import { METRICS_PORT_NAME, PROMETHEUS_POD_ANNOTATIONS } from '../monitoring/children.js';
import type { PluginSet } from '../plugins/merge.js';
import { pluginAnnotations, pluginEnv, pluginVolumeMounts, pluginVolumes } from '../plugins/target.js';

/** Pod-template annotation carrying the configuration hash: a config change rolls the servers. */
export const CONFIG_HASH_ANNOTATION = 'neo4j.neo4j.com/config-hash';

/** Environment variables the hook sets itself; user entries with these names are dropped. */
export const RESERVED_ENV: ReadonlySet<string> = new Set(['NEO4J_AUTH', 'NEO4J_ACCEPT_LICENSE_AGREEMENT']);

/** What differs between the server pods of the kinds; everything else is the same for all. */
export interface ServerPodInput {
  /** `repo:tag`. */
  image: string;
  /** Resolved by the kind (a cluster keeps an empty `spec.image.pullPolicy`, a standalone defaults it). */
  imagePullPolicy: string;
  pullSecrets?: readonly string[];
  /** The user's spec.env; entries named in {@link RESERVED_ENV} are dropped. */
  env?: readonly SpecEnvVar[];
  /** The Secret with the admin `username` and `password`. */
  adminSecret: string;
  /** Canonical container resources (cloned into the container). */
  resources: ResourceRequirements;
  /** Client ports (bolt, http) in the kind's order; https follows them when TLS is on. */
  clientPorts: readonly ContainerPort[];
  /** Server-to-server and backup ports, after https; the metrics port follows with monitoring. */
  internalPorts: readonly ContainerPort[];
  /** The TLS Secret and its trust when the server serves TLS. */
  tls?: { secretName: string; trust: TlsTrust };
  /** Whether query monitoring is on (adds the metrics port). */
  monitoring: boolean;
  plugins?: PluginSet;
  /** The ConfigMap with neo4j.conf, startup.sh and health.sh. */
  configMap: string;
  /** The volume (claim template) mounted at /data. */
  dataVolume: string;
  serviceAccountName?: string;
  nodeSelector?: Readonly<Record<string, string>>;
  tolerations?: readonly Toleration[];
  /** Final affinity, used as given (the kind decides whether to clone or derive it). */
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
}

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function serverContainer(input: ServerPodInput): Container {
  const userEnv = (input.env ?? []).filter((e) => !RESERVED_ENV.has(e.name)) as EnvVar[];
  const exec = { exec: { command: ['/bin/bash', `${CONFIG_MOUNT}/health.sh`] } };
  return {
    name: 'neo4j',
    image: input.image,
    imagePullPolicy: input.imagePullPolicy,
    command: ['tini', '-g', '--', '/bin/bash', `${CONFIG_MOUNT}/startup.sh`],
    env: [
      { name: 'NEO4J_EDITION', value: 'enterprise' },
      { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'yes' },
      secretEnv('DB_USERNAME', input.adminSecret, 'username'),
      secretEnv('DB_PASSWORD', input.adminSecret, 'password'),
      ...pluginEnv(input.plugins, userEnv).env,
    ],
    ports: [
      ...input.clientPorts,
      ...(input.tls ? [{ name: 'https', containerPort: PORTS.https }] : []),
      ...input.internalPorts,
      ...(input.monitoring ? [{ name: METRICS_PORT_NAME, containerPort: PORTS.metrics }] : []),
    ],
    resources: structuredClone(input.resources) as Container['resources'],
    // Cluster formation, store recovery and a store upgrade after an image change take a while:
    // up to 15 minutes before liveness applies.
    startupProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
    readinessProbe: { ...exec, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Liveness only checks that Bolt still accepts connections: long GC pauses must not kill a server.
    livenessProbe: { tcpSocket: { port: PORTS.bolt }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 40 },
    securityContext: neo4jContainerSecurityContext(),
    volumeMounts: [
      { name: input.dataVolume, mountPath: '/data' },
      { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
      { name: 'logs', mountPath: '/logs' },
      { name: 'plugins', mountPath: '/plugins' },
      ...(input.tls ? [tlsVolumeMount()] : []),
      ...pluginVolumeMounts(input.plugins),
    ],
  };
}

/**
 * The server pod spec: one `neo4j` container with ports client, https (TLS), internal, metrics
 * (monitoring) in that order; no service account token (the server needs no API access); five
 * minutes to shut down. Deterministic: equal inputs give equal specs. Resources, node selector and
 * tolerations are copied; env entries, port objects, affinity and spread constraints are placed as given.
 */
export function serverPodSpec(input: ServerPodInput): PodSpec {
  const volumes: Volume[] = [
    { name: 'config', configMap: { name: input.configMap, defaultMode: 0o440 } },
    { name: 'logs', emptyDir: {} },
    { name: 'plugins', emptyDir: {} },
    ...(input.tls ? [tlsVolume(input.tls.secretName, input.tls.trust)] : []),
    ...pluginVolumes(input.plugins),
  ];
  // Built field by field, in the output's key order (serviceAccountName first when given): a
  // conditional spread leading an object literal, or a copy behind it, made every sync measurably
  // slower in V8.
  const pod = {} as PodSpec;
  if (input.serviceAccountName !== undefined) pod.serviceAccountName = input.serviceAccountName;
  pod.automountServiceAccountToken = false;
  // Neo4j flushes on shutdown; give it time rather than corrupting a store.
  pod.terminationGracePeriodSeconds = 300;
  pod.securityContext = neo4jPodSecurityContext();
  if (input.pullSecrets?.length) pod.imagePullSecrets = input.pullSecrets.map((name) => ({ name }));
  if (input.nodeSelector) pod.nodeSelector = { ...input.nodeSelector };
  if (input.tolerations?.length) pod.tolerations = structuredClone(input.tolerations) as PodSpec['tolerations'];
  if (input.affinity) pod.affinity = input.affinity;
  if (input.topologySpreadConstraints) pod.topologySpreadConstraints = input.topologySpreadConstraints;
  pod.containers = [serverContainer(input)];
  pod.volumes = volumes;
  return pod;
}

/**
 * The server pod template's annotations: the configuration hash first (a change restarts the
 * servers), the Prometheus scrape annotations with monitoring, then the Neo4jPlugins' label.
 */
export function serverPodAnnotations(configHash: string, monitoring: boolean, plugins: PluginSet | undefined): Record<string, string> {
  return { [CONFIG_HASH_ANNOTATION]: configHash, ...(monitoring ? PROMETHEUS_POD_ANNOTATIONS : {}), ...pluginAnnotations(plugins) };
}
