/**
 * Rolling changes of a Neo4jEnterpriseCluster's servers (an image upgrade, a configuration change,
 * any pod template change) as a state machine over observation: the StatefulSet as observed (its
 * pod-template hash annotation, `rollingUpdate.partition`, replica counts and revisions) and the
 * previous `status.upgradeStatus`. The hook keeps no other memory.
 *
 * Strategy RollingUpgrade (StatefulSet RollingUpdate), on a cluster that has formed once
 * (`status.version` is set), follows the operator's fixed design (operator.md §8.3):
 *
 *   1. a new pod template is emitted with `partition = replicas`: no server changes yet (Pending);
 *   2. when every server is ready and available (preUpgradeHealthCheck, default on) the partition
 *      drops to `replicas − 1`: Kubernetes replaces the highest ordinal;
 *   3. the partition drops by one only once every server at or above it runs the new revision
 *      (`updatedReplicas ≥ replicas − partition`) and every server is ready and available
 *      (`minReadySeconds`, {@link SERVER_MIN_READY_SECONDS}, makes Kubernetes wait before it counts a
 *      pod available); ordinal 0 is always last;
 *   4. at partition 0 with every server updated, ready and available the upgrade is Completed:
 *      `status.version` becomes the new tag and `lastUpgradeTime` is set.
 *
 * A step that does not finish within `upgradeTimeout` (default 30m, per step, measured with
 * request.now from `upgradeStatus.stepStartTime`) is reported Paused (autoPauseOnFailure, default)
 * or Failed; in both cases the partition stays where it is, so no further server is touched, and
 * the rollout continues by itself when the server becomes ready. A new spec re-plans: while the
 * first server is in flight the new template replaces it at once; later, the new template is
 * frozen again and waits for the health check. A cluster that never formed has no quorum to
 * protect: Kubernetes rolls it natively (partition 0), which also replaces a server that never
 * became ready.
 *
 * Strategy Recreate (StatefulSet OnDelete): the new template is applied at once and servers change
 * only when the user deletes their pods; status says which pod is next and counts updatedReplicas.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConditionInput } from '../k8s/conditions.js';
import { parseGoDuration } from '../k8s/duration.js';
import { contentHash } from '../k8s/hash.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { checkUpgradePath } from '../neo4j/version.js';
import type { UpgradeStatus } from '../schemas/cluster.js';
import type { Cluster } from './model.js';
import type { ClusterNames } from './names.js';
import { imageTag, type ServerSetObservation } from './observation.js';

/** StatefulSet annotation: hash of the pod template it was given (how a new change is recognised). */
export const TEMPLATE_HASH_ANNOTATION = 'neo4j.com/pod-template-hash';

/** `spec.minReadySeconds` of the server StatefulSet: how long a restarted server must stay ready before the next one goes. */
export const SERVER_MIN_READY_SECONDS = 30;

/** The operator's default `upgradeTimeout`: the longest one server's step may take. */
export const DEFAULT_UPGRADE_TIMEOUT = '30m';

const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * JSON with sorted keys (undefined members dropped, as JSON.stringify does), so equal objects hash
 * equally. The output must never change for the same input: it names the template every running
 * cluster was rolled to, and a different hash would restart every server.
 *
 * Fast path: a copy with every object's keys inserted in sorted order, written by the native
 * serializer. Engines enumerate integer-like keys first, in numeric order, and `__proto__` cannot be
 * inserted as a plain key, so a value holding a key that starts with a digit, or `__proto__`, is
 * written out by hand instead.
 */
function canonicalJson(value: unknown): string {
  let unsortable = false;
  const sorted = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sorted);
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node).sort()) {
      const first = key.charCodeAt(0);
      if ((first >= 0x30 && first <= 0x39) || key === '__proto__') unsortable = true;
      else out[key] = sorted(node[key]);
    }
    return out;
  };
  const copy = sorted(value);
  return unsortable ? handWrittenJson(value) : (JSON.stringify(copy) ?? 'null');
}

/** {@link canonicalJson} by hand, one member at a time. */
function handWrittenJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : handWrittenJson(v))).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${handWrittenJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 16 hex digits identifying a pod template by content (key order does not matter). */
export function podTemplateHash(template: unknown): string {
  return contentHash(canonicalJson(template ?? {}));
}

function previousStatus(cluster: Cluster): { version?: string; lastUpgradeTime?: string; upgrade?: UpgradeStatus } {
  const status = isRecord(cluster.status) ? cluster.status : {};
  return {
    ...(typeof status.version === 'string' && status.version ? { version: status.version } : {}),
    ...(typeof status.lastUpgradeTime === 'string' ? { lastUpgradeTime: status.lastUpgradeTime } : {}),
    ...(isRecord(status.upgradeStatus) ? { upgrade: status.upgradeStatus as UpgradeStatus } : {}),
  };
}

/** Whether the servers at and above the observed partition may already run the template image (ready). */
function templateMayRun(observed: ServerSetObservation): boolean {
  if (observed.onDelete) return observed.updatedReplicas > 0;
  const replicas = observed.replicas;
  const partition = Math.min(observed.partition, replicas);
  if (partition >= replicas) return false;
  // Only the first server is in flight: it ran the template ready only if everything is ready now.
  if (partition === replicas - 1) return observed.updatedReplicas >= 1 && observed.readyReplicas >= replicas;
  return true;
}

/**
 * Why the image tag in the spec cannot be rolled out, or undefined. Checked from every version a
 * server may be running: `status.version` (what every server last ran ready) and the observed
 * template's tag unless it has reached no server yet (frozen at `partition = replicas`, or only the
 * first server is in flight and never became ready: that upgrade may still be reverted).
 */
export function upgradePathError(cluster: Cluster, observed: ServerSetObservation | undefined): string | undefined {
  const tag = cluster.spec.image.tag;
  const running: string[] = [];
  const version = previousStatus(cluster).version;
  if (version) running.push(version);
  const templateTag = observed ? imageTag(observed.image) : undefined;
  if (observed && templateTag && !running.includes(templateTag) && templateMayRun(observed)) running.push(templateTag);
  for (const from of running) {
    if (from === tag) continue;
    const path = checkUpgradePath(from, tag);
    if (!path.allowed) return `image tag change from ${from} to ${tag} refused: ${path.reason}`;
  }
  return undefined;
}

/** Inputs of {@link planRollout}. */
export interface RolloutInput {
  cluster: Cluster;
  names: ClusterNames;
  /** The StatefulSet this sync emits: its pod template is the target. */
  desired: StatefulSet & K8sObject;
  observed: ServerSetObservation | undefined;
  now: Date;
  /** A committed scale-in is draining servers: no server restarts until it ends. */
  holdSteps: boolean;
}

/** What the rollout adds to the cluster status. */
export interface RolloutReport {
  /** 'upgrade' when the image tag differs from status.version, else 'config'. */
  kind: 'upgrade' | 'config';
  upgradeStatus: UpgradeStatus;
  version?: string;
  lastUpgradeTime?: string;
  /** The cluster phase the rollout decides (Upgrading, Paused, Failed, or Ready while one server restarts); undefined: the usual phase. */
  phase?: string;
  message?: string;
  /** The Progressing condition; undefined: the usual one. */
  progressing?: ConditionInput;
}

/** The decision of one sync. */
export interface RolloutPlan {
  /** Hash of the desired pod template (stamped on the StatefulSet). */
  templateHash: string;
  /** `rollingUpdate.partition` to emit (0 when not gated). */
  partition: number;
  /** A rollout is under way: the StatefulSet keeps its size until it ends. */
  active: boolean;
  /** What status should carry; undefined: carry the previous upgradeStatus unchanged. */
  report?: RolloutReport;
}

type Stage = { kind: 'precheck' } | { kind: 'server'; ordinal: number } | { kind: 'recreate'; updated: number } | { kind: 'done' };

const ACTIVE_PHASES = new Set(['Pending', 'InProgress', 'Paused', 'Failed']);

function stamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

function formatTimeout(ms: number): string {
  const minutes = ms / 60000;
  return Number.isInteger(minutes) ? `${minutes}m` : `${Math.round(ms / 1000)}s`;
}

/** The rollout decision and its status (see the module comment). */
export function planRollout(input: RolloutInput): RolloutPlan {
  const { cluster, names, desired, observed, now } = input;
  const templateHash = podTemplateHash(desired.spec?.template);
  const previous = previousStatus(cluster);
  if (!observed) return { templateHash, partition: 0, active: false };

  const replicas = observed.replicas;
  const strategy = cluster.spec.upgradeStrategy;
  const recreate = strategy?.strategy === 'Recreate';
  const partition = Math.min(observed.partition, replicas);
  const formed = previous.version !== undefined || (!observed.onDelete && partition > 0);
  const observedHash = observed.object.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION] ?? podTemplateHash(observed.applied.spec?.template);
  const switchedToRolling = !recreate && observed.onDelete && observed.updatedReplicas < replicas;
  const changed = observedHash !== templateHash || (formed && switchedToRolling);
  if (!formed) return { templateHash, partition: 0, active: false };

  const tag = cluster.spec.image.tag;
  const kind: RolloutReport['kind'] = tag !== previous.version ? 'upgrade' : 'config';
  const previousActive = previous.upgrade?.phase !== undefined && ACTIVE_PHASES.has(previous.upgrade.phase);
  const healthy = observed.caughtUp && observed.readyReplicas >= replicas && observed.availableReplicas >= replicas;
  const stepDone = (p: number) => healthy && observed.updatedReplicas >= replicas - p;

  let next = 0;
  let stage: Stage;
  let active: boolean;
  if (recreate) {
    const updated = changed ? 0 : Math.min(observed.updatedReplicas, replicas);
    const done = !changed && observed.caughtUp && updated >= replicas && observed.readyReplicas >= replicas;
    active = !done && (changed || updated < replicas || previousActive);
    stage = done ? { kind: 'done' } : { kind: 'recreate', updated };
  } else {
    const precheck = strategy?.preUpgradeHealthCheck !== false;
    if (changed) {
      // A new template. Nothing in flight: freeze it everywhere. The first server in flight (and
      // maybe failing): it takes the new template at once. A later server in flight: freeze and
      // wait for health, unless the health check is off (then Kubernetes replaces the servers
      // above the partition first, so two may be down at once).
      const settled = partition >= replicas || stepDone(partition);
      next = settled ? replicas : partition === replicas - 1 ? partition : precheck ? replicas : partition;
    } else if (partition >= replicas) {
      next = !input.holdSteps && (!precheck || healthy) ? replicas - 1 : replicas;
    } else if (partition > 0) {
      next = !input.holdSteps && stepDone(partition) ? partition - 1 : partition;
    }
    const done = !changed && partition === 0 && stepDone(0);
    active = !done && (changed || partition > 0 || observed.updatedReplicas < replicas || previousActive);
    stage = done ? { kind: 'done' } : next >= replicas ? { kind: 'precheck' } : { kind: 'server', ordinal: next };
  }

  if (!active && stage.kind !== 'done') return { templateHash, partition: next, active: false };
  if (stage.kind === 'done') {
    if (!previousActive) return { templateHash, partition: 0, active: false };
    return { templateHash, partition: 0, active: false, report: completed(cluster, previous, kind, templateHash, replicas, now) };
  }
  const onTarget = changed ? 0 : Math.min(observed.updatedReplicas, replicas);
  return { templateHash, partition: next, active: true, report: inProgress({ cluster, names, previous, kind, templateHash, stage, replicas, observed, onTarget, now, holdSteps: input.holdSteps }) };
}

function completed(cluster: Cluster, previous: ReturnType<typeof previousStatus>, kind: RolloutReport['kind'], templateHash: string, replicas: number, now: Date): RolloutReport {
  const tag = cluster.spec.image.tag;
  const before = previous.upgrade;
  const upgradeStatus: UpgradeStatus = {
    phase: 'Completed',
    startTime: before?.startTime ?? stamp(now),
    completionTime: stamp(now),
    currentStep: 'Completed',
    previousVersion: before?.previousVersion ?? previous.version ?? tag,
    targetVersion: tag,
    templateHash,
    progress: { total: replicas, upgraded: replicas, inProgress: 0, pending: 0 },
    message: kind === 'upgrade' ? `Rolling upgrade to ${tag} completed on ${replicas} servers` : `Pod template change rolled out to ${replicas} servers`,
    ...(before?.lastError && before.templateHash === templateHash ? { lastError: before.lastError } : {}),
  };
  return {
    kind,
    upgradeStatus,
    version: tag,
    ...(kind === 'upgrade' ? { lastUpgradeTime: stamp(now) } : previous.lastUpgradeTime ? { lastUpgradeTime: previous.lastUpgradeTime } : {}),
  };
}

interface ProgressInput {
  cluster: Cluster;
  names: ClusterNames;
  previous: ReturnType<typeof previousStatus>;
  kind: RolloutReport['kind'];
  templateHash: string;
  stage: Exclude<Stage, { kind: 'done' }>;
  replicas: number;
  observed: ServerSetObservation;
  /** Servers observed on the target template (0 in the sync that applies it). */
  onTarget: number;
  now: Date;
  holdSteps: boolean;
}

function stepText(input: ProgressInput): string {
  const { stage, kind, names } = input;
  if (stage.kind === 'precheck') return 'Pre-upgrade health check';
  if (stage.kind === 'recreate') return 'Waiting for pod deletions';
  return `${kind === 'upgrade' ? 'Upgrading' : 'Restarting'} server ${stage.ordinal} (${names.pod(stage.ordinal)})`;
}

function inProgress(input: ProgressInput): RolloutReport {
  const { cluster, names, previous, kind, templateHash, stage, replicas, observed, onTarget, now } = input;
  const tag = cluster.spec.image.tag;
  const strategy = cluster.spec.upgradeStrategy;
  const before = previous.upgrade;
  const continuing = before?.phase !== undefined && ACTIVE_PHASES.has(before.phase);
  const currentStep = stepText(input);
  const sameStep = before?.templateHash === templateHash && before.currentStep === currentStep && typeof before.stepStartTime === 'string';
  const stepStartTime = sameStep ? before!.stepStartTime! : stamp(now);
  const timeoutMs = parseGoDuration(strategy?.upgradeTimeout ?? DEFAULT_UPGRADE_TIMEOUT) ?? DEFAULT_TIMEOUT_MS;
  const waited = now.getTime() - Date.parse(stepStartTime);
  const timedOut = stage.kind !== 'recreate' && !input.holdSteps && waited > timeoutMs;
  const ready = `${observed.readyReplicas}/${replicas} servers ready, ${onTarget}/${replicas} on the new pod template`;

  const progress =
    stage.kind === 'precheck'
      ? { total: replicas, upgraded: 0, inProgress: 0, pending: replicas }
      : stage.kind === 'server'
        ? { total: replicas, upgraded: replicas - 1 - stage.ordinal, inProgress: 1, pending: stage.ordinal }
        : { total: replicas, upgraded: stage.updated, inProgress: 0, pending: replicas - stage.updated };

  let lastError = before?.templateHash === templateHash ? before.lastError : undefined;
  if (timedOut) {
    lastError =
      stage.kind === 'precheck'
        ? `pre-upgrade health check failed: not every server was ready within ${formatTimeout(timeoutMs)} (${ready}); no server was restarted`
        : `${names.pod((stage as { ordinal: number }).ordinal)} did not become ready and available within ${formatTimeout(timeoutMs)} (${ready})`;
  }
  const paused = timedOut && strategy?.autoPauseOnFailure !== false;
  const phase: UpgradeStatus['phase'] = timedOut ? (paused ? 'Paused' : 'Failed') : stage.kind === 'precheck' ? 'Pending' : 'InProgress';

  const noun = kind === 'upgrade' ? 'Upgrade' : 'Rollout';
  const from = before && continuing ? (before.previousVersion ?? previous.version) : previous.version;
  const what = kind === 'upgrade' ? `Rolling upgrade from ${from} to ${tag}` : 'Rolling out a pod template change';
  let detail: string;
  if (stage.kind === 'recreate') {
    const nextOrdinal = replicas - 1 - stage.updated;
    detail =
      `upgradeStrategy Recreate: servers change only when their pods are deleted. Delete them one at a time, highest ordinal first, waiting for each to be ready again` +
      (stage.updated < replicas ? ` (next: kubectl delete pod -n ${cluster.metadata.namespace} ${names.pod(Math.max(nextOrdinal, 0))})` : '') +
      `; ${stage.updated}/${replicas} servers updated`;
  } else if (stage.kind === 'precheck') {
    detail = `${input.holdSteps ? 'waiting for the scale-in to finish' : 'pre-upgrade health check'} before the first restart (${ready})`;
  } else {
    detail = `${currentStep.charAt(0).toLowerCase()}${currentStep.slice(1)}; ${progress.upgraded}/${replicas} servers done` + (input.holdSteps ? ', waiting for the scale-in to finish' : '');
  }
  const message = timedOut ? `${lastError}; the partition stays at ${stage.kind === 'precheck' ? replicas : (stage as { ordinal: number }).ordinal}, so no other server is touched` : `${what}: ${detail}`;

  const upgradeStatus: UpgradeStatus = {
    phase,
    startTime: continuing && before?.startTime ? before.startTime : stamp(now),
    currentStep,
    stepStartTime,
    previousVersion: from ?? tag,
    targetVersion: tag,
    templateHash,
    progress,
    message,
    ...(lastError ? { lastError } : {}),
  };

  let clusterPhase: string | undefined;
  let clusterMessage: string | undefined;
  if (phase === 'Paused') {
    clusterPhase = 'Paused';
    clusterMessage = `${noun} paused due to failure - manual intervention required: ${message}`;
  } else if (phase === 'Failed') {
    clusterPhase = 'Failed';
    clusterMessage = `${noun} failed: ${message}`;
  } else if (kind === 'upgrade') {
    clusterPhase = 'Upgrading';
    clusterMessage = message;
  } else if (stage.kind === 'server' && observed.readyReplicas >= replicas - 1) {
    // A formed cluster restarting one server keeps its quorum: it stays Ready.
    clusterPhase = 'Ready';
    clusterMessage = `Neo4j cluster is ready; ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
  const reason = phase === 'Paused' ? `${noun}Paused` : phase === 'Failed' ? `${noun}Failed` : kind === 'upgrade' ? 'Upgrading' : 'RollingUpdate';
  return {
    kind,
    upgradeStatus,
    ...(previous.version ? { version: previous.version } : {}),
    ...(previous.lastUpgradeTime ? { lastUpgradeTime: previous.lastUpgradeTime } : {}),
    ...(clusterPhase ? { phase: clusterPhase } : {}),
    ...(clusterMessage ? { message: clusterMessage } : {}),
    progressing: { type: 'Progressing', status: 'True', reason, message },
  };
}

/**
 * The StatefulSet with the rollout applied: the template hash annotation and, for RollingUpdate,
 * the partition. `replicas` is the size emitted this sync; a frozen partition never exceeds it.
 */
export function withRollout(statefulSet: StatefulSet & K8sObject, plan: RolloutPlan): StatefulSet & K8sObject {
  const spec = statefulSet.spec!;
  const replicas = spec.replicas ?? 0;
  const updateStrategy =
    spec.updateStrategy?.type === 'OnDelete' ? spec.updateStrategy : { type: 'RollingUpdate', rollingUpdate: { partition: Math.min(plan.partition, replicas) } };
  return {
    ...statefulSet,
    metadata: { ...statefulSet.metadata, annotations: { ...statefulSet.metadata.annotations, [TEMPLATE_HASH_ANNOTATION]: plan.templateHash } },
    spec: { ...spec, updateStrategy },
  };
}
