/**
 * spec.queryMonitoring as Neo4j settings: the built-in Prometheus endpoint on every server (no
 * exporter sidecar: Neo4j Enterprise serves `/metrics` itself) and the query log for slow queries.
 * Every key is a documented setting of 5.26 and calver (Operations Manual, configuration settings).
 */
import type { FeatureSettings } from '../features/settings.js';
import { PORTS } from '../neo4j/config.js';
import type { QueryMonitoring } from '../schemas/shared.js';

/** Neo4j's Prometheus endpoint setting; the metrics Service points at its port. */
export const PROMETHEUS_ENDPOINT_KEY = 'server.metrics.prometheus.endpoint';

/** The slow-query threshold when spec.queryMonitoring omits it (the CRD default). */
export const DEFAULT_SLOW_QUERY_THRESHOLD = '5s';

/**
 * `server.metrics.filter`: Neo4j's documented default filter (Operations Manual, 2025.06) plus
 * `*vm.heap.max`, which the heap alert divides by. Set explicitly so 5.26 and every calendar
 * version export the same metrics (the default changed in 2025.03 and 2025.06).
 */
export const METRICS_FILTER = [
  '*bolt.connections*',
  '*bolt.messages_received*',
  '*bolt.messages_started*',
  '*dbms.pool.bolt.free',
  '*dbms.pool.bolt.total_size',
  '*dbms.pool.bolt.total_used',
  '*dbms.pool.bolt.used_heap',
  '*cluster.raft.is_leader',
  '*cluster.raft.last_leader_message',
  '*cluster.raft.replication_attempt',
  '*cluster.raft.replication_fail',
  '*cluster.raft.last_applied',
  '*cluster.raft.last_appended',
  '*cluster.raft.append_index',
  '*cluster.raft.commit_index',
  '*cluster.raft.applied_index',
  '*check_point.*',
  '*cypher.replan_events',
  '*cypher.cache*',
  '*ids_in_use*',
  '*.neo4j.count.*',
  '*pool.transaction.*.total_used',
  '*pool.transaction.*.used_heap',
  '*pool.transaction.*.used_native',
  '*store.size*',
  '*transaction.active_read',
  '*transaction.active_write',
  '*transaction.committed*',
  '*transaction.last_committed_tx_id',
  '*transaction.peak_concurrent',
  '*transaction.rollbacks*',
  '*page_cache.hit*',
  '*page_cache.page_faults',
  '*page_cache.usage_ratio',
  '*vm.file.descriptors.count',
  '*vm.gc.time.*',
  '*vm.heap.used',
  '*vm.heap.max',
  '*vm.memory.buffer.direct.used',
  '*vm.memory.pool.g1_eden_space',
  '*vm.memory.pool.g1_old_gen',
  '*vm.pause_time',
  '*vm.thread*',
  '*db.query.execution*',
  '*protocol*',
] as const;

/** Neo4j durations as the query log threshold takes them: a whole number, unit ms, s (default), m, h or d. */
const NEO4J_DURATION = /^(\d+)(ms|s|m|h|d)?$/u;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The Prometheus duration syntax of ServiceMonitor intervals (the prometheus-operator CRD's pattern). */
const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/u;

/** Whether spec.queryMonitoring asks for monitoring (a present block defaults to enabled, as the CRD does). */
export function monitoringEnabled(qm: QueryMonitoring | undefined): qm is QueryMonitoring {
  return qm !== undefined && qm.enabled !== false;
}

/** The slow-query threshold in milliseconds, or undefined when it is not a Neo4j duration. */
export function slowQueryMillis(qm: QueryMonitoring): number | undefined {
  const match = NEO4J_DURATION.exec(qm.slowQueryThreshold || DEFAULT_SLOW_QUERY_THRESHOLD);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
}

/** What neo4j.conf or the ServiceMonitor would refuse in an enabled spec.queryMonitoring. */
export function monitoringErrors(qm: QueryMonitoring | undefined): string[] {
  if (!monitoringEnabled(qm)) return [];
  const errors: string[] = [];
  if (slowQueryMillis(qm) === undefined) {
    errors.push(
      `spec.queryMonitoring.slowQueryThreshold ${JSON.stringify(qm.slowQueryThreshold)} is not a Neo4j duration: ` +
        'a whole number with unit ms, s, m, h or d, for example 500ms or 5s',
    );
  }
  const interval = qm.metricsExport?.interval;
  if (interval !== undefined && interval !== '' && !PROMETHEUS_DURATION.test(interval)) {
    errors.push(`spec.queryMonitoring.metricsExport.interval ${JSON.stringify(interval)} is not a Prometheus duration, for example 30s or 1m`);
  }
  return errors;
}

/**
 * Warnings for fields of an enabled spec.queryMonitoring that have no effect; `metricsService`
 * names the Service Prometheus scrapes instead of a custom endpoint.
 */
export function monitoringWarnings(qm: QueryMonitoring | undefined, metricsService: string): string[] {
  if (!monitoringEnabled(qm)) return [];
  const warnings: string[] = [];
  if (qm.metricsExport?.customEndpoint) {
    warnings.push(`spec.queryMonitoring.metricsExport.customEndpoint is not used: Prometheus scrapes the ${metricsService} Service`);
  }
  if (qm.sampling && Object.keys(qm.sampling).length > 0) {
    warnings.push('spec.queryMonitoring.sampling is not used: Neo4j logs every query slower than slowQueryThreshold');
  }
  return warnings;
}

/** The monitoring block of neo4j.conf for a valid, enabled spec.queryMonitoring. */
export function monitoringSettings(qm: QueryMonitoring): FeatureSettings {
  return {
    title: `Monitoring (spec.queryMonitoring): Prometheus endpoint on port ${PORTS.metrics}, query log for slow queries`,
    source: 'spec.queryMonitoring',
    entries: [
      ['server.metrics.enabled', 'true'],
      ['server.metrics.filter', METRICS_FILTER.join(',')],
      ['server.metrics.prometheus.enabled', 'true'],
      [PROMETHEUS_ENDPOINT_KEY, `0.0.0.0:${PORTS.metrics}`],
      ['db.logs.query.enabled', 'INFO'],
      ['db.logs.query.threshold', qm.slowQueryThreshold || DEFAULT_SLOW_QUERY_THRESHOLD],
      ['db.logs.query.plan_description_enabled', String(qm.explainPlan ?? true)],
    ],
    owned: [PROMETHEUS_ENDPOINT_KEY],
  };
}
