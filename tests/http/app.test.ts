/**
 * The HTTP shell against a test reconciler: routing from the registry, error mapping, auth,
 * body limits, the response contract, health, metrics and logging.
 */
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, BODY_LIMIT } from '../../hooks/app.js';
import type { Desired, HookRequest, Reconciler } from '../../lib/hook/reconciler.js';
import type { KindDefinition } from '../../lib/schemas/kind.js';

const testKind: KindDefinition = {
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
const defaultBehaviour: Behaviour = (request) => ({
  status: { phase: 'Ready', finalizing: request.finalizing },
  children: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${request.parent.metadata.name}-b` }, data: { secret: 'hunter2' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${request.parent.metadata.name}-a` } },
  ],
  finalized: true,
});
let behaviour = defaultBehaviour;

const reconciler: Reconciler = {
  kind: testKind,
  children: [{ apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' }],
  related: [],
  sync: (request) => behaviour(request),
};

const parent = { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jWidget', metadata: { name: 'w', namespace: 'ns', uid: 'u1' }, spec: {} };
const now = new Date('2026-01-01T00:00:00Z');
const apps: ReturnType<typeof buildApp>[] = [];

function app(options: Parameters<typeof buildApp>[0] = {}) {
  const built = buildApp({ registry: [reconciler], now: () => now, processMetrics: false, maxEventLoopDelayMs: 0, ...options });
  apps.push(built);
  return built;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  behaviour = defaultBehaviour;
});

describe('routes come from the registry', () => {
  it('serves sync, finalize and customize for a registered kind', async () => {
    const a = app();
    for (const hook of ['sync', 'finalize']) {
      const reply = await a.inject({ method: 'POST', url: `/hooks/neo4jwidgets/${hook}`, payload: { parent, children: {} } });
      expect(reply.statusCode).toBe(200);
    }
    const customize = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/customize', payload: { parent } });
    expect(customize.json()).toEqual({ relatedResources: [] });
  });

  it('answers 404 with a JSON message for a kind without a reconciler', async () => {
    const reply = await app().inject({ method: 'POST', url: '/hooks/neo4jbackups/sync', payload: { parent } });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().message).toContain('/hooks/neo4jbackups/sync');
  });
});

describe('the response contract', () => {
  it('returns exactly status and children, sorted, namespaced, and no finalized outside finalizing', async () => {
    const reply = await app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent, children: {}, finalizing: false } });
    const body = reply.json();
    expect(Object.keys(body)).toEqual(['status', 'children']);
    expect(body.children.map((c: { metadata: { name: string; namespace: string } }) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['ns/w-a', 'ns/w-b']);
  });

  it('passes finalized through only while finalizing', async () => {
    const reply = await app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/finalize', payload: { parent, finalizing: true } });
    expect(reply.json().finalized).toBe(true);
    expect(reply.json().status.finalizing).toBe(true);
  });

  it('treats missing children and related maps as nothing observed', async () => {
    let seen: HookRequest | undefined;
    behaviour = (request) => {
      seen = request;
      return { status: {}, children: [] };
    };
    const reply = await app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    expect(reply.statusCode).toBe(200);
    expect(seen?.children).toEqual({});
    expect(seen?.related).toEqual({});
    expect(seen?.now).toEqual(now);
  });

  it('keeps every field of children and status (no response-schema stripping)', async () => {
    behaviour = () => ({ status: { deep: { x: [1, { y: 'z' }] } }, children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { a: 'b' } }, data: { k: 'v' }, extra: { kept: true } }] });
    const body = (await app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } })).json();
    expect(body.status).toEqual({ deep: { x: [1, { y: 'z' }] } });
    expect(body.children[0].extra).toEqual({ kept: true });
  });
});

describe('error mapping', () => {
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

  it.each([
    ['not JSON', '{"parent": '],
    ['no parent', { children: {} }],
    ['parent without metadata', { parent: { apiVersion: 'v1', kind: 'Neo4jWidget' } }],
    ['children of the wrong type', { parent, children: [] }],
    ['finalizing not a boolean', { parent, finalizing: 'yes' }],
    ['a parent of another kind', { parent: { ...parent, kind: 'Neo4jBackup' } }],
    ['a parent without namespace', { parent: { ...parent, metadata: { name: 'w' } } }],
  ])('answers 400 with a JSON message for %s', async (_label, payload) => {
    const reply = await post(typeof payload === 'string' ? payload : JSON.stringify(payload));
    expect(reply.statusCode).toBe(400);
    expect(typeof reply.json().message).toBe('string');
  });

  it('answers 500 with a short message, never 200, when the reconciler throws', async () => {
    behaviour = () => {
      throw new TypeError('boom\nstack detail');
    };
    const reply = await post(JSON.stringify({ parent }));
    expect(reply.statusCode).toBe(500);
    expect(reply.json()).toEqual({ message: 'internal error: boom' });
  });

  it('answers 500 when the reconciler emits an undeclared child type', async () => {
    behaviour = () => ({ status: {}, children: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }] });
    const reply = await post(JSON.stringify({ parent }));
    expect(reply.statusCode).toBe(500);
    expect(reply.json().message).toContain('not a declared child');
  });

  it('answers 500 when the reconciler emits a child twice', async () => {
    behaviour = () => ({ status: {}, children: [0, 1].map(() => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } })) });
    expect((await post(JSON.stringify({ parent }))).statusCode).toBe(500);
  });

  it(`accepts bodies up to ${BODY_LIMIT} bytes (at least 16 MiB)`, async () => {
    expect(BODY_LIMIT).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    const big = { parent, children: { 'ConfigMap.v1': { 'ns/big': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'ns' }, data: { blob: 'x'.repeat(17 * 1024 * 1024) } } } } };
    behaviour = () => ({ status: {}, children: [] });
    expect((await post(JSON.stringify(big))).statusCode).toBe(200);
  });
});

describe('HOOK_TOKEN', () => {
  it('rejects hook calls without the right bearer token and leaves health open', async () => {
    const a = app({ hookToken: 's3cret' });
    const url = '/hooks/neo4jwidgets/sync';
    expect((await a.inject({ method: 'POST', url, payload: { parent } })).statusCode).toBe(401);
    expect((await a.inject({ method: 'POST', url, payload: { parent }, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    expect((await a.inject({ method: 'POST', url, payload: { parent }, headers: { authorization: 's3cret' } })).statusCode).toBe(401);
    expect((await a.inject({ method: 'POST', url, payload: { parent }, headers: { authorization: 'Bearer s3cret' } })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('is not required when unset', async () => {
    expect((await app().inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } })).statusCode).toBe(200);
  });
});

describe('health, readiness and metrics', () => {
  it('reports not ready while draining', async () => {
    const a = app();
    a.draining = true;
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts responses by plural, hook and code', async () => {
    const a = app();
    await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { nope: 1 } });
    const text = (await a.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('neo4j_hooks_responses_total{plural="neo4jwidgets",hook="sync",code="200"} 1');
    expect(text).toContain('neo4j_hooks_hook_duration_seconds_bucket');
    expect(text).toContain('neo4j_hooks_children_per_response_count{plural="neo4jwidgets"} 1');
  });
});

describe('logging', () => {
  it('writes one line per hook call with the call facts and no bodies or secrets', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const a = app({ logger: pino({ level: 'info' }, sink), hookToken: 'tok' });
    await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent }, headers: { authorization: 'Bearer tok' } });
    const calls = lines.filter((l) => l.msg === 'hook call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ plural: 'neo4jwidgets', hook: 'sync', namespace: 'ns', name: 'w', children: 2, outcome: 'ok', statusCode: 200 });
    expect(typeof calls[0]?.durationMs).toBe('number');
    const all = JSON.stringify(lines);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('tok"');
  });
});

describe('ETag (Metacontroller etag cache)', () => {
  it('answers 304 without a body when If-None-Match matches the response hash, 200 otherwise', async () => {
    const a = app();
    const first = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/u);
    const again = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent }, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const stale = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent }, headers: { 'if-none-match': '"other"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('changes when the response changes', async () => {
    const a = app();
    const one = (await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } })).headers.etag;
    const other = (await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent: { ...parent, metadata: { ...parent.metadata, name: 'v' } } } })).headers.etag;
    expect(one).not.toBe(other);
  });
});

describe('overload protection', () => {
  it('sheds hook calls with 429 and Retry-After while overloaded, and keeps health open', async () => {
    let busy = true;
    const a = app({ overloaded: () => busy });
    const shed = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    expect(shed.statusCode).toBe(429);
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    busy = false;
    expect((await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/metrics' })).body).toContain('neo4j_hooks_shed_total 1');
  });

  it('detects a blocked event loop by measurement', async () => {
    const a = app({ overloaded: undefined, maxEventLoopDelayMs: 50 });
    await new Promise((r) => setTimeout(r, 30));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // Block the event loop, as a runaway computation would.
    }
    await new Promise((r) => setTimeout(r, 20));
    const reply = await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    expect(reply.statusCode).toBe(429);
  });

  it('counts Failed statuses as validation failures', async () => {
    behaviour = () => ({ status: { phase: 'Failed' }, children: [] });
    const a = app();
    await a.inject({ method: 'POST', url: '/hooks/neo4jwidgets/sync', payload: { parent } });
    expect((await a.inject({ method: 'GET', url: '/metrics' })).body).toContain('neo4j_hooks_validation_failures_total{plural="neo4jwidgets"} 1');
  });
});
