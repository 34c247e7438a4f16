/**
 * The simulator: the real hook server (hooks/app.ts) listening on loopback, a model of
 * Metacontroller calling it over HTTP, and a model of the Kubernetes API server and controllers,
 * all on one simulated clock that the app reads through `buildApp({ now })`.
 *
 * Time advances only between rounds. A round, at the current simulated time:
 *   1. the Kubernetes controllers run until nothing changes (pods, claims, status, GC);
 *   2. Metacontroller syncs every parent that is due (changed, or a resync is due) once.
 * {@link Simulator.step} runs a round now if anything is pending, else first jumps the clock to the
 * next scheduled event (a pod becoming ready, a Job ending, a `resyncAfterSeconds`, a periodic
 * resync). Each round returns a {@link RoundReport} counting the API calls of each actor, so
 * "steady state = zero writes" is `expect(report.metacontroller.total).toBe(0)`.
 *
 * See tests/sim/README.md for the model, its limits and examples.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../hooks/app.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { RECONCILERS } from '../../lib/registry.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { clone, isObject, isoSeconds } from './json.js';
import { isPodReady, KubeModel, podRevision, type KubeOptions } from './kube.js';
import { MetacontrollerModel, type MetacontrollerOptions, type SyncOutcome } from './metacontroller.js';
import { ObjectStore, type Actor, type ListFilter, type ObjectRef, type WriteRecord } from './store.js';

/** Default start of the simulated clock. */
export const DEFAULT_START = '2026-01-01T00:00:00Z';

/** Options of {@link Simulator.start}. */
export interface SimulatorOptions {
  /** Simulated start time (default {@link DEFAULT_START}). */
  start?: string | Date;
  /** Reconcilers served and controlled (default: the project's registry). */
  registry?: readonly Reconciler[];
  /** Knobs of the Kubernetes model (pod readiness, Job outcomes...). */
  kube?: KubeOptions;
  /** Override the CompositeControllers' `ignoreStatusChanges` (the project's: true). */
  ignoreStatusChanges?: boolean;
  /** Override the CompositeControllers' `resyncPeriodSeconds` (the project's: 300; 0 turns it off). */
  resyncPeriodSeconds?: number;
  /** Optional integrations whose child types Metacontroller watches (default: all installed). */
  integrations?: MetacontrollerOptions['integrations'];
  /** Bearer token the app requires and Metacontroller sends. */
  hookToken?: string;
  /**
   * A hook server to reuse (one per test file saves the app start-up); it must serve the same
   * registry and token. Without it the simulator starts its own and stops it in {@link Simulator.stop}.
   */
  server?: HookServer;
}

/** The real hook app listening on loopback, reading time from a clock the simulator sets. */
export interface HookServer {
  baseUrl: string;
  /** The clock handed to the app: `buildApp({ now: () => server.clock() })`. */
  clock: () => Date;
  close(): Promise<void>;
}

/**
 * Starts hooks/app.ts on a free loopback port (`app.listen({ port: 0, host: '127.0.0.1' })`).
 * Load shedding is off unless `app` turns it on: the simulator runs in the app's process, so its
 * own synchronous work would read as event-loop lag and turn hook calls into 429s.
 */
export async function startHookServer(
  options: { registry?: readonly Reconciler[]; hookToken?: string; app?: Omit<AppOptions, 'registry' | 'now' | 'hookToken'> } = {},
): Promise<HookServer> {
  const server: HookServer = { baseUrl: '', clock: () => new Date(DEFAULT_START), close: async () => undefined };
  const app: FastifyInstance = buildApp({
    logger: false,
    processMetrics: false,
    maxEventLoopDelayMs: 0,
    ...options.app,
    registry: options.registry ?? RECONCILERS,
    now: () => server.clock(),
    ...(options.hookToken ? { hookToken: options.hookToken } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  server.baseUrl = `http://127.0.0.1:${port}`;
  server.close = () => app.close();
  return server;
}

/** API calls of one actor, by effect. `total` counts the real writes (no no-ops, no rejections). */
export interface WriteCounts {
  creates: number;
  updates: number;
  deletes: number;
  statusUpdates: number;
  /** Updates the server turned into no-ops: an API call every sync, but no change. */
  noopUpdates: number;
  noopStatusUpdates: number;
  /** Calls the API server refused (422, 409...). */
  rejected: number;
  total: number;
}

/** What one round did. */
export interface RoundReport {
  /** 1-based round number since the start. */
  index: number;
  /** Simulated time of the round. */
  at: string;
  /** Parents synced (`<plural>/<namespace>/<name>`), in order. */
  synced: string[];
  outcomes: SyncOutcome[];
  /** Hook calls made in this round. */
  calls: { sync: number; finalize: number; customize: number; failed: number; shed: number };
  /** API calls by Metacontroller (children and parent). */
  metacontroller: WriteCounts;
  /** API calls by the Kubernetes controllers. */
  kube: WriteCounts;
  /** Every API call of the round. */
  writes: WriteRecord[];
  /** Hook failures, refused responses, API rejections met by Metacontroller or the controllers. */
  errors: string[];
}

/** Counts API calls, optionally only those of one actor and/or kind. */
export function countWrites(records: readonly WriteRecord[], filter: { actor?: Actor; kind?: string } = {}): WriteCounts {
  const counts: WriteCounts = { creates: 0, updates: 0, deletes: 0, statusUpdates: 0, noopUpdates: 0, noopStatusUpdates: 0, rejected: 0, total: 0 };
  for (const w of records) {
    if ((filter.actor && w.actor !== filter.actor) || (filter.kind && w.kind !== filter.kind)) continue;
    const field = ({ create: 'creates', update: 'updates', delete: 'deletes', updateStatus: 'statusUpdates', noopUpdate: 'noopUpdates', noopUpdateStatus: 'noopStatusUpdates', rejected: 'rejected' } as const)[w.verb];
    counts[field]++;
  }
  counts.total = counts.creates + counts.updates + counts.deletes + counts.statusUpdates;
  return counts;
}

/** Thrown when a run does not reach its goal (the message describes the simulated world). */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** The simulator (see the module comment). Create with {@link Simulator.start}; always {@link Simulator.stop}. */
export class Simulator {
  readonly store: ObjectStore;
  readonly kube: KubeModel;
  readonly metacontroller: MetacontrollerModel;
  /** Every round so far. */
  readonly rounds: RoundReport[] = [];
  private clockMs: number;
  private readonly observers: Array<(report: RoundReport, sim: Simulator) => void> = [];

  private constructor(
    /** The hook server Metacontroller calls. */
    readonly server: HookServer,
    private readonly ownsServer: boolean,
    start: number,
    options: SimulatorOptions,
  ) {
    this.clockMs = start;
    const clock = () => new Date(this.clockMs);
    server.clock = clock;
    const baseUrl = server.baseUrl;
    this.store = new ObjectStore({ clock, crds: ALL_KINDS });
    this.kube = new KubeModel(this.store, clock, options.kube);
    this.metacontroller = new MetacontrollerModel(this.store, clock, {
      baseUrl,
      registry: options.registry ?? RECONCILERS,
      ignoreStatusChanges: options.ignoreStatusChanges,
      resyncPeriodSeconds: options.resyncPeriodSeconds,
      integrations: options.integrations,
      hookToken: options.hookToken,
    });
  }

  /**
   * A simulator at the start time, with its own hook server on a free loopback port (or
   * `options.server`, whose clock it takes over).
   */
  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const start = new Date(options.start ?? DEFAULT_START).getTime();
    const server = options.server ?? (await startHookServer({ registry: options.registry, hookToken: options.hookToken }));
    return new Simulator(server, !options.server, start, options);
  }

  /** Stops the hook server, unless it was passed in. */
  async stop(): Promise<void> {
    if (this.ownsServer) await this.server.close();
  }

  /** The simulated time. */
  get now(): Date {
    return new Date(this.clockMs);
  }

  // -- what users do ---------------------------------------------------------------------------

  /** Creates an object as a user would (`kubectl create`); parents are admitted with their CRD schema. */
  create(object: K8sObject): K8sObject {
    const copy = clone(object);
    copy.metadata.namespace ??= 'default';
    return this.store.create('user', copy);
  }

  /** Edits an object as a user would (read, change, replace). Returns the stored object. */
  edit(ref: ObjectRef, change: (object: K8sObject) => void): K8sObject {
    const current = this.require(ref);
    change(current);
    return this.store.update('user', current);
  }

  /** Deletes an object as a user would (background propagation). */
  remove(ref: ObjectRef): 'deleted' | 'terminating' {
    return this.store.delete('user', ref);
  }

  /** Queues a resync of every parent (what `resyncPeriodSeconds` or a cache relist does). */
  resync(): void {
    this.metacontroller.enqueueAll();
  }

  /** Calls `observer` after every round (invariants that must hold throughout a run). Returns the unsubscribe function. */
  afterEachRound(observer: (report: RoundReport, sim: Simulator) => void): () => void {
    this.observers.push(observer);
    return () => this.observers.splice(this.observers.indexOf(observer), 1);
  }

  // -- what tests read -------------------------------------------------------------------------

  /** A copy of an object, or undefined. */
  get(ref: ObjectRef): K8sObject | undefined {
    return this.store.get(ref);
  }

  /** Copies of the matching objects, sorted. */
  list(filter: ListFilter = {}): K8sObject[] {
    return this.store.list(filter);
  }

  /** A parent of our API group (`apiVersion` filled in). */
  parent(kind: string, namespace: string, name: string): K8sObject | undefined {
    return this.store.get({ apiVersion: API_VERSION, kind, namespace, name });
  }

  /** The pods of a StatefulSet, by ordinal. */
  podsOf(namespace: string, statefulSet: string): K8sObject[] {
    const pattern = new RegExp(`^${statefulSet.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}-(\\d+)$`, 'u');
    return this.store
      .list({ apiVersion: 'v1', kind: 'Pod', namespace })
      .filter((p) => pattern.test(p.metadata.name))
      .sort((a, b) => Number(pattern.exec(a.metadata.name)![1]) - Number(pattern.exec(b.metadata.name)![1]));
  }

  /** The persistent volume claims of a namespace, sorted by name. */
  claims(namespace: string): K8sObject[] {
    return this.store.list({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace });
  }

  /** API call counts over rounds (default: all rounds so far). */
  totals(rounds: readonly RoundReport[] = this.rounds, filter: { actor?: Actor; kind?: string } = {}): WriteCounts {
    return countWrites(rounds.flatMap((r) => r.writes), filter);
  }

  /** A compact description of the simulated world, for failure messages. */
  describe(): string {
    const lines = [`t=${isoSeconds(this.now)} rounds=${this.rounds.length}`];
    for (const object of this.store.list()) {
      const { kind, metadata } = object;
      const status = isObject(object.status) ? object.status : {};
      const id = `${kind} ${metadata.namespace ?? ''}/${metadata.name}`;
      if (object.apiVersion === API_VERSION) lines.push(`${id} gen=${metadata.generation} phase=${String(status.phase)} message=${String(status.message)}${metadata.deletionTimestamp ? ' deleting' : ''}`);
      else if (kind === 'Pod') lines.push(`${id} ready=${isPodReady(object)} rev=${podRevision(object)}`);
      else if (kind === 'StatefulSet') lines.push(`${id} ${JSON.stringify(status)}`);
      else if (kind === 'Job') lines.push(`${id} ${JSON.stringify(status.conditions ?? [])}`);
      else lines.push(id);
    }
    const last = this.rounds.at(-1);
    if (last?.errors.length) lines.push(`last round errors: ${last.errors.join(' | ')}`);
    return lines.join('\n');
  }

  // -- time ------------------------------------------------------------------------------------

  /** Whether a controller or Metacontroller has something to do at the current time. */
  hasWorkNow(): boolean {
    return this.kube.hasWorkNow() || this.metacontroller.hasDue();
  }

  /** The next time something is scheduled to happen, if anything is. */
  nextEventTime(): Date | undefined {
    const times = [this.kube.nextEventTime(), this.metacontroller.nextDueTime()].filter((t): t is Date => t !== undefined);
    return times.length ? new Date(Math.max(this.clockMs, Math.min(...times.map((t) => t.getTime())))) : undefined;
  }

  /** One round at the current time (see the module comment). */
  async round(): Promise<RoundReport> {
    const first = this.store.writes.length;
    const callsBefore = this.metacontroller.calls.length;
    const kubeErrors = this.kube.reconcile();
    const outcomes = await this.metacontroller.syncRound();
    const writes = this.store.writes.slice(first);
    const calls = this.metacontroller.calls.slice(callsBefore);
    const report: RoundReport = {
      index: this.rounds.length + 1,
      at: isoSeconds(this.now),
      synced: outcomes.map((o) => o.parent),
      outcomes,
      calls: {
        sync: calls.filter((c) => c.hook === 'sync').length,
        finalize: calls.filter((c) => c.hook === 'finalize').length,
        customize: calls.filter((c) => c.hook === 'customize').length,
        failed: calls.filter((c) => c.error !== undefined && c.statusCode !== 429).length,
        shed: calls.filter((c) => c.statusCode === 429).length,
      },
      metacontroller: countWrites(writes, { actor: 'metacontroller' }),
      kube: countWrites(writes, { actor: 'kube' }),
      writes,
      errors: [
        ...outcomes.flatMap((o) => [...(o.error && !o.shed ? [`${o.parent}: ${o.error}`] : []), ...o.apiErrors.map((e) => `${o.parent}: ${e}`)]),
        ...kubeErrors.map((e) => `kube: ${e}`),
      ],
    };
    this.rounds.push(report);
    for (const observer of [...this.observers]) observer(report, this);
    return report;
  }

  /**
   * A round now if anything is pending, else after jumping to the next scheduled event. Returns
   * undefined, without moving the clock, when nothing is pending or scheduled.
   */
  async step(): Promise<RoundReport | undefined> {
    if (!this.hasWorkNow()) {
      const next = this.nextEventTime();
      if (!next) return undefined;
      this.clockMs = next.getTime();
    }
    return this.round();
  }

  /**
   * Steps until `predicate` holds (checked before every step); returns the number of rounds run.
   * Throws a {@link SimulationError} after `maxRounds` rounds, or when nothing is left to happen.
   */
  async runUntil(predicate: (sim: Simulator) => boolean | Promise<boolean>, maxRounds = 200): Promise<number> {
    let rounds = 0;
    while (!(await predicate(this))) {
      if (rounds >= maxRounds) throw new SimulationError(`condition not met after ${maxRounds} rounds\n${this.describe()}`);
      const report = await this.step();
      if (!report) throw new SimulationError(`condition not met and nothing is left to happen\n${this.describe()}`);
      rounds++;
    }
    return rounds;
  }

  /**
   * Steps until nothing is pending or scheduled (periodic resyncs aside): the world is at rest.
   * Returns the number of rounds; throws after `maxRounds` (something keeps changing or resyncing).
   */
  async settle(maxRounds = 200): Promise<number> {
    let rounds = 0;
    for (;;) {
      if (!this.hasWorkNow() && !this.kube.nextEventTime() && !this.metacontroller.nextDueTime(false)) return rounds;
      if (rounds >= maxRounds) throw new SimulationError(`not settled after ${maxRounds} rounds\n${this.describe()}`);
      await this.step();
      rounds++;
    }
  }

  /** Runs the rounds pending at the current time, without moving the clock. Returns the number of rounds. */
  async quiesce(maxRounds = 50): Promise<number> {
    let rounds = 0;
    while (this.hasWorkNow()) {
      if (rounds >= maxRounds) throw new SimulationError(`still busy after ${maxRounds} rounds at ${isoSeconds(this.now)}\n${this.describe()}`);
      await this.round();
      rounds++;
    }
    return rounds;
  }

  /** Advances the clock by `seconds`, running every round due on the way. Returns those rounds. */
  async tick(seconds: number, maxRounds = 1000): Promise<RoundReport[]> {
    const target = this.clockMs + seconds * 1000;
    const reports: RoundReport[] = [];
    for (;;) {
      if (reports.length >= maxRounds) throw new SimulationError(`more than ${maxRounds} rounds within ${seconds}s\n${this.describe()}`);
      if (this.hasWorkNow()) {
        reports.push(await this.round());
        continue;
      }
      const next = this.nextEventTime();
      if (next === undefined || next.getTime() > target) break;
      this.clockMs = next.getTime();
    }
    this.clockMs = Math.max(this.clockMs, target);
    return reports;
  }

  private require(ref: ObjectRef): K8sObject {
    const object = this.store.get(ref);
    if (!object) throw new SimulationError(`${ref.kind} ${ref.namespace ?? ''}/${ref.name} does not exist`);
    return object;
  }
}
