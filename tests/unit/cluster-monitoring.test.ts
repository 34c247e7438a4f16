/**
 * spec.queryMonitoring on a cluster: Neo4j's own Prometheus endpoint (no exporter sidecar), the
 * slow-query log, the metrics port and `<c>-metrics` Service, the ServiceMonitor selecting it and
 * the PrometheusRule whose alerts use metrics Neo4j exports.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_CHILDREN } from '../../lib/cluster/reconciler.js';
import { METRICS_FILTER, monitoringErrors, slowQueryMillis } from '../../lib/monitoring/settings.js';
import { alertRules } from '../../lib/monitoring/children.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import { checkSetting } from '../support/neo4j-settings.js';
import { HAS_SHARED } from '../support/shared.js';
import { child, childIds, clusterDoc, conf, neo4jContainer, podSpec, serverSet, service, sync, warnings, type LooseCluster } from '../support/cluster-case.js';

type Obj = { spec: Record<string, any> };

const monitored = (qm: Record<string, unknown> = {}, mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.queryMonitoring = qm;
    mutate?.(d);
  });

describe('monitoring: off', () => {
  it('adds nothing without spec.queryMonitoring or with enabled false', () => {
    for (const doc of [clusterDoc(), monitored({ enabled: false, metricsExport: { prometheus: true } })]) {
      const response = sync(doc);
      expect(childIds(response).filter((id) => /metrics|ServiceMonitor|PrometheusRule/u.test(id))).toEqual([]);
      expect(neo4jContainer(response).ports?.map((p) => p.name)).not.toContain('metrics');
      expect(Object.keys(serverSet(response).spec!.template.metadata!.annotations!)).toEqual(['neo4j.neo4j.com/config-hash']);
      expect([...conf(response).keys()].filter((k) => k.startsWith('server.metrics') || k.startsWith('db.logs.query'))).toEqual([]);
    }
  });

  it('declares ServiceMonitor and PrometheusRule as prometheus-operator integration children', () => {
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      expect(CLUSTER_CHILDREN.find((c) => c.kind === kind)).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', integration: 'prometheus-operator', updateStrategy: 'InPlace' });
    }
  });
});

describe('monitoring: on (a present block defaults to enabled)', () => {
  const response = sync(monitored());
  const settings = conf(response);

  it('turns on Neo4j\'s Prometheus endpoint on all interfaces and the slow-query log', () => {
    expect(settings.get('server.metrics.enabled')).toBe('true');
    expect(settings.get('server.metrics.prometheus.enabled')).toBe('true');
    expect(settings.get('server.metrics.prometheus.endpoint')).toBe('0.0.0.0:2004');
    expect(settings.get('server.metrics.filter')).toBe(METRICS_FILTER.join(','));
    expect(settings.get('db.logs.query.enabled')).toBe('INFO');
    expect(settings.get('db.logs.query.threshold')).toBe('5s');
    expect(settings.get('db.logs.query.plan_description_enabled')).toBe('true');
  });

  it('exports every metric the alerts read', () => {
    for (const pattern of ['*vm.heap.used', '*vm.heap.max', '*check_point.*', '*cluster.raft.is_leader', '*db.query.execution*']) expect(METRICS_FILTER).toContain(pattern);
  });

  it('opens port metrics 2004 on the one neo4j container (no exporter sidecar) with the prometheus.io annotations', () => {
    expect(podSpec(response).containers.map((c) => c.name)).toEqual(['neo4j']);
    expect(neo4jContainer(response).ports).toContainEqual({ name: 'metrics', containerPort: 2004 });
    expect(serverSet(response).spec!.template.metadata!.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '2004',
      'prometheus.io/path': '/metrics',
    });
    expect(response.children.some((c) => c.kind === 'ConfigMap' && c.metadata.name === 'graph-query-monitoring')).toBe(false);
  });

  it('adds <c>-metrics selecting the server pods, and a ServiceMonitor selecting it by its labels', () => {
    const metrics = service(response, 'graph-metrics')!;
    expect(metrics.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'neo4j.com/cluster': 'graph', 'neo4j.com/server-name': 'server' },
      ports: [{ name: 'metrics', port: 2004, targetPort: 2004, protocol: 'TCP' }],
    });
    const monitor = child<Obj>(response, 'ServiceMonitor', 'graph-query-monitoring')!;
    const selector: Record<string, string> = monitor.spec.selector.matchLabels;
    expect(Object.entries(selector).every(([k, v]) => metrics.metadata.labels?.[k] === v)).toBe(true);
    for (const other of response.children.filter((c) => c.kind === 'Service' && c.metadata.name !== 'graph-metrics')) {
      expect(Object.entries(selector).every(([k, v]) => other.metadata.labels?.[k] === v), other.metadata.name).toBe(false);
    }
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
  });

  it('adds no PrometheusRule unless metricsExport.prometheus', () => {
    expect(response.children.some((c) => c.kind === 'PrometheusRule')).toBe(false);
  });
});

describe('monitoring: alerts', () => {
  const response = sync(monitored({ slowQueryThreshold: '500ms', metricsExport: { prometheus: true, interval: '15s' } }));
  const rule = child<Obj>(response, 'PrometheusRule', 'graph-query-alerts')!;
  const rules: Array<{ alert: string; expr: string }> = rule.spec.groups[0].rules;

  it('is the operator\'s group and labels, with the scrape interval on the ServiceMonitor', () => {
    expect(rule.spec.groups[0].name).toBe('neo4j-query-monitoring');
    expect(rule.metadata.labels).toMatchObject({ prometheus: 'kube-prometheus', role: 'alert-rules', 'neo4j.com/cluster': 'graph' });
    expect(child<Obj>(response, 'ServiceMonitor', 'graph-query-monitoring')!.spec.endpoints[0].interval).toBe('15s');
  });

  it('alerts on Neo4j\'s own metrics, scoped to this cluster\'s metrics Service', () => {
    expect(rules.map((r) => r.alert)).toEqual(['Neo4jSlowQueries', 'Neo4jHighMemoryUsage', 'Neo4jSlowCheckpoint', 'Neo4jNoLeader']);
    for (const r of rules) expect(r.expr).toContain('namespace="ns",service="graph-metrics"');
    expect(rules[0]!.expr).toBe(
      'max by (namespace, pod) ({__name__=~"neo4j_database_.+_db_query_execution_latency_millis",quantile="0.99",namespace="ns",service="graph-metrics"}) > 500',
    );
    expect(rules[1]!.expr).toContain('neo4j_dbms_vm_heap_used{');
    expect(rules[1]!.expr).toContain('/ neo4j_dbms_vm_heap_max{');
    expect(rules[2]!.expr).toContain('neo4j_database_.+_check_point_duration');
    expect(rules[3]!.expr).toContain('neo4j_database_.+_cluster_raft_is_leader');
  });

  it('leaves the slow-query alert out for a threshold of 0 (every query is logged)', () => {
    expect(alertRules({ namespace: 'ns', serviceName: 's', slowQueryMillis: 0, clustered: true }).map((r) => r.alert)).not.toContain('Neo4jSlowQueries');
    expect(alertRules({ namespace: 'ns', serviceName: 's', slowQueryMillis: 10, clustered: false }).map((r) => r.alert)).not.toContain('Neo4jNoLeader');
  });

  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['3', 3000],
    ['0', 0],
    ['1.5s', undefined],
    ['5 s', undefined],
    ['5sec', undefined],
  ])('slowQueryThreshold %s → %s ms', (threshold, ms) => {
    expect(slowQueryMillis({ slowQueryThreshold: threshold })).toBe(ms);
  });
});

describe('monitoring: checks', () => {
  it('refuses a threshold Neo4j cannot read (it would corrupt neo4j.conf) and a bad scrape interval', () => {
    expect(monitoringErrors({ slowQueryThreshold: '5s\nserver.x=y', metricsExport: { interval: '30 seconds' } })).toEqual([
      'spec.queryMonitoring.slowQueryThreshold "5s\\nserver.x=y" is not a Neo4j duration: a whole number with unit ms, s, m, h or d, for example 500ms or 5s',
      'spec.queryMonitoring.metricsExport.interval "30 seconds" is not a Prometheus duration, for example 30s or 1m',
    ]);
    expect(sync(monitored({ slowQueryThreshold: 'fast' })).status.phase).toBe('Failed');
    expect(monitoringErrors({ enabled: false, slowQueryThreshold: 'fast' })).toEqual([]);
  });

  it('maps explainPlan to the query log plan description', () => {
    expect(conf(sync(monitored({ explainPlan: false }))).get('db.logs.query.plan_description_enabled')).toBe('false');
  });

  it('lets spec.config tune the query log (with a warning) but not move the endpoint', () => {
    const tuned = sync(monitored({}, (d) => (d.spec.config = { 'db.logs.query.threshold': '1s' })));
    expect(conf(tuned).get('db.logs.query.threshold')).toBe('1s');
    expect(warnings(tuned)).toContain('spec.config db.logs.query.threshold=1s replaces the value 5s that neo4j-hooks derives from spec.queryMonitoring');
    const moved = sync(monitored({}, (d) => (d.spec.config = { 'server.metrics.prometheus.endpoint': 'localhost:2004' })));
    expect(moved.status.message).toContain('spec.config key server.metrics.prometheus.endpoint is managed by neo4j-hooks while spec.queryMonitoring is enabled; remove it');
  });

  it('warns about the fields with no effect', () => {
    expect(warnings(sync(monitored({ sampling: { rate: '0.5' }, metricsExport: { customEndpoint: 'http://x' } })))).toEqual([
      'spec.queryMonitoring.metricsExport.customEndpoint is not used: Prometheus scrapes the graph-metrics Service',
      'spec.queryMonitoring.sampling is not used: Neo4j logs every query slower than slowQueryThreshold',
    ]);
  });

  it.skipIf(!HAS_SHARED)('writes only documented settings of the image version line', () => {
    for (const tag of ['5.26.0-enterprise', '2025.01.0', '2026.01.0']) {
      const parsed = parseNeo4jVersion(tag);
      if (!parsed.ok) throw new Error(tag);
      const keys = [...conf(sync(monitored({}, (d) => (d.spec.image.tag = tag)))).keys()].filter((k) => k.startsWith('server.metrics') || k.startsWith('db.logs'));
      expect(keys).toHaveLength(7);
      for (const key of keys) expect(checkSetting(key, { line: parsed.version.line, raw: tag }), `${key} on ${tag}`).toMatchObject({ documented: true });
    }
  });
});
