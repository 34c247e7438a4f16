/**
 * spec.topology placement (operator.md §9): the spread constraint and anti-affinity term on the
 * server pods with the operator's defaults, the user's affinity kept (podAntiAffinity replaced,
 * with a warning), zones from the CR or from related Nodes (read through customize only when
 * needed), enforced distribution with the operator's messages, and uneven spreads as warnings.
 */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../hooks/app.js';
import { clusterReconciler } from '../../lib/cluster/reconciler.js';
import type { Cluster } from '../../lib/cluster/model.js';
import { distributionErrors, needsZoneDiscovery, zonesFromNodes } from '../../lib/placement/zones.js';
import { clusterDoc, node, podSpec, serverSet, sync, warnings, type LooseCluster } from '../support/cluster-case.js';

const SERVERS = { 'neo4j.com/cluster': 'graph', 'neo4j.com/server-name': 'server' };
const ZONE = 'topology.kubernetes.io/zone';

const placed = (placement: Record<string, unknown>, mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.topology.placement = placement;
    mutate?.(d);
  });

const threeZones = [node('n1', 'z1'), node('n2', 'z2'), node('n3', 'z3')];

describe('placement: scheduling rules on the server pods', () => {
  it('adds nothing without placement, and keeps the user affinity verbatim', () => {
    const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }] } };
    const spec = podSpec(sync(clusterDoc((d) => (d.spec.affinity = affinity))));
    expect(spec.affinity).toEqual(affinity);
    expect(spec.topologySpreadConstraints).toBeUndefined();
    expect(podSpec(sync(clusterDoc())).affinity).toBeUndefined();
  });

  it('spreads across zones with the operator defaults, selecting the server pods', () => {
    const spec = podSpec(sync(placed({ topologySpread: { enabled: true } }), threeZones));
    expect(spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: SERVERS } }]);
    expect(spec.affinity).toBeUndefined();
  });

  it('takes the key, skew, ScheduleAnyway and minDomains as given (maxSkew ≤ 0 means 1)', () => {
    const spread = (s: Record<string, unknown>) => podSpec(sync(placed({ topologySpread: { enabled: true, ...s } }), threeZones)).topologySpreadConstraints![0];
    expect(spread({ topologyKey: 'kubernetes.io/hostname', maxSkew: 2, minDomains: 3 })).toMatchObject({ topologyKey: 'kubernetes.io/hostname', maxSkew: 2, minDomains: 3 });
    expect(spread({ maxSkew: 0 })).toMatchObject({ maxSkew: 1 });
    expect(spread({ whenUnsatisfiable: 'ScheduleAnyway' })).toMatchObject({ whenUnsatisfiable: 'ScheduleAnyway' });
  });

  it('drops minDomains with ScheduleAnyway (Kubernetes refuses the pair), with a warning', () => {
    const response = sync(placed({ topologySpread: { enabled: true, whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 } }), threeZones);
    expect(podSpec(response).topologySpreadConstraints![0]).not.toHaveProperty('minDomains');
    expect(warnings(response)).toContain('spec.topology.placement.topologySpread.minDomains is not used: Kubernetes allows it only with whenUnsatisfiable DoNotSchedule');
  });

  it('adds a preferred anti-affinity term (weight 100, zone key) by default', () => {
    expect(podSpec(sync(placed({ antiAffinity: { enabled: true } }), threeZones)).affinity).toEqual({
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: SERVERS }, topologyKey: ZONE } }] },
    });
  });

  it('makes it required for type required or enforced distribution', () => {
    const required = { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: SERVERS }, topologyKey: 'kubernetes.io/hostname' }] };
    expect(podSpec(sync(placed({ antiAffinity: { enabled: true, type: 'required', topologyKey: 'kubernetes.io/hostname' } }))).affinity?.podAntiAffinity).toEqual(required);
    const enforced = placed({ antiAffinity: { enabled: true, topologyKey: 'kubernetes.io/hostname' } }, (d) => (d.spec.topology.enforceDistribution = true));
    expect(podSpec(sync(enforced, threeZones)).affinity?.podAntiAffinity).toEqual(required);
  });

  it('keeps the user\'s other affinity kinds and replaces the user\'s podAntiAffinity, with a warning', () => {
    const nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'db', operator: 'Exists' }] }] } };
    const podAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: ZONE } }] };
    const response = sync(
      placed({ antiAffinity: { enabled: true } }, (d) => (d.spec.affinity = { nodeAffinity, podAffinity, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } })),
      threeZones,
    );
    const affinity = podSpec(response).affinity!;
    expect(affinity.nodeAffinity).toEqual(nodeAffinity);
    expect(affinity.podAffinity).toEqual(podAffinity);
    expect(affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(warnings(response)).toContain('spec.affinity.podAntiAffinity is replaced by spec.topology.placement.antiAffinity (disable one of them)');
  });

  it('warns about the placement fields it does not use', () => {
    const response = sync(placed({ nodeSelector: { disk: 'ssd' }, requiredDuringScheduling: true }));
    expect(warnings(response)).toEqual([
      "spec.topology.placement.nodeSelector is not used: set spec.nodeSelector to choose the servers' Nodes",
      'spec.topology.placement.requiredDuringScheduling is not used: set spec.topology.placement.antiAffinity.type to required',
    ]);
  });

  it('is part of the pod template: a placement change rolls the servers, the configuration does not change', () => {
    const before = serverSet(sync(clusterDoc(), threeZones)).spec!.template;
    const after = serverSet(sync(placed({ topologySpread: { enabled: true } }), threeZones)).spec!.template;
    expect(after).not.toEqual(before);
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
  });
});

describe('placement: zones and the customize hook', () => {
  // The Nodes rule only: every cluster also reads its namespace's Neo4jPlugins (tests/unit/plugins.test.ts).
  const customize = (doc: LooseCluster) => clusterReconciler.customize!(doc as unknown as Cluster).filter((r) => r.resource === 'nodes');

  it('declares Node as a related type (with Neo4jPlugin)', () => {
    expect(clusterReconciler.related).toEqual([
      { apiVersion: 'v1', kind: 'Node', resource: 'nodes' },
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jPlugin', resource: 'neo4jplugins' },
    ]);
  });

  it('asks for Nodes only when zones matter and the CR lists none', () => {
    const rule = [{ apiVersion: 'v1', resource: 'nodes', labelSelector: {} }];
    expect(customize(clusterDoc())).toEqual([]);
    expect(customize(placed({ topologySpread: { enabled: true } }))).toEqual(rule);
    expect(customize(placed({ antiAffinity: { enabled: true } }))).toEqual(rule);
    expect(customize(clusterDoc((d) => (d.spec.topology.enforceDistribution = true)))).toEqual(rule);
    expect(customize(placed({ topologySpread: { enabled: true } }, (d) => (d.spec.topology.availabilityZones = ['a', 'b'])))).toEqual([]);
    expect(customize(placed({ topologySpread: { enabled: false }, antiAffinity: { enabled: false } }))).toEqual([]);
    expect(needsZoneDiscovery(undefined)).toBe(false);
  });

  it('answers the customize hook over HTTP with the Nodes rule', async () => {
    const app = buildApp({ processMetrics: false });
    const reply = await app.inject({ method: 'POST', url: '/hooks/neo4jenterpriseclusters/customize', payload: { parent: placed({ topologySpread: { enabled: true } }) } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().relatedResources[0]).toEqual({ apiVersion: 'v1', resource: 'nodes', labelSelector: {} });
    await app.close();
  });

  it('reads the distinct zone labels of the Nodes, sorted', () => {
    expect(zonesFromNodes([node('a', 'z2'), node('b', 'z1'), node('c', 'z2'), node('d'), node('e', '')])).toEqual(['z1', 'z2']);
  });

  it('enforces distribution over the discovered zones with the operator\'s message', () => {
    const doc = placed({ antiAffinity: { enabled: true } }, (d) => (d.spec.topology.enforceDistribution = true));
    const refused = sync(doc, [node('n1', 'z1'), node('n2', 'z2'), node('n3', 'z2')]);
    expect(refused.status.phase).toBe('Failed');
    expect(refused.status.message).toBe('Validation failed: cannot enforce distribution: 3 servers require at least 3 availability zones, but only 2 are available');
    expect(refused.children).toEqual([]);
    expect(sync(doc, threeZones).status.phase).toBe('Initializing');
  });

  it('keeps the operator\'s messages for enforced distribution', () => {
    expect(distributionErrors(3, 2)).toEqual(['cannot enforce distribution: 3 servers require at least 3 availability zones, but only 2 are available']);
    expect(distributionErrors(1, 1)).toEqual(['enforced distribution requires at least 2 availability zones, but only 1 is available']);
    expect(distributionErrors(3, 3)).toEqual([]);
    const listed = sync(clusterDoc((d) => Object.assign(d.spec.topology, { enforceDistribution: true, availabilityZones: ['a', 'b'] })));
    expect(listed.status.message).toBe('Validation failed: cannot enforce distribution: 3 servers require at least 3 availability zones, but only 2 are available');
  });

  it('refuses enforced distribution when no zone can be discovered, and says why', () => {
    const doc = clusterDoc((d) => (d.spec.topology.enforceDistribution = true));
    const none = sync(doc);
    expect(none.status.message).toBe('Validation failed: cannot enforce distribution: 3 servers require at least 3 availability zones, but only 0 are available');
    expect(warnings(none)[0]).toMatch(/^availability zones could not be discovered: no Node was observed/u);
    expect(warnings(sync(doc, [node('n1'), node('n2')]))).toContain('availability zones could not be discovered: none of the 2 Nodes has the label topology.kubernetes.io/zone');
  });

  it('warns about a spread the zones cannot divide evenly', () => {
    const response = sync(placed({ topologySpread: { enabled: true } }, (d) => (d.spec.topology.servers = 4)), threeZones);
    expect(warnings(response)).toContain('4 servers cannot be spread evenly across 3 availability zones (z1, z2, z3): some zones host 2 servers, others 1');
    expect(warnings(sync(placed({ topologySpread: { enabled: true } }), threeZones))).toEqual([]);
  });

  it('warns when required zone anti-affinity leaves servers unschedulable', () => {
    const response = sync(placed({ antiAffinity: { enabled: true, type: 'required' } }, (d) => (d.spec.topology.availabilityZones = ['a', 'b'])));
    expect(warnings(response)).toContain(
      'required pod anti-affinity on topology.kubernetes.io/zone allows one server per zone: 1 of 3 servers cannot be scheduled in 2 zones',
    );
  });

  it('ignores listed zones when placement is off and distribution not enforced', () => {
    expect(warnings(sync(clusterDoc((d) => ((d.spec.topology.servers = 5), (d.spec.topology.availabilityZones = ['a', 'b', 'c'])))))).toEqual([]);
  });

  it('ignores Nodes for a CR that does not need zones', () => {
    expect(sync(clusterDoc(), [node('n1', 'z1')])).toEqual(sync(clusterDoc()));
  });
});
