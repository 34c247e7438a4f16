/**
 * The Neo4jEnterpriseStandalone kind on the simulator: create → Ready → configuration change →
 * delete, asserting on the simulated objects (pods, claims, API writes), not only on responses.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { CONFIG_HASH_ANNOTATION } from '../../lib/neo4j/server-pod.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { changedChildren } from './cluster-helpers.js';
import { isObject } from './json.js';
import { isPodReady } from './kube.js';
import type { Simulator } from './simulator.js';
import { useSimulators } from './harness.js';

const NAMESPACE = 'neo4j';
const NAME = 'solo';
const REF = { apiVersion: API_VERSION, kind: 'Neo4jEnterpriseStandalone', namespace: NAMESPACE, name: NAME };

const simulator = useSimulators({ podReadySeconds: 10 });


function standaloneDoc(persistence: Record<string, unknown> = {}): K8sObject {
  return {
    ...REF,
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      image: { repo: 'neo4j', tag: '2025.06.0-enterprise' },
      storage: { className: 'standard', size: '10Gi' },
      ...(Object.keys(persistence).length > 0 ? { persistence } : {}),
    },
  } as K8sObject;
}

type Status = { phase?: string; ready?: boolean; observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
const status = (sim: Simulator) => (isObject(sim.get(REF)?.status) ? (sim.get(REF)!.status as Status) : undefined);
const isReady = (sim: Simulator) => {
  const parent = sim.get(REF);
  const s = status(sim);
  return s?.phase === 'Ready' && s.ready === true && s.observedGeneration === parent?.metadata.generation && s.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
};
const pods = (sim: Simulator) => sim.podsOf(NAMESPACE, NAME);
const hashOf = (pod: K8sObject) => pod.metadata.annotations?.[CONFIG_HASH_ANNOTATION];

describe('a standalone', () => {
  it('is created with every child in the first sync and becomes Ready once its server is', async () => {
    const sim = await simulator();
    sim.create(standaloneDoc());
    const first = (await sim.step())!;
    expect(changedChildren(first.writes).sort()).toEqual([
      'create ConfigMap/solo-config',
      'create Service/solo-headless',
      'create Service/solo-service',
      'create StatefulSet/solo',
    ]);
    const rounds = 1 + (await sim.runUntil(isReady, 20));
    expect(rounds).toBeLessThanOrEqual(5); // measured: 4
    expect(pods(sim).map((p) => p.metadata.name)).toEqual(['solo-0']);
    expect(pods(sim).every(isPodReady)).toBe(true);
    expect(sim.claims(NAMESPACE).map((c) => c.metadata.name)).toEqual(['neo4j-data-solo-0']);
    expect(sim.rounds.flatMap((r) => r.errors)).toEqual([]);

    // Settled: a resync writes nothing.
    await sim.settle();
    sim.resync();
    const resync = await sim.tick(30);
    expect(sim.totals(resync, { actor: 'metacontroller' }).total).toBe(0);
  });

  it('restarts its server with the new configuration when spec.config changes, and is Ready again', async () => {
    const sim = await simulator();
    sim.create(standaloneDoc());
    await sim.runUntil(isReady, 20);
    await sim.settle();
    const before = pods(sim)[0]!;
    sim.edit(REF, (s) => void ((s.spec as Record<string, unknown>).config = { 'db.transaction.timeout': '30s' }));
    await sim.runUntil((s) => isReady(s) && pods(s)[0]?.metadata.uid !== before.metadata.uid && pods(s).every(isPodReady), 30);
    const after = pods(sim)[0]!;
    expect(hashOf(after)).toBeDefined();
    expect(hashOf(after)).not.toBe(hashOf(before));
    const config = sim.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NAMESPACE, name: 'solo-config' })!;
    expect((config as unknown as { data: Record<string, string> }).data['neo4j.conf']).toContain('db.transaction.timeout=30s');
    expect(sim.claims(NAMESPACE).map((c) => c.metadata.name)).toEqual(['neo4j-data-solo-0']);
    expect(sim.rounds.flatMap((r) => r.errors)).toEqual([]);
  });

  it.each([
    ['Delete', []],
    ['Retain', ['neo4j-data-solo-0']],
  ] as const)('deleted with persistence.retentionPolicy %s: every child goes, the volume as the policy says', async (policy, kept) => {
    const sim = await simulator();
    sim.create(standaloneDoc({ retentionPolicy: policy }));
    await sim.runUntil(isReady, 20);
    await sim.settle();
    sim.remove(REF);
    await sim.settle();
    expect(sim.get(REF)).toBeUndefined();
    expect(['ConfigMap', 'Service', 'StatefulSet'].flatMap((kind) => sim.list({ kind, namespace: NAMESPACE }))).toEqual([]);
    expect(pods(sim)).toEqual([]);
    expect(sim.claims(NAMESPACE).map((c) => c.metadata.name)).toEqual(kept);
  });
});
