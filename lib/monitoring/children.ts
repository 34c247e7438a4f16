/**
 * Prometheus Operator children of spec.queryMonitoring: a `<name>-metrics` Service on the servers'
 * Prometheus port, a `ServiceMonitor` (monitoring.coreos.com/v1) selecting that Service by its
 * labels, and a `PrometheusRule` whose alerts use metrics Neo4j exports with the filter of
 * settings.ts. Metric names follow the Operations Manual (monitoring/metrics/reference and
 * essential): `<prefix>.dbms.vm.heap.used`, `<prefix>.database.<db>.check_point.duration`,
 * `<prefix>.database.<db>.cluster.raft.is_leader`, `<prefix>.database.<db>.db.query.execution.latency.millis`
 * (a histogram, exported as a summary with `quantile` labels); Prometheus names replace dots with
 * underscores, and the database name is part of the metric name, hence the `__name__` regexes.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { PORTS } from '../neo4j/config.js';

/** Name of the metrics port on containers and on the metrics Service. */
export const METRICS_PORT_NAME = 'metrics';
/** The prometheus-operator API of the ServiceMonitor and PrometheusRule we emit. */
export const PROMETHEUS_OPERATOR_API = 'monitoring.coreos.com/v1';
/** Scrape interval when spec.queryMonitoring.metricsExport.interval is unset (the operator's). */
export const DEFAULT_SCRAPE_INTERVAL = '30s';
/** Pod annotations of the classic `prometheus.io/*` scrape convention (the operator's). */
export const PROMETHEUS_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(PORTS.metrics),
  'prometheus.io/path': '/metrics',
};
/** Heap use (of the maximum heap) above which Neo4jHighMemoryUsage fires. */
export const HEAP_ALERT_RATIO = 0.8;
/** Checkpoint duration (ms) above which Neo4jSlowCheckpoint fires: the manual says 30 minutes warrant investigation. */
export const CHECKPOINT_ALERT_MS = 1_800_000;

/** Everything the monitoring children of one deployment share. */
export interface MonitoringInput {
  namespace: string;
  /** The metrics Service. */
  serviceName: string;
  serviceLabels: Record<string, string>;
  /** Pod selector of the servers. */
  selector: Record<string, string>;
}

/** The metrics Service: port `metrics` of every server. */
export function buildMetricsService(input: MonitoringInput): Service & K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: input.serviceName, namespace: input.namespace, labels: input.serviceLabels },
    spec: {
      type: 'ClusterIP',
      selector: { ...input.selector },
      ports: [{ name: METRICS_PORT_NAME, port: PORTS.metrics, targetPort: PORTS.metrics, protocol: 'TCP' }],
    },
  };
}

/** The ServiceMonitor `name`: scrape `/metrics` of the Service whose labels include `serviceSelector`. */
export function buildServiceMonitor(input: {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  serviceSelector: Record<string, string>;
  interval?: string;
}): K8sObject {
  return {
    apiVersion: PROMETHEUS_OPERATOR_API,
    kind: 'ServiceMonitor',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels },
    spec: {
      selector: { matchLabels: { ...input.serviceSelector } },
      endpoints: [{ port: METRICS_PORT_NAME, path: '/metrics', interval: input.interval || DEFAULT_SCRAPE_INTERVAL }],
    },
  };
}

/** A Prometheus label matcher scoping a query to one deployment's metrics Service. */
function scope(namespace: string, service: string): string {
  return `namespace="${namespace}",service="${service}"`;
}

/**
 * The alerting rules of one deployment (group `neo4j-query-monitoring`, the operator's name):
 * slow queries (p99 latency above the slow-query threshold; left out for a threshold of 0, which
 * logs every query), heap use, checkpoint duration and, for clusters, databases without a leader.
 */
export function alertRules(input: { namespace: string; serviceName: string; slowQueryMillis: number; clustered: boolean }): Array<Record<string, unknown>> {
  const sel = scope(input.namespace, input.serviceName);
  const rules: Array<Record<string, unknown>> = [];
  if (input.slowQueryMillis > 0) {
    rules.push({
      alert: 'Neo4jSlowQueries',
      expr: `max by (namespace, pod) ({__name__=~"neo4j_database_.+_db_query_execution_latency_millis",quantile="0.99",${sel}}) > ${input.slowQueryMillis}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Neo4j queries are slow',
        description: `The 99th percentile query latency on {{ $labels.pod }} has been above ${input.slowQueryMillis} ms (spec.queryMonitoring.slowQueryThreshold) for 5 minutes; see the query log.`,
      },
    });
  }
  rules.push(
    {
      alert: 'Neo4jHighMemoryUsage',
      expr: `max by (namespace, pod) (neo4j_dbms_vm_heap_used{${sel}} / neo4j_dbms_vm_heap_max{${sel}}) > ${HEAP_ALERT_RATIO}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Neo4j heap usage is high',
        description: `{{ $labels.pod }} has used more than ${HEAP_ALERT_RATIO * 100}% of its maximum heap for 5 minutes.`,
      },
    },
    {
      alert: 'Neo4jSlowCheckpoint',
      expr: `max by (namespace, pod) ({__name__=~"neo4j_database_.+_check_point_duration",${sel}}) > ${CHECKPOINT_ALERT_MS}`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Neo4j checkpoints are slow',
        description: 'The last checkpoint on {{ $labels.pod }} took more than 30 minutes.',
      },
    },
  );
  if (input.clustered) {
    rules.push({
      alert: 'Neo4jNoLeader',
      expr: `sum by (__name__) ({__name__=~"neo4j_database_.+_cluster_raft_is_leader",${sel}}) < 1`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A Neo4j database has no leader',
        description: 'No server has reported itself leader of {{ $labels.__name__ }} for 1 minute: the database cannot accept writes.',
      },
    });
  }
  return rules;
}

/** The PrometheusRule `name` holding {@link alertRules}, labelled as the operator did for kube-prometheus. */
export function buildPrometheusRule(input: { name: string; namespace: string; labels: Record<string, string>; rules: Array<Record<string, unknown>> }): K8sObject {
  return {
    apiVersion: PROMETHEUS_OPERATOR_API,
    kind: 'PrometheusRule',
    metadata: { name: input.name, namespace: input.namespace, labels: { ...input.labels, prometheus: 'kube-prometheus', role: 'alert-rules' } },
    spec: { groups: [{ name: 'neo4j-query-monitoring', rules: input.rules }] },
  };
}
