/**
 * The cluster's status, from observation: phase `Initializing` until the server StatefulSet
 * exists, `Forming` until every server is ready, then `Ready`; `Failed` when the spec is
 * refused; during a rollout of a formed cluster `Upgrading` (image change), `Paused` or `Failed`
 * (a step timed out), as lib/cluster/upgrade.ts decides, with `upgradeStatus`; a scale-in adds the
 * `ScalingDown` condition (lib/cluster/scale.ts). The `Ready` condition is True only in phase
 * Ready (the operator said True while forming, which let databases and backups start against a
 * cluster that was not there).
 */
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import type { HookRequest } from '../hook/reconciler.js';
import { PORTS } from '../neo4j/config.js';
import type { Cluster } from './model.js';
import type { ClusterNames } from './names.js';
import type { ServerSetObservation } from './observation.js';
import { imageTag } from './observation.js';
import type { RolloutReport } from './upgrade.js';

/** Seconds until the next sync while something is still changing. */
export const PROGRESS_RESYNC_SECONDS = 15;

/** Connection details of a cluster (endpoints are derived from names, not observed). */
export function clusterEndpoints(names: ClusterNames, namespace: string, tls: boolean) {
  const client = names.serviceFqdn(names.client);
  return {
    bolt: `bolt://${client}:${PORTS.bolt}`,
    http: `http://${client}:${PORTS.http}`,
    ...(tls ? { https: `https://${client}:${PORTS.https}` } : {}),
    internal: { headless: names.serviceFqdn(names.headless), client },
    connectionExamples: {
      portForward: `kubectl port-forward -n ${namespace} svc/${names.client} ${PORTS.http}:${PORTS.http} ${PORTS.bolt}:${PORTS.bolt}`,
      browserURL: `http://localhost:${PORTS.http}`,
      boltURI: `${tls ? 'bolt+ssc' : 'bolt'}://localhost:${PORTS.bolt}`,
      neo4jURI: `${tls ? 'neo4j+s' : 'neo4j'}://${client}:${PORTS.bolt}`,
      pythonExample: `GraphDatabase.driver("${tls ? 'neo4j+s' : 'neo4j'}://${client}:${PORTS.bolt}", auth=(username, password))`,
      javaExample: `GraphDatabase.driver("${tls ? 'neo4j+s' : 'neo4j'}://${client}:${PORTS.bolt}", AuthTokens.basic(username, password))`,
    },
  };
}

/** Inputs of {@link clusterStatus}. */
export interface StatusInput {
  request: HookRequest<Cluster>;
  names: ClusterNames;
  observed: ServerSetObservation | undefined;
  warnings: string[];
  /** Validation errors; non-empty means phase Failed. */
  errors: string[];
  /** The pod template we emit differs from the observed one: a rollout is pending or running. */
  rolling: boolean;
  /** What the rollout (lib/cluster/upgrade.ts) and scaling (lib/cluster/scale.ts) decided; valid specs only. */
  lifecycle?: {
    rollout?: RolloutReport;
    /** The ScalingDown condition while a scale-in is under way or failed. */
    scalingDown?: ConditionInput;
    /** Something is moving (a drain, pods going away): resync soon. */
    settling?: boolean;
  };
}

/** The status and whether to resync soon. */
export interface StatusResult {
  status: Record<string, unknown>;
  resyncAfterSeconds?: number;
}

function previousField(previous: unknown, field: 'version' | 'lastUpgradeTime'): string | undefined {
  const value = (previous as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}

function previousUpgradeStatus(previous: unknown): unknown {
  const value = (previous as { upgradeStatus?: unknown } | undefined)?.upgradeStatus;
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** Derives the cluster status (see the module comment). */
export function clusterStatus(input: StatusInput): StatusResult {
  const { request, names, observed, warnings, errors, rolling } = input;
  const rollout = errors.length > 0 ? undefined : input.lifecycle?.rollout;
  const cluster = request.parent;
  const servers = cluster.spec.topology.servers;
  const ready = observed?.readyReplicas ?? 0;
  let phase: string;
  let message: string;
  let progressing: ConditionInput;
  if (errors.length > 0) {
    phase = 'Failed';
    message = `Validation failed: ${errors.join('; ')}`;
    progressing = { type: 'Progressing', status: 'False', reason: 'ValidationFailed', message: 'Changes are held until the spec is fixed; existing objects are left as they are' };
  } else if (!observed) {
    phase = 'Initializing';
    message = 'Starting cluster reconciliation';
    progressing = { type: 'Progressing', status: 'True', reason: 'Creating', message: 'Creating the cluster objects' };
  } else if (ready < servers) {
    phase = 'Forming';
    message = `Cluster formation in progress: ${ready}/${servers} servers ready`;
    progressing = { type: 'Progressing', status: 'True', reason: 'Forming', message };
  } else {
    phase = 'Ready';
    message = 'Neo4j cluster is fully formed and ready';
    progressing = rolling || !observed.rolledOut
      ? { type: 'Progressing', status: 'True', reason: 'RollingUpdate', message: `Rolling out a change: ${observed.updatedReplicas}/${observed.replicas} servers updated` }
      : { type: 'Progressing', status: 'False', reason: 'Stable', message: 'All servers run the desired configuration' };
  }
  if (rollout?.phase) {
    phase = rollout.phase;
    message = rollout.message ?? message;
  }
  if (rollout?.progressing) progressing = rollout.progressing;
  const scalingDown = errors.length > 0 ? undefined : input.lifecycle?.scalingDown;
  const readyCondition: ConditionInput = {
    type: 'Ready',
    status: phase === 'Ready' ? 'True' : 'False',
    reason: errors.length > 0 ? 'ValidationFailed' : phase,
    message,
  };
  const previous = cluster.status;
  // The version every server runs, ready; during a rollout the one it started from.
  const running = observed?.rolledOut && observed.readyReplicas >= observed.replicas ? imageTag(observed.image) : undefined;
  const version = rollout ? (rollout.version ?? previousField(previous, 'version')) : (running ?? previousField(previous, 'version'));
  const upgradeStatus = rollout ? rollout.upgradeStatus : previousUpgradeStatus(previous);
  const lastUpgradeTime = rollout ? rollout.lastUpgradeTime : previousField(previous, 'lastUpgradeTime');
  const status: Record<string, unknown> = {
    phase,
    message,
    conditions: buildConditions([readyCondition, progressing, ...(scalingDown ? [scalingDown] : [])], previous, cluster.metadata.generation, request.now),
    replicas: { servers, ready },
    endpoints: clusterEndpoints(names, cluster.metadata.namespace!, cluster.spec.tls?.mode === 'cert-manager'),
    ...(version ? { version } : {}),
    ...(lastUpgradeTime ? { lastUpgradeTime } : {}),
    ...(upgradeStatus ? { upgradeStatus } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const settling = errors.length === 0 && (phase !== 'Ready' || progressing.status === 'True' || input.lifecycle?.settling === true);
  return { status, ...(settling ? { resyncAfterSeconds: PROGRESS_RESYNC_SECONDS } : {}) };
}
