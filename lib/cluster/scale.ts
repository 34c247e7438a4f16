/**
 * Scaling a Neo4jEnterpriseCluster, as a state machine over the observed StatefulSet and the
 * observed drain Jobs. Scaling out only raises `replicas`: running servers keep their pods.
 * Scaling in never just lowers `replicas`: the departing servers (ordinals ≥ the new count) first
 * give up their databases, in Neo4j's order (neo4j.md §5, Operations Manual "Removing a server"):
 *
 *   1. Job `<c>-drain-<from>-to-<to>` (cypher-shell on `system` through the client Service, with
 *      the admin Secret the servers use) finds each departing server in SHOW SERVERS by its
 *      advertised address `<c>-server-<i>.<c>-headless.<ns>.svc.cluster.local`, runs
 *      `DEALLOCATE DATABASES FROM SERVERS …` for those still Enabled or Cordoned, waits until all
 *      are Deallocated (they host nothing but `system`), then `DROP SERVER` each (the manual drops
 *      a server before its process stops); the script is idempotent, so a retry resumes;
 *   2. once the Job succeeded, `replicas` goes down and Kubernetes removes the highest ordinals.
 *
 * The Job name carries both counts, so one decision is one immutable Job (OnDelete). Once a drain
 * Job exists for the current size it is committed: deallocated servers cannot be enabled again, so
 * the scale-in finishes to the Job's count even if the spec changed meanwhile, and the StatefulSet
 * then follows the spec (scaling out again adds new servers). A failed Job keeps every server and
 * says why in the `ScalingDown` condition; deleting the Job retries it.
 *
 * Scaling waits while a rollout is under way, and a committed drain holds the rollout's steps:
 * whichever started first finishes first.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { ConditionInput } from '../k8s/conditions.js';
import { lastApplied } from '../k8s/frozen.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { listObserved, type ObservedMap } from '../k8s/observed.js';
import { cypherShellPod, targetConnection, type TargetConnection } from '../targets/connection.js';
import { clusterLabels } from './labels.js';
import type { ClusterModel } from './model.js';
import type { ServerSetObservation } from './observation.js';

/** Label of a drain Job: the server count it drains from. */
export const DRAIN_FROM_LABEL = 'neo4j.com/drain-from';
/** Label of a drain Job: the server count it drains to. */
export const DRAIN_TO_LABEL = 'neo4j.com/drain-to';
/** `neo4j.com/role` of drain Jobs. */
export const DRAIN_ROLE = 'drain';

/** Name of the Job draining servers `to..from-1` of cluster `c`. */
export function drainJobName(c: string, from: number, to: number): string {
  return `${c}-drain-${from}-to-${to}`;
}

/**
 * The drain script, verbatim. Inputs: NEO4J_ADDRESS, NEO4J_USERNAME, NEO4J_PASSWORD (read by
 * cypher-shell itself) and NEO4J_HOOKS_DRAIN_HOSTS (the departing servers' host names, space
 * separated). The only values it puts into Cypher are server ids read from SHOW SERVERS, after
 * checking they are plain ids (letters, digits, dashes).
 */
export const DRAIN_SCRIPT = `set -euo pipefail
read -r -a hosts <<< "$NEO4J_HOOKS_DRAIN_HOSTS"
cs() { cypher-shell -a "$NEO4J_ADDRESS" -d system --format plain "$@"; }
# One line per server: <serverId>, <host:port>, <state>
servers() { cs "SHOW SERVERS YIELD serverId, address, state RETURN serverId, address, state" | tail -n +2 | tr -d '"'; }
# "<serverId> <state>" of the server advertising host $1, or nothing
lookup() { printf '%s\\n' "$list" | awk -F', ' -v host="$1" '{ split($2, a, ":"); if (a[1] == host) { print $1, $3; exit } }'; }
refresh() {
  local attempt=1
  until list="$(servers)"; do
    if [ "$attempt" -ge 60 ]; then
      echo "neo4j-hooks: $NEO4J_ADDRESS did not answer SHOW SERVERS after $attempt attempts" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 5
  done
}

refresh
deallocate=()
for host in "\${hosts[@]}"; do
  entry="$(lookup "$host")"
  if [ -z "$entry" ]; then
    echo "neo4j-hooks: $host is not a member of the cluster: nothing to drain"
    continue
  fi
  id="\${entry%% *}"
  state="\${entry#* }"
  if ! [[ "$id" =~ ^[A-Za-z0-9-]+$ ]]; then
    echo "neo4j-hooks: unexpected server id for $host" >&2
    exit 1
  fi
  echo "neo4j-hooks: $host is server $id ($state)"
  case "$state" in
    Enabled|Cordoned) deallocate+=("'$id'") ;;
  esac
done
if [ "\${#deallocate[@]}" -gt 0 ]; then
  statement="DEALLOCATE DATABASES FROM SERVERS $(IFS=,; echo "\${deallocate[*]}")"
  echo "neo4j-hooks: $statement"
  cs "$statement"
fi

while :; do
  refresh
  pending=0
  for host in "\${hosts[@]}"; do
    entry="$(lookup "$host")"
    [ -n "$entry" ] || continue
    case "\${entry#* }" in
      Deallocated|Dropped|Free) ;;
      *) pending=$((pending + 1)); echo "neo4j-hooks: waiting for $host: \${entry#* }" ;;
    esac
  done
  if [ "$pending" -eq 0 ]; then break; fi
  sleep 10
done

for host in "\${hosts[@]}"; do
  entry="$(lookup "$host")"
  [ -n "$entry" ] || continue
  id="\${entry%% *}"
  case "\${entry#* }" in
    Deallocated)
      echo "neo4j-hooks: DROP SERVER '$id' ($host)"
      cs "DROP SERVER '$id'"
      ;;
    Free)
      echo "neo4j-hooks: DROP SERVER '$id' ($host, never enabled)"
      cs "DROP SERVER '$id'" || echo "neo4j-hooks: server $id was never enabled and hosts nothing; left as it is"
      ;;
  esac
done
echo "neo4j-hooks: drained and dropped \${hosts[*]}"
`;

/** An observed drain Job. */
export interface DrainJob {
  name: string;
  from: number;
  to: number;
  phase: 'running' | 'succeeded' | 'failed';
  /** Reason and message of the Failed condition. */
  failure?: string;
  /** The Job as last applied: what the hook returns for it. */
  applied: K8sObject;
}

function conditionTrue(status: Record<string, unknown>, type: string): Record<string, unknown> | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === type && c.status === 'True');
}

function count(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/u.test(value) ? Number(value) : undefined;
}

/** The drain Jobs of cluster `c` among the observed children, sorted by name. */
export function observeDrainJobs(children: ObservedMap, c: string, namespace: string): DrainJob[] {
  const jobs: DrainJob[] = [];
  for (const object of listObserved(children, 'Job', 'batch/v1')) {
    if ((object.metadata.namespace ?? namespace) !== namespace) continue;
    const applied = lastApplied(object);
    const labels = applied.metadata.labels ?? {};
    if (labels['neo4j.com/cluster'] !== c || labels['neo4j.com/role'] !== DRAIN_ROLE) continue;
    const from = count(labels[DRAIN_FROM_LABEL]);
    const to = count(labels[DRAIN_TO_LABEL]);
    if (from === undefined || to === undefined) continue;
    const status = isRecord(object.status) ? object.status : {};
    const failed = conditionTrue(status, 'Failed');
    const phase = conditionTrue(status, 'Complete') ? 'succeeded' : failed ? 'failed' : 'running';
    const reason = typeof failed?.reason === 'string' && failed.reason ? failed.reason : 'Failed';
    const detail = typeof failed?.message === 'string' && failed.message ? `: ${failed.message}` : '';
    jobs.push({ name: object.metadata.name, from, to, phase, ...(phase === 'failed' ? { failure: `${reason}${detail}` } : {}), applied });
  }
  return jobs;
}

/**
 * The drain that the StatefulSet's current size is committed to: a running or succeeded Job
 * draining from exactly that size. Its steps must finish before anything else restarts a server.
 */
export function committedDrain(jobs: readonly DrainJob[], observed: ServerSetObservation | undefined): DrainJob | undefined {
  if (!observed) return undefined;
  return jobs.find((j) => j.from === observed.replicas && j.to < j.from && j.phase !== 'failed');
}

function clusterConnection(model: ClusterModel): TargetConnection {
  const { cluster } = model;
  const connection = targetConnection({
    kind: 'Neo4jEnterpriseCluster',
    name: model.name,
    namespace: model.namespace,
    object: cluster,
    spec: cluster.spec as unknown as Record<string, unknown>,
    status: {},
  });
  if (!connection) throw new Error(`cluster ${model.name} has no image: clusterModel needs a validated spec`);
  // The servers' own credentials: spec.auth.adminSecret, else the auth ExternalSecret's target.
  return { ...connection, adminSecret: model.adminSecret };
}

const CONNECTION_ENV = new Set(['NEO4J_ADDRESS', 'NEO4J_USERNAME', 'NEO4J_PASSWORD']);

/** Job `<c>-drain-<from>-to-<to>`: deallocates and drops servers `to..from-1` (see the module comment). */
export function buildDrainJob(model: ClusterModel, from: number, to: number): Job & K8sObject {
  const hosts = Array.from({ length: from - to }, (_, i) => model.names.podFqdn(to + i));
  const pod = cypherShellPod(clusterConnection(model), { database: 'system', cypher: '' });
  const base = pod.containers[0]!;
  pod.containers = [
    {
      ...base,
      name: 'drain',
      command: ['/bin/bash', '-c', DRAIN_SCRIPT],
      env: [...(base.env ?? []).filter((e) => CONNECTION_ENV.has(e.name)), { name: 'NEO4J_HOOKS_DRAIN_HOSTS', value: hosts.join(' ') }],
    },
  ];
  const labels = clusterLabels(model.name, model.spec.image.tag, DRAIN_ROLE);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: drainJobName(model.name, from, to),
      namespace: model.namespace,
      labels: { ...labels, [DRAIN_FROM_LABEL]: String(from), [DRAIN_TO_LABEL]: String(to) },
    },
    // Two retries: the script resumes where it stopped (a transient connection loss); a refusal
    // by Neo4j (not enough servers left for a database's topology) fails the same way each time.
    spec: { backoffLimit: 2, template: { metadata: { labels }, spec: pod } },
  };
}

/** Inputs of {@link planScale}. */
export interface ScaleInput {
  model: ClusterModel;
  observed: ServerSetObservation | undefined;
  jobs: readonly DrainJob[];
  /** A rollout is under way: the StatefulSet keeps its size. */
  rolloutActive: boolean;
}

/** The scaling decision of one sync. */
export interface ScalePlan {
  /** `spec.replicas` to emit. */
  replicas: number;
  /** Drain Jobs to emit (observed ones as last applied). */
  jobs: K8sObject[];
  /** The ScalingDown condition while a scale-in is under way or failed. */
  condition?: ConditionInput;
  warnings: string[];
  /** Something is moving: resync soon. */
  settling: boolean;
}

function ordinals(from: number, to: number): string {
  return from - to === 1 ? `server ${to}` : `servers ${to}-${from - 1}`;
}

function claims(model: ClusterModel, from: number, to: number): string {
  return Array.from({ length: from - to }, (_, i) => model.names.dataClaim(to + i)).join(', ');
}

/** The scaling decision (see the module comment). */
export function planScale(input: ScaleInput): ScalePlan {
  const { model, observed, jobs, rolloutActive } = input;
  const wanted = model.spec.topology.servers;
  if (!observed) return { replicas: wanted, jobs: [], warnings: [], settling: false };
  const current = observed.replicas;
  const namespace = model.namespace;
  const condition = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({ type: 'ScalingDown', status, reason, message });

  const committed = committedDrain(jobs, observed);
  if (committed) {
    const what = `${ordinals(committed.from, committed.to)} (${committed.from} → ${committed.to})`;
    if (committed.phase === 'running') {
      return {
        replicas: current,
        jobs: [committed.applied],
        condition: condition('True', 'Draining', `Moving every database off ${what} with Job ${committed.name}; the servers stay until it succeeds`),
        warnings: [],
        settling: true,
      };
    }
    return {
      replicas: committed.to,
      jobs: [committed.applied],
      condition: condition('True', 'RemovingServers', `Job ${committed.name} drained and dropped ${what}; removing their pods`),
      warnings: [],
      settling: true,
    };
  }

  if (wanted < current) {
    const name = drainJobName(model.name, current, wanted);
    const failed = jobs.find((j) => j.name === name && j.phase === 'failed');
    if (failed) {
      return {
        replicas: current,
        jobs: [failed.applied],
        condition: condition(
          'False',
          'DrainFailed',
          `Job ${failed.name} failed (${failed.failure}): the cluster keeps ${current} servers. See kubectl logs -n ${namespace} job/${failed.name}; ` +
            `delete the Job to retry, or set spec.topology.servers back to ${current} (servers it already deallocated host no databases and cannot be enabled again)`,
        ),
        warnings: [],
        settling: false,
      };
    }
    if (rolloutActive) {
      return {
        replicas: current,
        jobs: [],
        condition: condition('True', 'WaitingForRollout', `Scaling in from ${current} to ${wanted} servers waits for the rolling update to finish`),
        warnings: [],
        settling: true,
      };
    }
    return {
      replicas: current,
      jobs: [buildDrainJob(model, current, wanted)],
      condition: condition('True', 'Draining', `Moving every database off ${ordinals(current, wanted)} (${current} → ${wanted}) with Job ${name}; the servers stay until it succeeds`),
      warnings: [],
      settling: true,
    };
  }

  // Scale out (or no change). The drain that brought the StatefulSet to its current size stays
  // while the size holds: it is what status can say about the removed servers. (The size only
  // went down after that Job succeeded, so its phase is not checked.)
  const finished = jobs.filter((j) => j.to === current && j.from > current && wanted === current);
  const warnings: string[] = [];
  let scalingDown: ConditionInput | undefined;
  for (const job of finished) {
    if (observed.currentPods > current) {
      scalingDown = condition('True', 'RemovingServers', `Job ${job.name} drained and dropped ${ordinals(job.from, job.to)}; removing their pods (${observed.currentPods - current} left)`);
    }
    if ((model.spec.storage.retentionPolicy ?? 'Delete') === 'Retain') {
      warnings.push(
        `PVCs ${claims(model, job.from, job.to)} of the servers removed by Job ${job.name} are kept (storage.retentionPolicy Retain): ` +
          `they hold stores of servers dropped from the Neo4j cluster, which cannot rejoin it; delete them before scaling out again`,
      );
    }
  }
  return {
    replicas: rolloutActive ? current : wanted,
    jobs: finished.map((j) => j.applied),
    ...(scalingDown ? { condition: scalingDown } : {}),
    warnings,
    settling: scalingDown !== undefined,
  };
}
