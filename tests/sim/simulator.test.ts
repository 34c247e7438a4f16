/**
 * The simulator's Metacontroller model against a test reconciler served by the real hook app:
 * requests, apply semantics per update strategy, status, errors, resync, finalize and customize.
 */
import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { Desired, HookRequest, Reconciler } from '../../lib/hook/reconciler.js';
import { parentFinalizer } from '../../lib/manifests/controllers.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { listObserved } from '../../lib/k8s/observed.js';
import type { RelatedResourceRule } from '../../lib/schemas/envelope.js';
import { API_VERSION, type KindDefinition } from '../../lib/schemas/kind.js';
import { LAST_APPLIED_ANNOTATION } from './apply.js';
import { Simulator, startHookServer, type SimulatorOptions } from './simulator.js';

const widgetKind: KindDefinition = {
  kind: 'Neo4jWidget',
  plural: 'neo4jwidgets',
  singular: 'neo4jwidget',
  shortNames: [],
  description: 'A test kind.',
  spec: Type.Object({}),
  status: Type.Object({}),
  printerColumns: [],
};

type Behaviour = (request: HookRequest) => Desired;
const configMap = (name: string, data: Record<string, string> = {}): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const defaultBehaviour: Behaviour = (request) => ({ status: { phase: 'Ready', seen: listObserved(request.children, 'ConfigMap', 'v1').length }, children: [configMap('w-a', { k: 'v' })] });
let behaviour: Behaviour = defaultBehaviour;
let finalizeBehaviour: Behaviour | undefined;
let rules: (parent: K8sObject) => RelatedResourceRule[] = () => [];
const seen: HookRequest[] = [];

function reconciler(options: { finalize?: boolean; customize?: boolean } = {}): Reconciler {
  return {
    kind: widgetKind,
    children: [
      { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' },
      { apiVersion: 'v1', kind: 'Secret', resource: 'secrets', updateStrategy: 'OnDelete' },
      { apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', updateStrategy: 'Recreate' },
    ],
    related: [{ apiVersion: 'v1', kind: 'Secret', resource: 'secrets' }],
    sync: (request) => {
      seen.push(request);
      return behaviour(request);
    },
    ...(options.finalize ? { finalize: (request: HookRequest) => (seen.push(request), (finalizeBehaviour ?? behaviour)(request)) } : {}),
    ...(options.customize ? { customize: (parent: K8sObject) => rules(parent) } : {}),
  };
}

const widget: K8sObject = { apiVersion: API_VERSION, kind: 'Neo4jWidget', metadata: { name: 'w', namespace: 'ns' }, spec: { size: 1 } };
const ref = { apiVersion: API_VERSION, kind: 'Neo4jWidget', namespace: 'ns', name: 'w' };
const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name });
let sims: Simulator[] = [];

async function simulator(options: { finalize?: boolean; customize?: boolean } = {}, extra: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await Simulator.start({ registry: [reconciler(options)], ...extra });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
  behaviour = defaultBehaviour;
  finalizeBehaviour = undefined;
  rules = () => [];
  seen.length = 0;
});

describe('sync and apply', () => {
  it('sends a v2 request with every child type, creates children with last-applied, owner and controller-uid, writes status once', async () => {
    const sim = await simulator();
    const parent = sim.create(widget);
    const first = (await sim.step())!;
    expect(first.synced).toEqual(['neo4jwidgets/ns/w']);
    expect(Object.keys(seen[0]!.children)).toEqual(['ConfigMap.v1', 'Secret.v1', 'ServiceAccount.v1']);
    const child = sim.get(cmRef('w-a'))!;
    expect(child.metadata.labels).toEqual({ 'controller-uid': parent.metadata.uid });
    expect(child.metadata.ownerReferences).toEqual([{ apiVersion: API_VERSION, kind: 'Neo4jWidget', name: 'w', uid: parent.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(JSON.parse(child.metadata.annotations![LAST_APPLIED_ANNOTATION]!)).toMatchObject({ data: { k: 'v' } });
    expect(sim.get(ref)!.status).toEqual({ phase: 'Ready', seen: 0, observedGeneration: 1 });

    // The child's creation brings one more sync; it sees the child and writes the new count only.
    // That status write brings none (ignoreStatusChanges): the world is at rest.
    const second = (await sim.step())!;
    expect(Object.keys(seen[1]!.children['ConfigMap.v1']!)).toEqual(['ns/w-a']);
    expect(second.metacontroller).toMatchObject({ total: 1, statusUpdates: 1 });
    expect(await sim.settle()).toBe(0);
    expect(sim.totals()).toMatchObject({ creates: 1, updates: 0, statusUpdates: 2, noopUpdates: 0 });
  });

  it('updates InPlace children, never updates OnDelete ones, deletes then recreates Recreate ones, deletes what is no longer returned', async () => {
    const sim = await simulator();
    let version = '1';
    behaviour = () => ({
      status: {},
      children: [
        configMap('w-a', { v: version }),
        ...(version === '1' ? [configMap('w-b')] : []),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w-s' }, data: { v: Buffer.from(version).toString('base64') } },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'w-sa', labels: { v: version } } },
      ],
    });
    sim.create(widget);
    await sim.settle();
    const secretUid = sim.get({ kind: 'Secret', namespace: 'ns', name: 'w-s' })!.metadata.uid;
    const accountUid = sim.get({ kind: 'ServiceAccount', namespace: 'ns', name: 'w-sa' })!.metadata.uid;
    version = '2';
    sim.resync();
    const round = await sim.round();
    expect(round.writes.filter((w) => w.actor === 'metacontroller').map((w) => `${w.verb} ${w.kind}/${w.name}`)).toEqual([
      'delete ConfigMap/w-b',
      'update ConfigMap/w-a',
      'delete ServiceAccount/w-sa',
    ]);
    await sim.settle();
    expect(sim.get(cmRef('w-a'))!.data).toEqual({ v: '2' });
    expect(sim.get(cmRef('w-b'))).toBeUndefined();
    const secret = sim.get({ kind: 'Secret', namespace: 'ns', name: 'w-s' })!;
    expect([secret.metadata.uid, secret.data]).toEqual([secretUid, { v: Buffer.from('1').toString('base64') }]);
    const account = sim.get({ kind: 'ServiceAccount', namespace: 'ns', name: 'w-sa' })!;
    expect(account.metadata.uid).not.toBe(accountUid);
    expect(account.metadata.labels?.v).toBe('2');
  });

  it('keeps fields others set on a child, and status and system metadata never come from the hook', async () => {
    const sim = await simulator();
    sim.create(widget);
    await sim.settle();
    sim.edit(cmRef('w-a'), (cm) => void (cm.metadata.annotations = { ...cm.metadata.annotations, 'someone.else/x': '1' }));
    await sim.settle();
    expect(sim.get(cmRef('w-a'))!.metadata.annotations?.['someone.else/x']).toBe('1');
    expect(sim.totals(sim.rounds, { actor: 'metacontroller' }).updates).toBe(0);
  });

  it('changes nothing on a non-200 answer and retries with backoff', async () => {
    const sim = await simulator();
    sim.create(widget);
    await sim.settle();
    const before = sim.list({ namespace: 'ns' });
    behaviour = () => {
      throw new Error('boom');
    };
    sim.resync();
    const failed = await sim.round();
    expect(failed.calls).toMatchObject({ sync: 1, failed: 1 });
    expect(failed.errors[0]).toMatch(/sync hook answered 500: .*boom/u);
    expect(failed.metacontroller.total).toBe(0);
    expect(sim.list({ namespace: 'ns' })).toEqual(before);
    const retries = await sim.tick(0.1);
    expect(retries.length).toBeGreaterThanOrEqual(4); // 5 ms, 10 ms, 20 ms, 40 ms, 80 ms
    behaviour = defaultBehaviour;
    await sim.tick(1);
    expect(sim.rounds.at(-1)!.errors).toEqual([]);
    expect(sim.metacontroller.nextDueTime(false)).toBeUndefined();
  });

  it('honours resyncAfterSeconds in simulated time', async () => {
    const sim = await simulator();
    behaviour = (request) => ({ ...defaultBehaviour(request), resyncAfterSeconds: 30 });
    sim.create(widget);
    await sim.quiesce();
    expect(sim.nextEventTime()?.toISOString()).toBe('2026-01-01T00:00:30.000Z');
    const rounds = await sim.tick(30);
    expect(rounds.map((r) => r.at)).toEqual(['2026-01-01T00:00:30Z']);
  });

  it('syncs again on its own status write only without ignoreStatusChanges (the project sets it)', async () => {
    behaviour = () => ({ status: { phase: 'Ready' }, children: [] });
    for (const [ignoreStatusChanges, calls] of [[undefined, 1], [false, 2]] as const) {
      const sim = await simulator({}, ignoreStatusChanges === undefined ? {} : { ignoreStatusChanges });
      sim.create(widget);
      await sim.settle();
      expect(sim.metacontroller.calls).toHaveLength(calls);
    }
  });

  it('resyncs every parent every resyncPeriodSeconds (the project: 300 s)', async () => {
    const sim = await simulator();
    sim.create(widget);
    await sim.settle();
    const rounds = await sim.tick(600);
    expect(rounds.map((r) => [r.at, r.calls.sync])).toEqual([
      ['2026-01-01T00:05:00Z', 1],
      ['2026-01-01T00:10:00Z', 1],
    ]);
    expect(sim.totals(rounds).total).toBe(0);
  });

  it('treats a 429 as "later": retried after Retry-After, no error, no backoff', async () => {
    let overloaded = true;
    const registry = [reconciler()];
    const server = await startHookServer({ registry, app: { overloaded: () => overloaded } });
    const sim = await Simulator.start({ registry, server });
    try {
      sim.create(widget);
      const shed = (await sim.step())!;
      expect(shed.calls).toMatchObject({ sync: 1, shed: 1, failed: 0 });
      expect(shed.errors).toEqual([]);
      expect(sim.nextEventTime()?.toISOString()).toBe('2026-01-01T00:00:02.000Z');
      overloaded = false;
      await sim.settle();
      expect(sim.get(cmRef('w-a'))).toBeDefined();
    } finally {
      await server.close();
    }
  });

  it('sends the bearer token the app requires', async () => {
    const sim = await simulator({}, { hookToken: 's3cret' });
    sim.create(widget);
    await sim.settle();
    expect(sim.metacontroller.calls.every((c) => c.statusCode === 200)).toBe(true);
  });
});

describe('finalize', () => {
  it('adds the finalizer first, tears down through finalize until finalized, then the parent and its children go', async () => {
    const sim = await simulator({ finalize: true });
    sim.create(widget);
    await sim.settle();
    expect(sim.get(ref)!.metadata.finalizers).toEqual([parentFinalizer({ kind: widgetKind })]);
    expect(parentFinalizer({ kind: widgetKind })).toBe('metacontroller.io/compositecontroller-neo4j-hooks-neo4jwidgets');
    // Ordered teardown: first drop the ConfigMap, and only say finalized once none is observed.
    finalizeBehaviour = (request) => ({ status: { phase: 'Deleting' }, children: [], finalized: listObserved(request.children, 'ConfigMap', 'v1').length === 0 });
    expect(sim.remove(ref)).toBe('terminating');
    await sim.settle();
    expect(seen.filter((r) => r.finalizing)).toHaveLength(2);
    expect(sim.get(ref)).toBeUndefined();
    expect(sim.list({ namespace: 'ns' })).toEqual([]);
    expect(sim.metacontroller.calls.filter((c) => c.hook === 'finalize')).toHaveLength(2);
  });

  it('without a finalize hook the parent goes at once and the garbage collector takes the children', async () => {
    const sim = await simulator();
    sim.create(widget);
    await sim.settle();
    expect(sim.get(ref)!.metadata.finalizers).toBeUndefined();
    expect(sim.remove(ref)).toBe('deleted');
    await sim.settle();
    expect(sim.list({ namespace: 'ns' })).toEqual([]);
    expect(seen.every((r) => !r.finalizing)).toBe(true);
  });
});

describe('customize and related objects', () => {
  it('asks once per generation, delivers the selected objects apart from children, and syncs when one changes', async () => {
    const sim = await simulator({ customize: true });
    rules = (parent) => [
      { apiVersion: 'v1', resource: 'secrets', names: ['creds'], namespace: parent.metadata.namespace },
      { apiVersion: 'v1', resource: 'configmaps', labelSelector: { matchLabels: { role: 'settings' } } },
    ];
    behaviour = (request) => ({ status: { related: Object.keys(request.related).sort() }, children: [] });
    sim.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'ns' }, data: {} });
    sim.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace: 'ns' }, data: {} });
    sim.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'elsewhere', labels: { role: 'settings' } } });
    sim.create(widget);
    await sim.settle();
    const request = seen.at(-1)!;
    expect(Object.keys(request.related['Secret.v1']!)).toEqual(['ns/creds']);
    expect(Object.keys(request.related['ConfigMap.v1']!)).toEqual(['elsewhere/settings']);
    expect(request.children['Secret.v1']).toEqual({});
    expect(sim.metacontroller.calls.filter((c) => c.hook === 'customize')).toHaveLength(1);

    const syncs = seen.length;
    sim.edit({ kind: 'Secret', namespace: 'ns', name: 'creds' }, (s) => void (s.data = { password: 'eA==' }));
    sim.edit({ kind: 'Secret', namespace: 'ns', name: 'other' }, (s) => void (s.data = { password: 'eA==' }));
    await sim.settle();
    expect(seen.length).toBe(syncs + 1);
    expect(sim.metacontroller.calls.filter((c) => c.hook === 'customize')).toHaveLength(1);

    sim.edit(ref, (w) => void (w.spec = { size: 2 }));
    await sim.settle();
    expect(sim.metacontroller.calls.filter((c) => c.hook === 'customize')).toHaveLength(2);
  });
});
