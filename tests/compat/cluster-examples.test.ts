/**
 * Every Neo4jEnterpriseCluster of the operator's examples (../shared/compat/operator-examples)
 * through the hook as a user would apply it, in a Kubernetes cluster whose Nodes span three
 * zones: the API server rejects it (a PreviewError with the reason), the hook refuses it (phase
 * Failed, a message, nothing created), or it renders a child set that keeps every invariant and
 * reaches phase Ready once the servers are ready. The outcome of each example is pinned below,
 * with what its optional features (TLS, placement, monitoring, exposure) must produce.
 *
 * The three examples the schema rejects (they write `spec.image.repository` for `repo`) are also
 * run as their authors meant them, with the field renamed, to exercise their service settings.
 */
import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { clusterReconciler } from '../../lib/cluster/reconciler.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { asObserved, checkInvariants } from '../support/invariants.js';
import { DEFAULT_NOW } from '../support/fixtures.js';
import { node } from '../support/cluster-case.js';
import { HAS_SHARED, operatorExamples } from '../support/shared.js';

const NOW = new Date(DEFAULT_NOW);
const reconciler = clusterReconciler as unknown as Reconciler;
/** A realistic cluster: six workers in three zones and a control-plane Node without a zone. */
const NODES = [
  node('worker-a1', 'zone-a'),
  node('worker-a2', 'zone-a'),
  node('worker-b1', 'zone-b'),
  node('worker-b2', 'zone-b'),
  node('worker-c1', 'zone-c'),
  node('worker-c2', 'zone-c'),
  node('control-plane'),
];
const BASE = ['ConfigMap', 'ServiceAccount', 'Service', 'StatefulSet', 'PodDisruptionBudget'];

type Outcome = { kind: 'rendered'; parent: K8sObject; response: SyncResponse } | { kind: 'refused'; response: SyncResponse } | { kind: 'rejected'; reason: string };

/** What each example must give: its outcome, and for rendered ones the feature children and facts to check. */
const EXPECTED: Record<string, { outcome: Outcome['kind']; because?: RegExp; features?: string[] }> = {
  'clusters/auth-example.yaml#1': { outcome: 'rendered' },
  'clusters/cluster-with-read-replicas.yaml#0': { outcome: 'refused', because: /memory configuration .* exceeds container memory limit/u },
  'clusters/ingress-cluster.yaml#1': { outcome: 'rejected', because: /spec\.image\.repo: Required value/u },
  'clusters/loadbalancer-cluster.yaml#1': { outcome: 'rejected', because: /spec\.image\.repo: Required value/u },
  'clusters/minimal-cluster.yaml#0': { outcome: 'rendered' },
  'clusters/multi-server-cluster.yaml#0': { outcome: 'rendered', features: ['tls', 'monitoring', 'user-anti-affinity'] },
  'clusters/nodeport-cluster.yaml#1': { outcome: 'rejected', because: /spec\.image\.repo: Required value/u },
  'clusters/production-optimized-cluster.yaml#0': { outcome: 'rendered' },
  'clusters/six-server-cluster.yaml#0': { outcome: 'rendered', features: ['tls', 'spread', 'anti-affinity'] },
  'clusters/three-node-cluster.yaml#0': { outcome: 'rendered', features: ['tls'] },
  'clusters/three-node-simple.yaml#0': { outcome: 'rendered' },
  'clusters/tls-cluster-basic.yaml#0': { outcome: 'refused', because: /dbms\.cluster\.discovery\.v2\.initial_timeout is managed by neo4j-hooks/u },
  'clusters/tls-cluster-production.yaml#0': { outcome: 'refused', because: /dbms\.cluster\.discovery\.v2\.initial_timeout is managed by neo4j-hooks/u },
  'clusters/tls-cluster.yaml#0': { outcome: 'rendered', features: ['tls'] },
  'clusters/topology-placement-cluster.yaml#0': { outcome: 'rendered', features: ['tls', 'spread', 'anti-affinity', 'required-anti-affinity'] },
  'clusters/two-server-cluster.yaml#0': { outcome: 'rendered', features: ['tls'] },
  'end-to-end/complete-deployment.yaml#3': { outcome: 'rendered', features: ['tls'] },
  'end-to-end/multi-database-cluster.yaml#0': { outcome: 'rendered' },
  'end-to-end/multi-tenancy.yaml#5': { outcome: 'rendered' },
  'testing/neo4j-2025-cluster.yaml#0': { outcome: 'rendered' },
  'testing/neo4j-526-cluster.yaml#0': { outcome: 'rendered' },
};

function run(doc: unknown): Outcome {
  try {
    const { parent, response } = preview(doc, NODES, { now: NOW });
    return response.status.phase === 'Failed' ? { kind: 'refused', response } : { kind: 'rendered', parent, response };
  } catch (error) {
    if (error instanceof PreviewError) return { kind: 'rejected', reason: error.message };
    throw error;
  }
}

/** The children as observed once every server is ready. */
function allReady(parent: K8sObject, children: readonly K8sObject[]): K8sObject[] {
  return children.map((c, i) => {
    const observed = asObserved(c, parent, i);
    if (c.kind === 'StatefulSet') {
      const replicas = (c as unknown as StatefulSet).spec!.replicas!;
      observed.status = { observedGeneration: 1, replicas, readyReplicas: replicas, updatedReplicas: replicas, currentRevision: 'r1', updateRevision: 'r1' };
    }
    return observed;
  });
}

function checkRendered(parent: K8sObject, response: SyncResponse, features: readonly string[]): void {
  checkInvariants(reconciler, buildSyncRequest(reconciler, parent, NODES), response, NOW);
  const kinds = new Set(response.children.map((c) => c.kind));
  for (const kind of BASE) expect(kinds.has(kind), kind).toBe(true);
  const name = parent.metadata.name;
  const sts = response.children.find((c) => c.kind === 'StatefulSet') as unknown as StatefulSet;
  const pod = sts.spec!.template.spec!;
  expect(kinds.has('Certificate'), 'Certificate').toBe(features.includes('tls'));
  expect(pod.volumes?.some((v) => v.name === 'tls'), 'TLS volume').toBe(features.includes('tls'));
  expect(kinds.has('ServiceMonitor'), 'ServiceMonitor').toBe(features.includes('monitoring'));
  expect(pod.topologySpreadConstraints !== undefined, 'topology spread').toBe(features.includes('spread'));
  if (features.includes('anti-affinity')) {
    expect(JSON.stringify(pod.affinity?.podAntiAffinity)).toContain('"neo4j.com/server-name":"server"');
  }
  if (features.includes('required-anti-affinity')) {
    expect(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  }
  if (features.includes('user-anti-affinity')) {
    expect(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]?.labelSelector?.matchLabels).toEqual({ 'neo4j.com/cluster': name });
  }
  // Ready-able: once every server is ready, the same children and phase Ready.
  const ready = runSync(reconciler, buildSyncRequest(reconciler, parent, [...allReady(parent, response.children), ...NODES]), NOW);
  expect(ready.children).toEqual(response.children);
  expect(ready.status.phase).toBe('Ready');
  expect(ready.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
}

describe.skipIf(!HAS_SHARED)('operator cluster examples through the cluster hook', () => {
  const examples = HAS_SHARED ? operatorExamples().filter((e) => e.doc.kind === 'Neo4jEnterpriseCluster') : [];

  it('covers all 21 Neo4jEnterpriseCluster documents of the corpus, each pinned', () => {
    expect(examples.map((e) => e.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const { id, doc } of examples) {
    const expected = EXPECTED[id];
    it(`${id}: ${expected?.outcome ?? 'unpinned'}${expected?.features?.length ? ` (${expected.features.join(', ')})` : ''}`, () => {
      if (!expected) throw new Error(`${id} is not pinned in EXPECTED`);
      const outcome = run(doc);
      expect(outcome.kind).toBe(expected.outcome);
      if (outcome.kind === 'rejected') {
        expect(outcome.reason).toMatch(/is invalid \(the API server would reject it\)/u);
        expect(outcome.reason).toMatch(expected.because!);
      } else if (outcome.kind === 'refused') {
        expect(outcome.response.status.message).toMatch(/^Validation failed: /u);
        expect(outcome.response.status.message).toMatch(expected.because!);
        expect(outcome.response.children).toEqual([]);
        expect(outcome.response.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', reason: 'ValidationFailed' }));
      } else {
        checkRendered(outcome.parent, outcome.response, expected.features ?? []);
      }
    });
  }

  describe('the schema-rejected examples as their authors meant them (image.repository → repo)', () => {
    const fixed = (id: string) => {
      const doc = structuredClone(examples.find((e) => e.id === id)!.doc) as { spec: { image: Record<string, unknown> } };
      doc.spec.image.repo = doc.spec.image.repository;
      delete doc.spec.image.repository;
      return run(doc);
    };

    it('ingress-cluster renders its Ingress to the client Service, TLS on the servers too', () => {
      const outcome = fixed('clusters/ingress-cluster.yaml#1');
      if (outcome.kind !== 'rendered') throw new Error(`expected rendered, got ${outcome.kind}`);
      checkRendered(outcome.parent, outcome.response, ['tls']);
      const ingress = outcome.response.children.find((c) => c.kind === 'Ingress') as K8sObject & { spec: Record<string, any> };
      expect(ingress.metadata.name).toBe('ingress-cluster-ingress');
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.spec.tls).toEqual([{ hosts: ['neo4j.example.com'], secretName: 'neo4j-tls-ingress' }]);
      expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'ingress-cluster-client', port: { number: 7474 } } });
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/backend-protocol']).toBe('HTTPS');
    });

    it('nodeport-cluster renders a NodePort client Service', () => {
      const outcome = fixed('clusters/nodeport-cluster.yaml#1');
      if (outcome.kind !== 'rendered') throw new Error(`expected rendered, got ${outcome.kind}`);
      checkRendered(outcome.parent, outcome.response, []);
      const client = outcome.response.children.find((c) => c.kind === 'Service' && c.metadata.name === 'nodeport-cluster-client') as K8sObject & { spec: { type: string } };
      expect(client.spec.type).toBe('NodePort');
    });

    it('loadbalancer-cluster is refused for the listen addresses it sets, with a clear message', () => {
      const outcome = fixed('clusters/loadbalancer-cluster.yaml#1');
      if (outcome.kind !== 'refused') throw new Error(`expected refused, got ${outcome.kind}`);
      expect(outcome.response.status.message).toContain('spec.config key server.bolt.listen_address is managed by neo4j-hooks (listen and advertised addresses); remove it');
    });
  });
});
