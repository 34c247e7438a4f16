/**
 * How a hook reaches a Neo4j deployment it does not own: the Neo4jEnterpriseCluster or
 * Neo4jEnterpriseStandalone a Neo4jDatabase (and later a backup or a plugin) points at. The target
 * is read as a related object (customize asks for it by name), and everything needed to talk to
 * it is derived from its spec, never from a live lookup: the client Service, the admin Secret, the
 * TLS scheme, the image that carries `cypher-shell`, and the version gates.
 *
 * Jobs built here run `cypher-shell` from the target's own image with a FIXED bash script; what
 * varies (the address, the database, the Cypher text) reaches the script only as environment
 * variables it expands inside double quotes, so no spec value is ever parsed as shell.
 *
 * TLS: cypher-shell takes no CA option (its connection arguments are address, username, password,
 * `--encryption`, database and access mode), so where the target serves TLS (a cluster with
 * `spec.tls.mode: cert-manager`; a standalone when its reconciler says so) the Jobs use the `+ssc`
 * schemes: encrypted, certificate not verified, as the operator's own client did
 * (InsecureSkipVerify). The CA Secret is still reported for clients that can pin it.
 */
import type { Container, EnvVar, PodSpec } from 'kubernetes-types/core/v1.js';
import type { RelatedResource } from '../hook/reconciler.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { API_VERSION } from '../schemas/kind.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { findObserved, type ObservedMap } from '../k8s/observed.js';
import { CLUSTER_DOMAIN, DEFAULT_ADMIN_SECRET } from '../cluster/names.js';
import { NEO4J_POD_UID, neo4jContainerSecurityContext } from '../neo4j/pod.js';
import { PORTS } from '../neo4j/config.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../neo4j/version.js';
import type { StandaloneSpec } from '../schemas/standalone.js';
import type { TLSSpec } from '../schemas/shared.js';
import { tlsModeOf } from '../tls/certificate.js';
import { tlsServed } from '../standalone/model.js';

/** The kinds a `clusterRef` may name, in lookup order (a cluster wins over a standalone). */
export const TARGET_KINDS = ['Neo4jEnterpriseCluster', 'Neo4jEnterpriseStandalone'] as const;
/** One of {@link TARGET_KINDS}. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The related resource declarations of a kind that reads a target. */
export const TARGET_RELATED: readonly RelatedResource[] = [
  { apiVersion: API_VERSION, kind: 'Neo4jEnterpriseCluster', resource: 'neo4jenterpriseclusters' },
  { apiVersion: API_VERSION, kind: 'Neo4jEnterpriseStandalone', resource: 'neo4jenterprisestandalones' },
];

/** Secret key of the admin user name and password (the operator's format). */
export const ADMIN_USERNAME_KEY = 'username';
/** Secret key of the admin password. */
export const ADMIN_PASSWORD_KEY = 'password';
/** Key of the CA certificate in a cert-manager TLS Secret. */
export const CA_KEY = 'ca.crt';

/**
 * The customize rules that bring exactly the target named `name` (as a cluster and as a
 * standalone) into `related`. No rule for an empty name: a rule must never select everything.
 */
export function targetRules(name: string, namespace: string): RelatedResourceRule[] {
  if (!name) return [];
  return TARGET_RELATED.map((r) => ({ apiVersion: r.apiVersion, resource: r.resource, namespace, names: [name] }));
}

/** The observed target, read defensively: it is another controller's object, never validated here. */
export interface Target {
  kind: TargetKind;
  name: string;
  namespace: string;
  object: K8sObject;
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The target named `name` in `namespace` among the related objects: a cluster first, else a standalone. */
export function findTarget(related: ObservedMap, name: string, namespace: string): Target | undefined {
  for (const kind of TARGET_KINDS) {
    const object = findObserved(related, kind, API_VERSION, name, namespace);
    if (object) return { kind, name, namespace, object, spec: record(object.spec), status: record(object.status) };
  }
  return undefined;
}

/** Everything needed to run a client against a target, derived from its spec. */
export interface TargetConnection {
  kind: TargetKind;
  name: string;
  namespace: string;
  /** The client Service: `<c>-client` for a cluster, `<s>-service` for a standalone. */
  service: string;
  host: string;
  port: number;
  /** `neo4j` (routing, cluster) or `bolt` (direct, standalone), with `+ssc` under TLS. */
  scheme: 'neo4j' | 'neo4j+ssc' | 'bolt' | 'bolt+ssc';
  uri: string;
  tls: boolean;
  /** The cert-manager Secret holding the CA (`ca.crt`) when TLS is on. */
  caSecret?: { name: string; key: typeof CA_KEY };
  /**
   * Secret with keys `username` and `password`: spec.auth.adminSecret, else `<target>-auth-secret`
   * when auth External Secrets feed the servers, else `neo4j-admin-secret`.
   */
  adminSecret: string;
  /** `repo:tag` of the target: its image carries cypher-shell and neo4j-admin of the right version. */
  image: string;
  imagePullPolicy: string;
  imagePullSecrets: string[];
  /** Parsed image tag; undefined when the tag is not a Neo4j version. */
  version?: Neo4jVersion;
}

/** A target as a client sees it: absent, unusable, not ready yet, or ready. */
export type TargetState =
  | { state: 'missing' }
  | { state: 'unusable'; target: Target; reason: string; message: string }
  | { state: 'waiting'; target: Target; connection: TargetConnection; reason: string; message: string }
  | { state: 'ready'; target: Target; connection: TargetConnection };

function readyCondition(status: Record<string, unknown>): string | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const ready = conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === 'Ready');
  return typeof ready?.status === 'string' ? ready.status : undefined;
}

/**
 * Whether the target serves clients. A cluster needs phase `Ready` (the operator's Ready condition
 * was True while forming, so the condition alone is not trusted) and no Ready=False; without a
 * phase, the Ready condition decides. A standalone needs `status.ready: true`, or a True Ready
 * condition without a contrary phase.
 */
export function isTargetReady(target: Target): boolean {
  const phase = text(target.status.phase);
  const condition = readyCondition(target.status);
  if (target.kind === 'Neo4jEnterpriseStandalone' && target.status.ready === true) return true;
  if (phase !== undefined) return phase === 'Ready' && condition !== 'False';
  return condition === 'True';
}

/** The admin Secret the target's servers use (the same rule as the cluster and standalone pods). */
function targetAdminSecret(name: string, auth: Record<string, unknown>): string {
  const explicit = text(auth.adminSecret);
  if (explicit) return explicit;
  return record(auth.externalSecrets).enabled === true ? `${name}-auth-secret` : DEFAULT_ADMIN_SECRET;
}

/** Connection facts of a target whose spec names an image; undefined otherwise. */
export function targetConnection(target: Target): TargetConnection | undefined {
  const image = record(target.spec.image);
  const repo = text(image.repo);
  const tag = text(image.tag);
  if (!repo || !tag) return undefined;
  const cluster = target.kind === 'Neo4jEnterpriseCluster';
  // The standalone reconciler decides whether its server actually serves TLS; a cluster with
  // cert-manager TLS serves Bolt over TLS (optional TLS, so +ssc always connects).
  const tls = cluster ? isRecord(target.spec.tls) && tlsModeOf(target.spec.tls as TLSSpec) === 'cert-manager' : tlsServed(target.spec as unknown as StandaloneSpec);
  const service = cluster ? `${target.name}-client` : `${target.name}-service`;
  const host = `${service}.${target.namespace}.svc.${CLUSTER_DOMAIN}`;
  const base = cluster ? 'neo4j' : 'bolt';
  const scheme = (tls ? `${base}+ssc` : base) as TargetConnection['scheme'];
  const parsed = parseNeo4jVersion(tag);
  const pullSecrets = Array.isArray(image.pullSecrets) ? image.pullSecrets.filter((s): s is string => typeof s === 'string' && s !== '') : [];
  return {
    kind: target.kind,
    name: target.name,
    namespace: target.namespace,
    service,
    host,
    port: PORTS.bolt,
    scheme,
    uri: `${scheme}://${host}:${PORTS.bolt}`,
    tls,
    ...(tls ? { caSecret: { name: `${target.name}-tls-secret`, key: CA_KEY } } : {}),
    adminSecret: targetAdminSecret(target.name, record(target.spec.auth)),
    image: `${repo}:${tag}`,
    imagePullPolicy: text(image.pullPolicy) ?? 'IfNotPresent',
    imagePullSecrets: [...new Set(pullSecrets)].sort(),
    ...(parsed.ok ? { version: parsed.version } : {}),
  };
}

/** Looks the target up among the related objects and says whether a client can use it now. */
export function resolveTarget(related: ObservedMap, name: string, namespace: string): TargetState {
  const target = findTarget(related, name, namespace);
  if (!target) return { state: 'missing' };
  const label = `${target.kind} ${target.name}`;
  if (target.object.metadata.deletionTimestamp) {
    return { state: 'unusable', target, reason: 'ClusterDeleting', message: `${label} is being deleted` };
  }
  const connection = targetConnection(target);
  if (!connection) {
    return { state: 'unusable', target, reason: 'ClusterInvalid', message: `${label} has no spec.image.repo and spec.image.tag` };
  }
  if (!isTargetReady(target)) {
    const phase = text(target.status.phase);
    return { state: 'waiting', target, connection, reason: 'ClusterNotReady', message: `${label} is not ready yet (phase ${phase ?? 'unknown'})` };
  }
  return { state: 'ready', target, connection };
}

/**
 * The script every cypher-shell Job runs, verbatim. It writes `$NEO4J_HOOKS_CYPHER` to a file,
 * waits until `$NEO4J_DATABASE` answers `$NEO4J_HOOKS_PROBE` (up to 60 attempts, 5 s apart: the
 * target may still be electing a leader or starting the database), then runs the file with
 * `--file`, which stops at the first failing statement and exits non-zero. The user name and
 * password come from NEO4J_USERNAME and NEO4J_PASSWORD, which cypher-shell reads itself, so the
 * password is never on a command line.
 */
export const CYPHER_SHELL_SCRIPT = `set -euo pipefail
printf '%s\\n' "$NEO4J_HOOKS_CYPHER" > /scratch/statements.cypher
attempt=1
until cypher-shell -a "$NEO4J_ADDRESS" -d "$NEO4J_DATABASE" --format plain "$NEO4J_HOOKS_PROBE" > /dev/null; do
  if [ "$attempt" -ge 60 ]; then
    echo "neo4j-hooks: $NEO4J_ADDRESS did not answer for database $NEO4J_DATABASE after $attempt attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 5
done
exec cypher-shell -a "$NEO4J_ADDRESS" -d "$NEO4J_DATABASE" --format plain --file /scratch/statements.cypher
`;

/** Probe for the `system` database (it runs administration commands only, so no `RETURN 1`). */
export const SYSTEM_PROBE = 'SHOW DEFAULT DATABASE YIELD name';
/** Probe for a user database: answers only once the database is online. */
export const DATABASE_PROBE = 'RETURN 1';

/** Largest Cypher script a Job can carry: one environment string must stay under Linux's 128 KiB. */
export const MAX_SCRIPT_BYTES = 120 * 1024;

/** UTF-8 size of a script, as the kernel counts it. */
export function scriptBytes(script: string): number {
  return new TextEncoder().encode(script).length;
}

/** What one cypher-shell run needs. */
export interface CypherShellRun {
  /** `system` for administration commands, else the database the statements run in. */
  database: string;
  /** The complete script (see lib/cypher/script.ts); built only from escaped values. */
  cypher: string;
}

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** The `cypher-shell` container: target image, fixed script, run-specific environment. */
export function cypherShellContainer(connection: TargetConnection, run: CypherShellRun): Container {
  return {
    name: 'cypher-shell',
    image: connection.image,
    imagePullPolicy: connection.imagePullPolicy,
    command: ['/bin/bash', '-c', CYPHER_SHELL_SCRIPT],
    env: [
      { name: 'NEO4J_ADDRESS', value: connection.uri },
      { name: 'NEO4J_DATABASE', value: run.database },
      secretEnv('NEO4J_USERNAME', connection.adminSecret, ADMIN_USERNAME_KEY),
      secretEnv('NEO4J_PASSWORD', connection.adminSecret, ADMIN_PASSWORD_KEY),
      { name: 'NEO4J_HOOKS_PROBE', value: run.database === 'system' ? SYSTEM_PROBE : DATABASE_PROBE },
      { name: 'NEO4J_HOOKS_CYPHER', value: run.cypher },
    ],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    securityContext: neo4jContainerSecurityContext(),
    volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
  };
}

/**
 * The pod of a cypher-shell Job: never restarted in place (the Job's backoffLimit decides retries),
 * no service account token, the Neo4j user (uid/gid 7474) as in the server pods, the target's
 * image pull secrets.
 */
export function cypherShellPod(connection: TargetConnection, run: CypherShellRun): PodSpec {
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NEO4J_POD_UID,
      runAsGroup: NEO4J_POD_UID,
      fsGroup: NEO4J_POD_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(connection.imagePullSecrets.length ? { imagePullSecrets: connection.imagePullSecrets.map((name) => ({ name })) } : {}),
    containers: [cypherShellContainer(connection, run)],
    volumes: [{ name: 'scratch', emptyDir: {} }],
  };
}
