/**
 * Malformed envelopes and hostile bodies against the real app (the project's registry): truncated
 * JSON, wrong types in every envelope field, a missing parent, bodies past the 32 MiB limit, deep
 * nesting, prototype-pollution keys, non-UTF-8 bytes, wrong content types and methods. After
 * every one the service must still be healthy (GET /healthz 200) and answer a good call exactly
 * as before, and no prototype may be polluted.
 *
 * What counts as right, case by case:
 * - Unusable envelope (not JSON, truncated, trailing garbage, a body that is not an object, a
 *   missing or mistyped parent/apiVersion/kind/metadata/name/namespace, mistyped children or
 *   related maps or objects in them, a non-boolean `finalizing`): 400 with a JSON `message`.
 * - `controller` is opaque (never read): any JSON value there gives the same 200 as without it;
 *   `children`/`related` null, a null type entry, or no map at all mean "none observed" (200).
 * - Deep nesting: up to 10,000 levels (Go's encoding/json limit, so the most a stored CR or an
 *   observed object can have) in a field the hooks never read (controller, extra envelope keys,
 *   unknown spec or metadata fields, status, observed objects) gives the same 200 as without it;
 *   a million levels in `controller` too (the parser copes, nothing walks it). A deep value under
 *   a field the hooks copy into children (spec.affinity of a cluster or standalone) gets a 200:
 *   in fields the schema does not know it is dropped before any reconciler sees it (the API server
 *   prunes them too), so no child carries it; where the schema expects another type the spec is
 *   refused (phase Failed). Never a 500 ("Maximum call stack size exceeded" from copying it).
 * - `__proto__` anywhere, or `constructor` holding `prototype`: 400 (the JSON parser refuses
 *   them). `constructor`, `prototype`, `toString`... as plain keys: the same 200 as without them
 *   where the hooks ignore the key, and a 200 (never a 500) as a key of any map the user writes
 *   (spec.config, annotations, nodeSelector, seedConfig.config...). Nothing is ever written to Object.prototype,
 *   through HTTP or through the core called directly (the CLI's `render` path).
 * - Non-UTF-8 bytes (real socket): inside a JSON string they are read as U+FFFD and the call is
 *   answered (200); outside strings the body is not JSON (400). A UTF-16 body is not JSON (400).
 * - Over 32 MiB (real socket): 413 with a JSON message, whether the size is declared
 *   (Content-Length) or streamed (chunked), and the service keeps serving.
 * - A parent status of another shape (written by another version): 200, and a valid spec is
 *   reconciled, not refused.
 * - A content type other than JSON, text/plain included: 415 with a JSON message. The charset
 *   parameter is ignored (bodies are UTF-8).
 * - GET, PUT, DELETE, PATCH, OPTIONS on a hook route: 404 with a JSON message (HEAD: 404).
 */
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildApp, BODY_LIMIT } from '../../hooks/app.js';
import { readYamlDocuments } from '../../hooks/commands.js';
import { preview } from '../../lib/hook/preview.js';
import { runSync } from '../../lib/hook/run.js';
import { isRecord } from '../../lib/k8s/object.js';
import { admission, hookBody, kindContexts, liveObjects, withSpec } from '../property/support/kinds.js';
import { applyMutations } from '../property/support/mutations.js';
import { mapPaths, minimalValue, objectOf, schemaAt } from '../property/support/schema-arbitrary.js';

const contexts = kindContexts();
const cluster = contexts.find((c) => c.plural === 'neo4jenterpriseclusters' && c.liveBases.length > 0) ?? contexts.find((c) => c.liveBases.length > 0)!;
const base = cluster.liveBases[0]!;
// A live parent: its children observed as applied, so every envelope map has content.
const goodBody = hookBody(cluster, 'sync', { ...base.parent, status: base.response.status }, liveObjects(cluster, base)) as Record<string, unknown>;
const goodText = JSON.stringify(goodBody);
const syncUrl = `/hooks/${cluster.plural}/sync`;
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

let app: FastifyInstance;
let reference: string;

beforeAll(async () => {
  app = buildApp({ processMetrics: false, maxEventLoopDelayMs: 0, now: () => base.now });
  reference = (await post(goodText)).body;
});
afterAll(async () => {
  await app.close();
});

async function post(payload: string | Buffer, contentType = 'application/json', url = syncUrl) {
  const reply = await app.inject({ method: 'POST', url, payload, headers: contentType ? { 'content-type': contentType } : {} });
  return { statusCode: reply.statusCode, body: reply.body, headers: reply.headers };
}

function expectUnpolluted(): void {
  expect(({} as Record<string, unknown>).polluted, '({}).polluted').toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), 'Object.prototype').toEqual(PROTOTYPE_NAMES);
  expect(Object.getPrototypeOf({}), 'the prototype of {}').toBe(Object.prototype);
}

/** The service is still healthy: /healthz answers, a good call gets the reference answer, nothing polluted. */
async function expectHealthy(): Promise<void> {
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const again = await post(goodText);
  expect(again.statusCode).toBe(200);
  expect(again.body).toBe(reference);
  expectUnpolluted();
}

function expectJsonMessage(body: string): void {
  const parsed: unknown = JSON.parse(body);
  expect(isRecord(parsed) && typeof parsed.message === 'string', body.slice(0, 200)).toBe(true);
}

/** A copy of the good body with `value` set at `path` (undefined deletes it). */
function edit(path: (string | number)[], value: unknown): unknown {
  return value === undefined ? applyMutations(goodBody, [{ op: 'delete', path }], {}) : applyMutations(goodBody, [{ op: 'set', path, value, why: 'type-swap' }], {});
}

const childType = Object.keys(goodBody.children as object).find((k) => Object.keys((goodBody.children as Record<string, object>)[k]!).length > 0)!;
const childKey = Object.keys((goodBody.children as Record<string, Record<string, unknown>>)[childType]!)[0]!;
const relatedType = Object.keys(goodBody.related as object)[0] ?? 'Node.v1';

describe('the good call', () => {
  it('is answered 200 (the reference every other case is compared with)', () => {
    expect(JSON.parse(reference).children.length).toBeGreaterThan(0);
  });
});

describe('unusable envelopes get 400 with a JSON message', () => {
  const cuts = [1, 2, 10, Math.floor(goodText.length / 2), goodText.length - 1];
  it.each(cuts)('JSON truncated to %i bytes', async (length) => {
    const reply = await post(goodText.slice(0, length));
    expect(reply.statusCode).toBe(400);
    expectJsonMessage(reply.body);
    await expectHealthy();
  });

  it.each([
    ['an empty body', ''],
    ['trailing garbage', `${goodText}x`],
    ['two documents', `${goodText}${goodText}`],
    ['a bare string', '"parent"'],
    ['a number', '5'],
    ['null', 'null'],
    ['an array', `[${goodText}]`],
    ['single quotes', goodText.replaceAll('"', "'")],
    ['a comment', `/* c */${goodText}`],
    ['NaN', goodText.replace(/"generation":\d+/u, '"generation":NaN')],
  ])('%s', async (_label, payload) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(400);
    expectJsonMessage(reply.body);
    await expectHealthy();
  });

  const wrong: [string, (string | number)[], unknown][] = [
    ['no parent', ['parent'], undefined],
    ...[null, 5, 'x', [], true].map((v): [string, (string | number)[], unknown] => [`parent ${JSON.stringify(v)}`, ['parent'], v]),
    ...[undefined, 5, '', null, []].map((v): [string, (string | number)[], unknown] => [`parent.apiVersion ${JSON.stringify(v)}`, ['parent', 'apiVersion'], v]),
    ...[undefined, 5, '', null, 'Neo4jBackup', 'Neo4jWidget'].map((v): [string, (string | number)[], unknown] => [`parent.kind ${JSON.stringify(v)}`, ['parent', 'kind'], v]),
    ...[undefined, 5, 'x', null, []].map((v): [string, (string | number)[], unknown] => [`parent.metadata ${JSON.stringify(v)}`, ['parent', 'metadata'], v]),
    ...[undefined, 5, '', null, {}].map((v): [string, (string | number)[], unknown] => [`parent.metadata.name ${JSON.stringify(v)}`, ['parent', 'metadata', 'name'], v]),
    ...[undefined, 5, '', null].map((v): [string, (string | number)[], unknown] => [`parent.metadata.namespace ${JSON.stringify(v)}`, ['parent', 'metadata', 'namespace'], v]),
    ...[5, 'x', [], true].map((v): [string, (string | number)[], unknown] => [`children ${JSON.stringify(v)}`, ['children'], v]),
    ...[5, 'x', [], true].map((v): [string, (string | number)[], unknown] => [`children[type] ${JSON.stringify(v)}`, ['children', childType], v]),
    ...[5, 'x', [], null, {}].map((v): [string, (string | number)[], unknown] => [`an observed child ${JSON.stringify(v)}`, ['children', childType, childKey], v]),
    ['an observed child without metadata', ['children', childType, childKey, 'metadata'], undefined],
    ['an observed child without kind', ['children', childType, childKey, 'kind'], undefined],
    ['an observed child named 5', ['children', childType, childKey, 'metadata', 'name'], 5],
    ...[5, 'x', [], true].map((v): [string, (string | number)[], unknown] => [`related ${JSON.stringify(v)}`, ['related'], v]),
    ...[5, 'x', [], true].map((v): [string, (string | number)[], unknown] => [`related[type] ${JSON.stringify(v)}`, ['related', relatedType], v]),
    ['a related object without apiVersion', ['related', relatedType, 'n1'], { kind: 'Node', metadata: { name: 'n1' } }],
    ...['yes', 1, 0, null, [], {}].map((v): [string, (string | number)[], unknown] => [`finalizing ${JSON.stringify(v)}`, ['finalizing'], v]),
  ];
  it.each(wrong)('%s', async (_label, path, value) => {
    const reply = await post(JSON.stringify(edit(path, value)));
    expect(reply.statusCode, reply.body.slice(0, 200)).toBe(400);
    expectJsonMessage(reply.body);
    await expectHealthy();
  });

  it('customize without a parent, or with a parent of another kind', async () => {
    for (const payload of [{}, { parent: { ...base.parent, kind: 'Neo4jBackup' } }, { parent: 'x' }]) {
      const reply = await post(JSON.stringify(payload), 'application/json', `/hooks/${cluster.plural}/customize`);
      expect(reply.statusCode).toBe(400);
      expectJsonMessage(reply.body);
    }
    await expectHealthy();
  });
});

describe('envelope fields the hooks do not need', () => {
  it.each([5, 'x', null, [], {}, true, { deep: [{ x: 1 }] }])('controller %j gives the same 200', async (value) => {
    const reply = await post(JSON.stringify(edit(['controller'], value)));
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(reference);
  });

  it('no controller, and unknown top-level keys, give the same 200', async () => {
    expect((await post(JSON.stringify(edit(['controller'], undefined)))).body).toBe(reference);
    expect((await post(JSON.stringify({ ...goodBody, extra: { a: [1, 2] }, apiVersion: 'v2' }))).body).toBe(reference);
  });

  it('children or related null, or a null type entry, mean "none observed" (200, never an empty set by mistake)', async () => {
    const withoutObserved = await post(JSON.stringify(hookBody(cluster, 'sync', base.parent, [])));
    for (const payload of [edit(['children'], null), edit(['children'], undefined)]) {
      const reply = await post(JSON.stringify(payload));
      expect(reply.statusCode).toBe(200);
      // The parent is new to the hook: it gets the complete child set, not a partial one.
      expect(JSON.parse(reply.body).children).toEqual(JSON.parse(withoutObserved.body).children);
    }
    expect((await post(JSON.stringify(edit(['related'], null)))).statusCode).toBe(200);
    expect((await post(JSON.stringify(edit(['children', childType], null)))).statusCode).toBe(200);
    await expectHealthy();
  });
});

describe('a status written by another version', () => {
  const stale = () => {
    const body = structuredClone(goodBody) as { parent: { status?: Record<string, unknown> } };
    body.parent.status = { ...body.parent.status, replicas: 'three', legacyField: { kept: true } };
    return JSON.stringify(body);
  };

  it('a status field of another shape gets a 200 (never a 5xx) and the service keeps serving', async () => {
    const reply = await post(stale());
    expect(reply.statusCode).toBe(200);
    await expectHealthy();
  });

  it('a valid spec with a status field of another shape is reconciled, not refused as "spec does not match the CRD schema" (the stale field is then carried into every later status, so it never recovers)', async () => {
    const reply = await post(stale());
    expect(JSON.parse(reply.body).status.phase).not.toBe('Failed');
  });
});

describe('deep nesting', () => {
  const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`;
  const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const at = (where: string, value: string): string => {
    switch (where) {
      case 'controller':
        return goodText.replace('"controller":{', `"controller":${value},"controller-was":{`);
      case 'an extra envelope key':
        return goodText.replace(/^\{/u, `{"extra":${value},`);
      case 'an unknown spec field':
        return goodText.replace('"spec":{', `"spec":{"unknownField":${value},`);
      case 'parent.metadata':
        return goodText.replace('"metadata":{', `"metadata":{"unknownField":${value},`);
      case 'parent.status':
        return goodText.replace('"parent":{', `"parent":{"status":${value},`);
      default:
        return goodText.replace(`"${childKey}":{`, `"${childKey}":{"unknownField":${value},`);
    }
  };

  it.each(['controller', 'an extra envelope key', 'an unknown spec field', 'parent.metadata', 'parent.status', 'an observed child'])(
    '10,000 levels in %s: the same 200 as without, the service healthy',
    async (where) => {
      for (const value of [deepObject(10_000), deepArray(10_000)]) {
        const reply = await post(at(where, value));
        expect(reply.statusCode, reply.body.slice(0, 200)).toBe(200);
        if (where !== 'parent.status') expect(reply.body).toBe(reference);
      }
      await expectHealthy();
    },
    30_000,
  );

  it('a million levels in controller: 200, the service healthy', async () => {
    const reply = await post(at('controller', deepObject(1_000_000)));
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(reference);
    await expectHealthy();
  }, 60_000);

  // Every kind whose spec has an affinity, which its reconciler copies into the pod template.
  const withAffinity = contexts.filter((c) => c.liveBases.length > 0 && schemaAt(c.specSchema, ['affinity']) !== undefined);
  /** A live parent's sync body with `affinity` (JSON text, too deep to build as an object) as its spec.affinity. */
  const affinityBody = (ctx: (typeof contexts)[number], affinity: string): string => {
    const b = ctx.liveBases[0]!;
    const parent = { ...b.parent, spec: { ...(b.parent.spec as object), affinity: 'AFFINITY-PLACEHOLDER' }, status: b.response.status };
    return JSON.stringify(hookBody(ctx, 'sync', parent, liveObjects(ctx, b))).replace('"AFFINITY-PLACEHOLDER"', affinity);
  };

  it('the kinds that copy spec.affinity are covered', () => {
    expect(withAffinity.map((c) => c.plural).sort()).toEqual(['neo4jenterpriseclusters', 'neo4jenterprisestandalones']);
  });

  it.each(withAffinity.flatMap((c) => [2000, 10_000].map((levels) => [c.plural, levels, c] as const)))(
    '%s: %i levels under spec.affinity in a field the schema does not know: the same 200 as without it (dropped, in no child), the service healthy',
    async (plural, levels, ctx) => {
      const url = `/hooks/${plural}/sync`;
      const without = await post(affinityBody(ctx, '{"nodeAffinity":{}}'), 'application/json', url);
      expect(without.statusCode, without.body.slice(0, 200)).toBe(200);
      for (const deep of [`{"nodeAffinity":${deepObject(levels)}}`, `{"nodeAffinity":{"a":${deepArray(levels)}}}`]) {
        const reply = await post(affinityBody(ctx, deep), 'application/json', url);
        expect(reply.statusCode, reply.body.slice(0, 200)).toBe(200);
        expect(reply.body).toBe(without.body);
      }
      await expectHealthy();
    },
    30_000,
  );

  it.each(withAffinity.flatMap((c) => [2000, 10_000].map((levels) => [c.plural, levels, c] as const)))(
    '%s: %i levels under spec.affinity where the schema expects another type: 200, phase Failed naming the field, the service healthy',
    async (plural, levels, ctx) => {
      const deep = `{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":${deepArray(levels)}}}}`;
      const reply = await post(affinityBody(ctx, deep), 'application/json', `/hooks/${plural}/sync`);
      expect(reply.statusCode, reply.body.slice(0, 200)).toBe(200);
      const { status } = JSON.parse(reply.body) as { status: { phase: string; message: string } };
      expect(status.phase).toBe('Failed');
      expect(status.message).toContain('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value: "array"');
      await expectHealthy();
    },
    30_000,
  );
});

/** `value` with `key: payload` added to every object inside it (own properties, `__proto__` included). */
function withKeyEverywhere(value: unknown, key: string, payload: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => withKeyEverywhere(v, key, payload));
  if (!isRecord(value)) return value;
  return objectOf([...Object.entries(value).map(([k, v]) => [k, withKeyEverywhere(v, key, payload)] as const), [key, structuredClone(payload)]]);
}

/** `value` with `key: payload` added to the object at `path` only. */
function withKeyAt(value: unknown, path: (string | number)[], key: string, payload: unknown): unknown {
  if (path.length === 0) return isRecord(value) ? objectOf([...Object.entries(value), [key, payload]]) : value;
  const [step, ...rest] = path;
  if (Array.isArray(value) && typeof step === 'number') return value.map((v, i) => (i === step ? withKeyAt(v, rest, key, payload) : v));
  if (isRecord(value) && typeof step === 'string') return objectOf(Object.entries(value).map(([k, v]) => [k, k === step ? withKeyAt(v, rest, key, payload) : v]));
  return value;
}

describe('prototype pollution', () => {
  const places: [string, (string | number)[]][] = [
    ['the envelope', []],
    ['controller', ['controller']],
    ['parent', ['parent']],
    ['parent.metadata', ['parent', 'metadata']],
    ['parent.spec', ['parent', 'spec']],
    ['parent.spec.image', ['parent', 'spec', 'image']],
    ['the children map', ['children']],
    [`children[${childType}]`, ['children', childType]],
    ['an observed child', ['children', childType, childKey]],
    ["an observed child's metadata", ['children', childType, childKey, 'metadata']],
    ['the related map', ['related']],
  ];
  const poison = { polluted: 'yes', toString: 'yes' };

  it.each(places)('__proto__ in %s: 400, nothing polluted', async (_label, path) => {
    const reply = await post(JSON.stringify(withKeyAt(goodBody, path, '__proto__', poison)));
    expect(reply.statusCode).toBe(400);
    expectJsonMessage(reply.body);
    await expectHealthy();
  });

  it.each(places)('constructor.prototype in %s: 400, nothing polluted', async (_label, path) => {
    const reply = await post(JSON.stringify(withKeyAt(goodBody, path, 'constructor', { prototype: poison })));
    expect(reply.statusCode).toBe(400);
    expectJsonMessage(reply.body);
    await expectHealthy();
  });

  it.each(places.filter(([label]) => !label.startsWith('children[') && !label.startsWith('the related') && !label.startsWith('the children')))(
    'constructor, prototype, toString, hasOwnProperty, valueOf as plain keys in %s: the same 200, nothing polluted',
    async (_label, path) => {
      for (const key of ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
        const reply = await post(JSON.stringify(withKeyAt(goodBody, path, key, 'x')));
        expect(reply.statusCode, `${key}: ${reply.body.slice(0, 200)}`).toBe(200);
        expect(reply.body, key).toBe(reference);
      }
      await expectHealthy();
    },
  );

  it('prototype-named type keys in the children and related maps mean nothing observed of that type (the same 200)', async () => {
    for (const key of ['constructor', 'prototype', 'toString', 'hasOwnProperty']) {
      for (const map of ['children', 'related']) {
        const reply = await post(JSON.stringify(withKeyAt(goodBody, [map], key, {})));
        expect(reply.statusCode, `${map}.${key}`).toBe(200);
        expect(reply.body, `${map}.${key}`).toBe(reference);
      }
    }
    await expectHealthy();
  });

  describe.each(contexts.map((c) => [c.plural, c] as const))('%s', (plural, ctx) => {
    const kindBase = ctx.liveBases[0] ?? ctx.bases[0]!;
    const body = hookBody(ctx, 'sync', kindBase.parent, kindBase.observed);

    it('__proto__ and constructor.prototype in every object of the body: 400 through HTTP, nothing polluted', async () => {
      for (const poisoned of [withKeyEverywhere(body, '__proto__', poison), withKeyEverywhere(body, 'constructor', { prototype: poison })]) {
        const reply = await post(JSON.stringify(poisoned), 'application/json', `/hooks/${plural}/sync`);
        expect(reply.statusCode).toBe(400);
      }
      await expectHealthy();
    });

    it('the core called directly (as the CLI does) with __proto__ and constructor.prototype everywhere pollutes nothing', () => {
      for (const key of ['__proto__', 'constructor']) {
        const payload = key === '__proto__' ? poison : { prototype: poison };
        // JSON.parse makes `__proto__` an own key, as a parser of untrusted input would.
        const parsed: unknown = JSON.parse(JSON.stringify(withKeyEverywhere(body, key, payload)));
        try {
          runSync(ctx.reconciler, parsed as Parameters<typeof runSync>[1], kindBase.now);
        } catch {
          // Refusing the request is fine; writing to a prototype is not.
        }
        expectUnpolluted();
      }
    });

    it('a YAML document with __proto__ keys, rendered as `neo4j-hooks render` does, pollutes nothing', () => {
      const yamlText = `${JSON.stringify(withKeyEverywhere(kindBase.parent, '__proto__', poison))}\n`;
      for (const doc of [...readYamlDocuments(yamlText, 'poisoned.yaml'), parseYaml(yamlText) as unknown]) {
        try {
          preview(doc, kindBase.observed, { now: kindBase.now });
        } catch {
          // Refusing the document is fine.
        }
      }
      expectUnpolluted();
    });

    const maps = mapPaths(ctx.specSchema);
    it.skipIf(maps.length === 0)(
      `prototype-named keys (toString, constructor, valueOf, hasOwnProperty, __defineGetter__) in every map of the spec (${maps.map((m) => m.join('.')).join(', ') || 'none'}) are admitted and answered 200`,
      async () => {
        for (const path of maps) {
          const valueSchema = schemaAt(ctx.specSchema, [...path, '*'])!;
          for (const key of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__defineGetter__']) {
            for (const b of ctx.bases) {
              const at = path.map((s) => (s === '[]' ? 0 : s));
              const spec = applyMutations(b.parent.spec, [{ op: 'set', path: [...at, key], value: minimalValue(valueSchema, key), why: 'graft' }], ctx.specSchema);
              const { admitted } = admission(ctx, withSpec(b, spec));
              if (!admitted) continue;
              const hook = b.finalizing ? 'finalize' : 'sync';
              const reply = await post(JSON.stringify(hookBody(ctx, hook, admitted, b.observed)), 'application/json', `/hooks/${plural}/${hook}`);
              expect(reply.statusCode, `${b.id} ${path.join('.')}.${key}: ${reply.body.slice(0, 200)}`).toBe(200);
            }
          }
        }
        expectUnpolluted();
      },
      60_000,
    );
  });
});

describe('content types and methods', () => {
  it.each(['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'application/xml', 'application/merge-patch+json', 'multipart/form-data; boundary=x', 'application/octet-stream', ''])(
    'content-type %j: 415 with a JSON message',
    async (contentType) => {
      const reply = await post(goodText, contentType);
      expect(reply.statusCode).toBe(415);
      expectJsonMessage(reply.body);
      await expectHealthy();
    },
  );

  it.each(['application/json; charset=utf-8', 'application/json; charset=latin1', 'APPLICATION/JSON'])('content-type %j: the charset is ignored, the same 200', async (contentType) => {
    const reply = await post(goodText, contentType);
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(reference);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const)('%s on a hook route: 404', async (method) => {
    for (const hook of ['sync', 'finalize', 'customize']) {
      const reply = await app.inject({ method, url: `/hooks/${cluster.plural}/${hook}` });
      expect([404, 405]).toContain(reply.statusCode);
      if (method !== 'HEAD') expectJsonMessage(reply.body);
    }
    await expectHealthy();
  });
});

describe('over a real socket', () => {
  let server: FastifyInstance;
  let port = 0;

  beforeAll(async () => {
    server = buildApp({ processMetrics: false, maxEventLoopDelayMs: 0, now: () => base.now });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await server.close();
  });

  interface Raw {
    statusCode: number;
    body: Buffer;
    headers: Record<string, string | string[] | undefined>;
  }

  /** POSTs raw bytes; `chunked` streams them without a Content-Length; `declared` lies about the length. */
  function send(body: Buffer, options: { chunked?: boolean; declared?: number; contentType?: string; path?: string } = {}): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': options.contentType ?? 'application/json' };
      if (!options.chunked) headers['content-length'] = options.declared ?? body.length;
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: options.path ?? syncUrl, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      });
      // The server may answer and close before the whole body is written: that is the point.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      if (options.chunked) {
        const size = 1024 * 1024;
        for (let offset = 0; offset < body.length; offset += size) req.write(body.subarray(offset, offset + size));
        req.end();
      } else if (options.declared !== undefined && options.declared > body.length) {
        req.write(body);
        // Leave the rest unsent: the declared length alone must be enough to refuse.
        setTimeout(() => req.destroy(), 2000);
      } else {
        req.end(body);
      }
    });
  }

  async function expectServing(): Promise<void> {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const good = await send(Buffer.from(goodText));
    expect(good.statusCode).toBe(200);
    expect(good.body.toString('utf8')).toBe(reference);
    expectUnpolluted();
  }

  it('answers the good call as inject does', async () => {
    await expectServing();
  });

  it('non-UTF-8 bytes inside a JSON string are read as U+FFFD: 200, valid UTF-8 JSON back', async () => {
    for (const bad of [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]]) {
      const cut = goodText.indexOf('"uid":"') + '"uid":"'.length;
      const body = Buffer.concat([Buffer.from(goodText.slice(0, cut)), Buffer.from(bad), Buffer.from(goodText.slice(cut))]);
      const reply = await send(body);
      expect(reply.statusCode, reply.body.toString('utf8').slice(0, 200)).toBe(200);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(reply.body);
      expect(Array.isArray(JSON.parse(text).children)).toBe(true);
    }
    await expectServing();
  });

  it('non-UTF-8 bytes outside strings, a UTF-16 body: 400 with a JSON message', async () => {
    const bodies = [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(goodText)]),
      Buffer.concat([Buffer.from(goodText.slice(0, 1)), Buffer.from([0x80, 0x81]), Buffer.from(goodText.slice(1))]),
      Buffer.from(goodText, 'utf16le'),
    ];
    for (const body of bodies) {
      const reply = await send(body, { contentType: 'application/json; charset=utf-16' });
      expect(reply.statusCode).toBe(400);
      expectJsonMessage(reply.body.toString('utf8'));
    }
    await expectServing();
  });

  it(`a body past ${BODY_LIMIT} bytes gets 413 with a JSON message, declared or streamed, and the service keeps serving`, async () => {
    const padding = 'x'.repeat(BODY_LIMIT + 1024);
    const big = Buffer.from(goodText.replace('"controller":{', `"padding":"${padding}","controller":{`));
    expect(big.length).toBeGreaterThan(BODY_LIMIT);
    for (const options of [{}, { chunked: true }]) {
      const reply = await send(big, options);
      expect(reply.statusCode, JSON.stringify(options)).toBe(413);
      expectJsonMessage(reply.body.toString('utf8'));
    }
    const lying = await send(Buffer.from(goodText), { declared: BODY_LIMIT + 1 });
    expect(lying.statusCode).toBe(413);
    expectJsonMessage(lying.body.toString('utf8'));
    await expectServing();
  }, 60_000);
});

describe('after everything', () => {
  it('no prototype was polluted', () => {
    expectUnpolluted();
    expect(Object.getPrototypeOf([])).toBe(Array.prototype);
    expect((Array.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});

