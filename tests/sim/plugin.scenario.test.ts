/**
 * Neo4jPlugin scenarios on the simulator: the real hook server called by a Metacontroller model,
 * against a Kubernetes model in simulated time. A plugin added to a Ready cluster rolls its servers
 * one at a time (NEO4J_PLUGINS and the plugin settings reach every pod), the plugin goes
 * Installing → Ready once every server runs it; removing it rolls them back, with nothing left
 * behind and nothing hanging (no finalizer). Round counts are upper bounds with the measured
 * value in a comment.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { PLUGINS_ANNOTATION } from '../../lib/plugins/target.js';
import { clusterDoc, clusterId, clusterStatus, isRolledOut, podUids, serverPods, templateConfigHash } from './cluster-helpers.js';
import { isObject } from './json.js';
import { isPodReady } from './kube.js';
import type { RoundReport, Simulator } from './simulator.js';
import { useSimulators } from './harness.js';

const id = clusterId('neo4j', 'graph');
const POD_READY_SECONDS = 10;
const pluginRef = (name: string) => ({ apiVersion: API_VERSION, kind: 'Neo4jPlugin', namespace: id.namespace, name });

const startSimulator = useSimulators({ podReadySeconds: POD_READY_SECONDS });

async function readyCluster(): Promise<Simulator> {
  const sim = await startSimulator();
  sim.create(clusterDoc(id));
  await sim.runUntil((s) => isRolledOut(s, id), 30);
  await sim.settle();
  return sim;
}

function pluginDoc(name: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: API_VERSION, kind: 'Neo4jPlugin', metadata: { name, namespace: id.namespace }, spec: { clusterRef: id.name, version: '5.26.0', ...spec } };
}

function pluginStatus(sim: Simulator, name: string): Record<string, any> | undefined {
  const plugin = sim.get(pluginRef(name));
  return isObject(plugin?.status) ? (plugin.status as Record<string, any>) : undefined;
}

function podEnv(pod: K8sObject, name: string): string | undefined {
  const containers = (pod.spec as { containers: Array<{ env?: Array<{ name: string; value?: string }> }> }).containers;
  return containers[0]!.env?.find((e) => e.name === name)?.value;
}

function neo4jConf(sim: Simulator): string {
  const config = sim.get({ kind: 'ConfigMap', namespace: id.namespace, name: id.names.config })!;
  return (config.data as Record<string, string>)['neo4j.conf']!;
}

function errorsOf(rounds: readonly RoundReport[]): string[] {
  return rounds.flatMap((r) => r.errors);
}

describe('a Neo4jPlugin on a live cluster', () => {
  it('added: the servers roll one at a time, then the plugin is Ready; removed: they roll back and nothing is left', async () => {
    const sim = await readyCluster();
    const before = podUids(serverPods(sim, id));
    const oldHash = templateConfigHash(sim, id);
    const replaced: string[] = [];
    let fewestReady = 3;
    const phases: string[] = [];
    sim.store.watch((event) => {
      if (event.object.kind !== 'Pod') return;
      if (event.type === 'deleted') replaced.push(event.object.metadata.name);
      fewestReady = Math.min(fewestReady, serverPods(sim, id).filter(isPodReady).length);
    });
    sim.afterEachRound(() => {
      const phase = pluginStatus(sim, 'apoc')?.phase;
      if (phase && phases.at(-1) !== phase) phases.push(phase);
    });

    sim.create(
      pluginDoc('apoc', {
        name: 'apoc',
        config: { 'apoc.export.file.enabled': 'true' },
        security: { allowedProcedures: ['apoc.load.*'] },
      }),
    );
    const rounds = await sim.runUntil((s) => pluginStatus(s, 'apoc')?.phase === 'Ready' && isRolledOut(s, id), 60);
    expect(rounds).toBeLessThanOrEqual(30); // measured: 20 (minReadySeconds 30 per server, 15 s resyncs)

    // Every server was replaced, highest ordinal first, never more than one down.
    expect(replaced).toEqual(['graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(fewestReady).toBe(2);
    const pods = serverPods(sim, id);
    expect(pods.every((p) => before[p.metadata.name] !== p.metadata.uid)).toBe(true);
    expect(pods.map((p) => podEnv(p, 'NEO4J_PLUGINS'))).toEqual(['["apoc"]', '["apoc"]', '["apoc"]']);
    expect(pods.map((p) => podEnv(p, 'NEO4J_apoc_export_file_enabled'))).toEqual(['true', 'true', 'true']);
    expect(templateConfigHash(sim, id)).not.toBe(oldHash);
    expect(neo4jConf(sim)).toContain('dbms.security.procedures.unrestricted=apoc.*\ndbms.security.procedures.allowlist=apoc.load.*\n');

    expect(phases).toEqual(['Installing', 'Ready']);
    expect(pluginStatus(sim, 'apoc')).toMatchObject({
      phase: 'Ready',
      message: 'Plugin installed and configured successfully',
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Installed' }],
    });
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Ready', plugins: [{ name: 'apoc', plugin: 'apoc' }] });
    expect(errorsOf(sim.rounds)).toEqual([]);

    // A steady state: a resync changes nothing.
    sim.resync();
    const steady = await sim.round();
    expect(steady.metacontroller.total).toBe(0);

    // Removed: gone at once (no finalizer), the servers roll back to no plugin.
    const installedUids = podUids(serverPods(sim, id));
    expect(sim.remove(pluginRef('apoc'))).toBe('deleted');
    const back = await sim.runUntil((s) => isRolledOut(s, id) && clusterStatus(s, id)?.plugins === undefined, 60);
    expect(back).toBeLessThanOrEqual(30); // measured: 14
    expect(sim.get(pluginRef('apoc'))).toBeUndefined();
    const after = serverPods(sim, id);
    expect(after.every((p) => installedUids[p.metadata.name] !== p.metadata.uid)).toBe(true);
    expect(after.map((p) => podEnv(p, 'NEO4J_PLUGINS'))).toEqual([undefined, undefined, undefined]);
    expect(templateConfigHash(sim, id)).toBe(oldHash);
    expect(neo4jConf(sim)).not.toContain('Neo4jPlugin');
    const set = sim.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: id.namespace, name: id.names.statefulSet })!;
    expect((set.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations[PLUGINS_ANNOTATION]).toBeUndefined();
    expect(errorsOf(sim.rounds)).toEqual([]);
  });

  it('a duplicate is Failed and rolls nothing; disabling the installed one removes it and reports Disabled', async () => {
    const sim = await readyCluster();
    sim.create(pluginDoc('gds', { name: 'graph-data-science', version: '2.10.0' }));
    await sim.runUntil((s) => pluginStatus(s, 'gds')?.phase === 'Ready' && isRolledOut(s, id), 60);
    const uids = podUids(serverPods(sim, id));

    sim.create(pluginDoc('gds-again', { name: 'gds', version: '2.10.0' }));
    await sim.tick(60);
    expect(pluginStatus(sim, 'gds-again')).toMatchObject({ phase: 'Failed', conditions: [{ reason: 'Duplicate' }] });
    expect(pluginStatus(sim, 'gds')?.phase).toBe('Ready');
    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(clusterStatus(sim, id)?.warnings).toEqual([expect.stringMatching(/^Neo4jPlugin gds-again is not installed: duplicate/u)]);

    sim.edit(pluginRef('gds'), (p) => void ((p.spec as { enabled?: boolean }).enabled = false));
    // The older one is disabled, so the duplicate takes over GDS: the servers roll once, to it.
    await sim.runUntil((s) => pluginStatus(s, 'gds')?.phase === 'Disabled' && pluginStatus(s, 'gds-again')?.phase === 'Ready' && isRolledOut(s, id), 60);
    expect(clusterStatus(sim, id)).toMatchObject({ plugins: [{ name: 'gds-again', plugin: 'graph-data-science' }] });
    expect(serverPods(sim, id).map((p) => podEnv(p, 'NEO4J_PLUGINS'))).toEqual(['["graph-data-science"]', '["graph-data-science"]', '["graph-data-science"]']);
    expect(errorsOf(sim.rounds)).toEqual([]);
  });
});
