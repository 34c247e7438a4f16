/**
 * The cluster's status, from observation: phase `Initializing` until the server StatefulSet
 * exists, `Forming` until every server is ready, then `Ready`; `Failed` when the spec is
 * refused; during a rollout of a formed cluster `Upgrading` (image change), `Paused` or `Failed`
 * (a step timed out), as lib/cluster/upgrade.ts decides, with `upgradeStatus`; a scale-in adds the
 * `ScalingDown` condition (lib/cluster/scale.ts). The `Ready` condition is True only in phase
 * Ready (the operator said True while forming, which let databases and backups start against a
 * cluster that was not there).
 */
import { tlsModeOf } from '../tls/certificate.js';
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import { deploymentEndpoints, deploymentStatusResult, previousStatusString, readyCondition, readyProgressing, validationFailedPhase, type DeploymentStatusInput, type DeploymentStatusResult } from '../neo4j/deployment-status.js';
import type { Cluster } from './model.js';
import type { ClusterNames } from './names.js';
import { imageTag } from './observation.js';
import type { RolloutReport } from './upgrade.js';

/** Inputs of {@link clusterStatus}. */
export interface StatusInput extends DeploymentStatusInput<Cluster, ClusterNames> {
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
export type StatusResult = DeploymentStatusResult;

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
    ({ phase, message, progressing } = validationFailedPhase(errors));
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
    progressing = readyProgressing(rolling, observed.rolledOut, {
      rolling: `Rolling out a change: ${observed.updatedReplicas}/${observed.replicas} servers updated`,
      stable: 'All servers run the desired configuration',
    });
  }
  if (rollout?.phase) {
    phase = rollout.phase;
    message = rollout.message ?? message;
  }
  if (rollout?.progressing) progressing = rollout.progressing;
  const scalingDown = errors.length > 0 ? undefined : input.lifecycle?.scalingDown;
  const previous = cluster.status;
  // The version every server runs, ready; during a rollout the one it started from.
  const running = observed?.rolledOut && observed.readyReplicas >= observed.replicas ? imageTag(observed.image) : undefined;
  const version = rollout ? (rollout.version ?? previousStatusString(previous, 'version')) : (running ?? previousStatusString(previous, 'version'));
  const upgradeStatus = rollout ? rollout.upgradeStatus : previousUpgradeStatus(previous);
  const lastUpgradeTime = rollout ? rollout.lastUpgradeTime : previousStatusString(previous, 'lastUpgradeTime');
  const status: Record<string, unknown> = {
    phase,
    message,
    conditions: buildConditions([readyCondition(phase, message, errors.length > 0), progressing, ...(scalingDown ? [scalingDown] : [])], previous, cluster.metadata.generation, request.now),
    replicas: { servers, ready },
    endpoints: deploymentEndpoints(names, cluster.metadata.namespace!, tlsModeOf(cluster.spec.tls) === 'cert-manager'),
    ...(version ? { version } : {}),
    ...(lastUpgradeTime ? { lastUpgradeTime } : {}),
    ...(upgradeStatus ? { upgradeStatus } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const settling = errors.length === 0 && (phase !== 'Ready' || progressing.status === 'True' || input.lifecycle?.settling === true);
  return deploymentStatusResult(status, settling);
}
