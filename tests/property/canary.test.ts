/**
 * Canary secrets: a unique token in every string a user controls (each string leaf of the kind's
 * CRD schema and each map key, found by walking the schema, so new fields are covered the day
 * they are added) never shows up in a child except where the user put it as plain configuration
 * on purpose (ALLOWED below, per kind, each with the reason), and never in the logs. Placed one
 * at a time (on the richest valid fixture that accepts it, shaped as a name, host, URL or path if
 * the field needs one) and all at once; in the kind's own spec, and in the spec of the related
 * custom resources a reconciler reads (the target cluster of a backup, the plugins of a cluster).
 * Secret values proper (the data of a Secret a reconciler reads) never reach a child, the status
 * or the logs in any encoding, and the credentials the hooks wire up are references
 * (secretKeyRef), never inline values.
 *
 * A token in a field the reconciler rejects (an enum, a duration) cannot travel: such fields are
 * counted, not failed. Logs are captured at trace level through the `logger` option of buildApp.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../hooks/app.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import { runSync } from '../../lib/hook/run.js';
import { isRecord, type K8sObject } from '../../lib/k8s/object.js';
import { ALL_KINDS, API_VERSION } from '../../lib/schemas/index.js';
import { canary, CANARY_PATTERN, findTokens, placeLabel, places, shapes, withCanary, type Place } from './support/canary.js';
import { admission, hookBody, kindContexts, post, rejected, requestFor, withSpec, type Base, type KindContext } from './support/kinds.js';
import { getAt } from './support/mutations.js';
import type { JsonSchema } from './support/schema-arbitrary.js';

/** Where a token from `place` may legitimately land (`Kind:.path`, `[]` for indexes, `<entry>`/`<token>` for map keys). */
interface Allowance {
  place: string | RegExp;
  to: RegExp;
  why: string;
}

const POD = 'StatefulSet:\\.spec\\.template\\.spec';
const CONTAINER = `${POD}\\.containers\\[\\]`;

/** Cluster and standalone share their spec shape and its destinations. */
const SERVER: Allowance[] = [
  { place: 'spec.image.repo', to: new RegExp(`^${CONTAINER}\\.image$`, 'u'), why: 'the image reference' },
  { place: 'spec.image.tag', to: new RegExp(`^${CONTAINER}\\.image$`, 'u'), why: 'the image reference' },
  { place: 'spec.image.tag', to: /^\w+:\.(spec\.template\.)?metadata\.labels\.app\.kubernetes\.io\/version$/u, why: 'the recommended version label' },
  { place: 'spec.image.tag', to: /^ConfigMap:\.data\.neo4j\.conf$/u, why: 'the version named in the generated file header' },
  { place: 'spec.image.pullSecrets.[]', to: new RegExp(`^${POD}\\.imagePullSecrets\\[\\]\\.name$`, 'u'), why: 'a Secret reference' },
  { place: 'spec.topology.placement.topologySpread.topologyKey', to: new RegExp(`^${POD}\\.topologySpreadConstraints\\[\\]\\.topologyKey$`, 'u'), why: 'scheduling configuration' },
  { place: 'spec.topology.placement.antiAffinity.topologyKey', to: new RegExp(`^${POD}\\.affinity\\.podAntiAffinity\\..*\\.topologyKey$`, 'u'), why: 'scheduling configuration' },
  { place: /^spec\.storage\.(backupStorage\.)?className$/u, to: /^StatefulSet:\.spec\.volumeClaimTemplates\[\]\.spec\.storageClassName$/u, why: 'a StorageClass reference' },
  { place: /^spec\.resources\.claims\.\[\]\.(name|request)$/u, to: new RegExp(`^${CONTAINER}\\.resources\\.claims\\[\\]\\.(name|request)$`, 'u'), why: 'resource claims, passed through' },
  { place: /^spec\.resources\.(limits|requests)\.\* \(key\)$/u, to: new RegExp(`^${CONTAINER}\\.resources\\.(limits|requests)\\.<token> \\(key\\)$`, 'u'), why: 'resource names' },
  { place: /^spec\.env\.\[\]\.(name|value)$/u, to: new RegExp(`^${CONTAINER}\\.env\\[\\]\\.(name|value)$`, 'u'), why: 'the user’s environment variables, set on purpose' },
  {
    place: /^spec\.env\.\[\]\.valueFrom\.\w+\.\w+$/u,
    to: new RegExp(`^${CONTAINER}\\.env\\[\\]\\.valueFrom\\.\\w+\\.\\w+$`, 'u'),
    why: 'the sources of the user’s environment variables (references), set on purpose',
  },
  { place: /^spec\.affinity\./u, to: new RegExp(`^${POD}\\.affinity\\.`, 'u'), why: 'the user’s affinity: scheduling configuration' },
  { place: 'spec.nodeSelector.*', to: new RegExp(`^${POD}\\.nodeSelector\\.<entry>$`, 'u'), why: 'scheduling configuration' },
  { place: 'spec.nodeSelector.* (key)', to: new RegExp(`^${POD}\\.nodeSelector\\.<token> \\(key\\)$`, 'u'), why: 'scheduling configuration' },
  { place: /^spec\.tolerations\.\[\]\.(key|operator|value|effect)$/u, to: new RegExp(`^${POD}\\.tolerations\\[\\]\\.(key|operator|value|effect)$`, 'u'), why: 'scheduling configuration' },
  { place: /^spec\.config\.\*( \(key\))?$/u, to: /^ConfigMap:\.data\.neo4j\.conf$/u, why: 'spec.config is neo4j.conf, set on purpose' },
  { place: /^spec\.tls\.issuerRef\.(name|group)$/u, to: /^Certificate:\.spec\.issuerRef\.(name|group)$/u, why: 'an Issuer reference' },
  { place: /^spec\.tls\.subject\.\w+\.\[\]$/u, to: /^Certificate:\.spec\.subject\.\w+\[\]$/u, why: 'certificate subject fields' },
  { place: /^spec\.(tls|auth)\.externalSecrets\.secretStoreRef\.name$/u, to: /^ExternalSecret:\.spec\.secretStoreRef\.name$/u, why: 'a SecretStore reference' },
  {
    place: /^spec\.(tls|auth)\.externalSecrets\.data\.\[\]\.remoteRef\.(key|property|version)$/u,
    to: /^ExternalSecret:\.spec\.data\[\]\.remoteRef\.(key|property|version)$/u,
    why: 'where the value lives in the external store (a name, not the value)',
  },
  { place: 'spec.auth.adminSecret', to: new RegExp(`^${CONTAINER}\\.env\\[\\]\\.valueFrom\\.secretKeyRef\\.name$`, 'u'), why: 'a Secret reference (the password itself never)' },
  { place: /^spec\.service\.annotations\.\*( \(key\))?$/u, to: /^Service:\.metadata\.annotations\.(<entry>|<token> \(key\))$/u, why: 'the user’s Service annotations' },
  { place: /^spec\.service\.(loadBalancerIP|loadBalancerSourceRanges\.\[\])$/u, to: /^Service:\.spec\.(loadBalancerIP|loadBalancerSourceRanges\[\])$/u, why: 'Service configuration' },
  { place: 'spec.service.ingress.className', to: /^Ingress:\.spec\.ingressClassName$/u, why: 'an IngressClass reference' },
  { place: /^spec\.service\.ingress\.annotations\.\*( \(key\))?$/u, to: /^Ingress:\.metadata\.annotations\.(<entry>|<token> \(key\))$/u, why: 'the user’s Ingress annotations' },
  { place: 'spec.service.ingress.host', to: /^Ingress:\.spec\.(rules\[\]\.host|tls\[\]\.hosts\[\])$/u, why: 'the Ingress host' },
  { place: 'spec.service.ingress.tlsSecretName', to: /^Ingress:\.spec\.tls\[\]\.secretName$/u, why: 'a Secret reference' },
];

/** A Job or CronJob pod path (`Job:.spec.template.spec` or `CronJob:.spec.jobTemplate.spec.template.spec`). */
const JOB_POD = '(Job:\\.spec\\.template\\.spec|CronJob:\\.spec\\.jobTemplate\\.spec\\.template\\.spec)';
const JOB_CONTAINER = `${JOB_POD}\\.containers\\[\\]`;

/** The target deployment's image and credentials reach the Jobs that talk to it. */
const TARGET: Allowance[] = [
  { place: /^Neo4jEnterprise(Cluster|Standalone) spec\.image\.(repo|tag)$/u, to: new RegExp(`^${JOB_CONTAINER}\\.image$`, 'u'), why: 'Jobs run the target’s own image' },
  { place: /^Neo4jEnterprise(Cluster|Standalone) spec\.image\.pullPolicy$/u, to: new RegExp(`^${JOB_CONTAINER}\\.imagePullPolicy$`, 'u'), why: 'and pull it the same way' },
  { place: /^Neo4jEnterprise(Cluster|Standalone) spec\.image\.pullSecrets\.\[\]$/u, to: new RegExp(`^${JOB_POD}\\.imagePullSecrets\\[\\]\\.name$`, 'u'), why: 'a Secret reference' },
  { place: /^Neo4jEnterprise(Cluster|Standalone) spec\.auth\.adminSecret$/u, to: new RegExp(`^${JOB_CONTAINER}\\.env\\[\\]\\.valueFrom\\.secretKeyRef\\.name$`, 'u'), why: 'a Secret reference' },
];

/** Per kind: every place a token may land. A token anywhere else fails the test. */
const ALLOWED: Record<string, Allowance[]> = {
  neo4jenterpriseclusters: [
    ...SERVER,
    { place: /^spec\.backups\.defaultStorage\.(bucket|path)$/u, to: new RegExp(`^${CONTAINER}\\.env\\[\\]\\.value$`, 'u'), why: 'the backup destination, configuration' },
    { place: /^spec\.backups\.(defaultStorage\.)?cloud\.identity\.serviceAccount$/u, to: new RegExp(`^${POD}\\.serviceAccountName$`, 'u'), why: 'a ServiceAccount reference' },
    { place: /^spec\.backups\.(defaultStorage\.)?cloud\.credentialsSecretRef$/u, to: new RegExp(`^${CONTAINER}\\.env\\[\\]\\.valueFrom\\.secretKeyRef\\.name$`, 'u'), why: 'a Secret reference' },
    { place: 'Neo4jPlugin spec.security.allowedProcedures.[]', to: /^ConfigMap:\.data\.neo4j\.conf$/u, why: 'procedure allow-lists are neo4j.conf settings' },
    { place: 'Neo4jPlugin spec.license.keySecret', to: new RegExp(`^${POD}\\.volumes\\[\\]\\.projected\\.sources\\[\\]\\.secret\\.name$`, 'u'), why: 'a Secret reference' },
  ],
  neo4jenterprisestandalones: [...SERVER, { place: 'Neo4jPlugin spec.security.allowedProcedures.[]', to: /^ConfigMap:\.data\.neo4j\.conf$/u, why: 'procedure allow-lists are neo4j.conf settings' }],
  neo4jbackups: [
    ...TARGET,
    { place: 'spec.storage.bucket', to: new RegExp(`^${JOB_CONTAINER}\\.args\\[\\]$`, 'u'), why: 'the destination URI, an argv element (never a shell string)' },
    { place: 'spec.storage.path', to: new RegExp(`^${JOB_CONTAINER}\\.(args\\[\\]|env\\[\\]\\.value)$`, 'u'), why: 'the destination, argv and env' },
    { place: 'spec.storage.pvc.storageClassName', to: /^PersistentVolumeClaim:\.spec\.storageClassName$/u, why: 'a StorageClass reference' },
    { place: /^spec\.(storage\.)?cloud\.identity\.serviceAccount$/u, to: new RegExp(`^${JOB_POD}\\.serviceAccountName$`, 'u'), why: 'a ServiceAccount reference' },
    { place: /^spec\.(storage\.)?cloud\.credentialsSecretRef$/u, to: new RegExp(`^(${JOB_CONTAINER}\\.env\\[\\]\\.valueFrom\\.secretKeyRef\\.name|${JOB_POD}\\.volumes\\[\\]\\.secret\\.secretName)$`, 'u'), why: 'a Secret reference' },
    { place: 'spec.schedule', to: /^CronJob:\.spec\.schedule$/u, why: 'the schedule' },
    { place: /^spec\.(storage\.)?cloud\.identity\.autoCreate\.annotations\.\*( \(key\))?$/u, to: /^ServiceAccount:\.metadata\.annotations\.(<entry>|<token> \(key\))$/u, why: 'the user’s ServiceAccount annotations' },
  ],
  neo4jrestores: [
    ...TARGET,
    { place: /^spec\.(source\.storage\.(bucket|path)|source\.backupPath|databaseName)$/u, to: /^Job:\.spec\.template\.spec\.containers\[\]\.env\[\]\.value$/u, why: 'the source and database, passed as environment' },
    { place: /^Neo4jBackup spec\.storage\.(bucket|path)$/u, to: /^Job:\.spec\.template\.spec\.containers\[\]\.env\[\]\.value$/u, why: 'the referenced backup’s location' },
    {
      place: /^spec\.options\.(pre|post)Restore\.job\.template\.container\.(image|command\.\[\]|args\.\[\]|env\.\[\]\.(name|value))$/u,
      to: /^Job:\.spec\.template\.spec\.containers\[\]\.(image|command\[\]|args\[\]|env\[\]\.(name|value))$/u,
      why: 'the user’s own hook container, as written',
    },
    { place: /^spec\.options\.(pre|post)Restore\.cypherStatements\.\[\]$/u, to: /^Job:\.spec\.template\.spec\.containers\[\]\.args\[\]$/u, why: 'the user’s Cypher, as argv' },
  ],
  neo4jdatabases: [
    ...TARGET,
    { place: 'spec.name', to: /^Job:\.(metadata\.annotations\.neo4j\.neo4j\.com\/database-name|spec\.template\.spec\.containers\[\]\.env\[\]\.value)$/u, why: 'the database name' },
    { place: /^spec\.(initialData\.cypherStatements\.\[\]|seedURI|seedConfig\.config\.\*( \(key\))?)$/u, to: /^Job:\.spec\.template\.spec\.containers\[\]\.env\[\]\.value$/u, why: 'the user’s Cypher and seed options, as environment' },
  ],
  neo4jplugins: [],
};

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});
let clock = new Date();
const app = buildApp({ processMetrics: false, maxEventLoopDelayMs: 0, logger: pino({ level: 'trace' }, sink), now: () => clock });
afterAll(async () => {
  await app.close();
});

const contexts = kindContexts();
let tokenIndex = 0;

/** Bases that accept their spec, the richest (most children) first. */
function acceptingBases(ctx: KindContext): Base[] {
  return ctx.bases.filter((b) => !b.finalizing && !rejected(b.response)).sort((a, b) => b.response.children.length - a.response.children.length);
}

function normalize(at: string): string {
  return at.replace(/\[\d+\]/gu, '[]').replace(CANARY_PATTERN, '<token>').replace(/neo4j-hooks-canary/gu, '<entry>');
}

/** Tokens in the children outside their allowance: `label: Kind:.path` lines. */
function leaks(ctx: KindContext, children: readonly K8sObject[], origin: ReadonlyMap<string, string>): string[] {
  const allowed = ALLOWED[ctx.plural] ?? [];
  const out: string[] = [];
  for (const child of children) {
    for (const { token, at } of findTokens(child)) {
      const label = origin.get(token) ?? `unknown token ${token}`;
      const where = `${child.kind}:${normalize(at)}`;
      const ok = allowed.some((a) => (typeof a.place === 'string' ? a.place === label : a.place.test(label)) && a.to.test(where));
      if (!ok) out.push(`${label} → ${where}`);
    }
  }
  return out;
}

interface Placed {
  place: Place;
  value: string;
  token: string;
  base: Base;
}

/** The first (base, shape) that puts a token at `place` in an admitted, accepted spec, found with the core. */
function placeToken(ctx: KindContext, place: Place, bases: readonly Base[]): Placed | 'inadmissible' | 'rejected' {
  let admitted = false;
  for (const base of bases.slice(0, 4)) {
    const token = canary(tokenIndex++);
    const existing = getAt(base.parent.spec, place.path.map((s) => (s === '[]' ? 0 : s)));
    for (const value of place.role === 'key' ? [token] : shapes(token, existing)) {
      const parent = admission(ctx, withSpec(base, withCanary(base.parent.spec, ctx.specSchema, place, value))).admitted;
      if (!parent) continue;
      admitted = true;
      if (!rejected(runSync(ctx.reconciler, requestFor(ctx, parent, base.observed), base.now))) return { place, value, token, base };
    }
  }
  return admitted ? 'rejected' : 'inadmissible';
}

async function sync(ctx: KindContext, base: Base, parent: K8sObject, observed: readonly K8sObject[] = base.observed) {
  clock = base.now;
  return post(app, ctx.plural, 'sync', hookBody(ctx, 'sync', parent, observed));
}

function logText(): string {
  return lines.join('');
}

describe.each(contexts.map((c) => [c.plural, c] as const))('%s: canaries in user strings', (plural, ctx) => {
  const bases = acceptingBases(ctx);
  const placed: Placed[] = [];

  it('one at a time: a token reaches only its allowed places, and never the logs', async () => {
    const counts = { places: 0, carried: 0, rejected: 0, inadmissible: 0 };
    const problems: string[] = [];
    const before = lines.length;
    for (const place of places(ctx.specSchema)) {
      counts.places++;
      const found = placeToken(ctx, place, bases);
      if (found === 'rejected' || found === 'inadmissible') {
        counts[found]++;
        continue;
      }
      counts.carried++;
      placed.push(found);
      const parent = admission(ctx, withSpec(found.base, withCanary(found.base.parent.spec, ctx.specSchema, place, found.value))).admitted!;
      const answer = await sync(ctx, found.base, parent);
      expect(answer.statusCode, placeLabel(place)).toBe(200);
      problems.push(...leaks(ctx, answer.body.children as K8sObject[], new Map([[found.token, placeLabel(place)]])));
      // The same token in a mistyped form (a raw spec, which may end in a logged 500): never logged.
      if (place.role === 'value') {
        const swapped = withSpec(found.base, withCanary(found.base.parent.spec, ctx.specSchema, place, [found.value] as unknown as string));
        await sync(ctx, found.base, swapped);
      }
    }
    expect(problems, 'tokens outside their allowed places').toEqual([]);
    expect(lines.length, 'the calls were logged').toBeGreaterThan(before);
    expect(logText().match(CANARY_PATTERN), 'tokens in the logs').toBeNull();
    expect(counts.places).toBeGreaterThan(0);
    if (bases.length > 0) expect(counts.carried, JSON.stringify(counts)).toBeGreaterThan(0);
  }, 120_000);

  it('all at once: every token that travels alone, together on one spec, stays in its allowed places and out of the logs', async () => {
    const base = bases[0];
    if (!base || placed.length === 0) return;
    // Greedy: keep each token that the spec still accepts with the ones already in.
    let spec: unknown = base.parent.spec;
    const origin = new Map<string, string>();
    for (const p of placed) {
      const next = withCanary(spec, ctx.specSchema, p.place, p.value);
      const parent = admission(ctx, withSpec(base, next)).admitted;
      if (!parent || rejected(runSync(ctx.reconciler, requestFor(ctx, parent, base.observed), base.now))) continue;
      spec = next;
      origin.set(p.token, placeLabel(p.place));
    }
    const parent = admission(ctx, withSpec(base, spec)).admitted!;
    const answer = await sync(ctx, base, parent);
    expect(answer.statusCode).toBe(200);
    expect(rejected(answer.body)).toBe(false);
    expect(origin.size, 'most tokens fit together').toBeGreaterThan(placed.length / 2);
    expect(leaks(ctx, answer.body.children as K8sObject[], origin)).toEqual([]);
    expect(logText().match(CANARY_PATTERN)).toBeNull();
  }, 60_000);

  it('in the related custom resources it reads (targets, plugins, backups): tokens reach only their allowed places', async () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const base of bases) {
      for (const [index, related] of base.observed.entries()) {
        const def = ALL_KINDS.find((k) => k.kind === related.kind && related.apiVersion === API_VERSION);
        // One fixture per related kind is enough: the path from a related spec to a child does not depend on the case.
        if (!def || seen.has(def.kind) || !isRecord(related.spec)) continue;
        seen.add(def.kind);
        const specSchema = (openApiSchema(def).properties as Record<string, JsonSchema>).spec!;
        for (const place of places(specSchema)) {
          const token = canary(tokenIndex++);
          const existing = getAt(related.spec, place.path.map((s) => (s === '[]' ? 0 : s)));
          const value = place.role === 'key' || typeof existing !== 'string' ? token : `${existing}-${token}`;
          const observed = base.observed.map((o, i) => (i === index ? { ...o, spec: withCanary(o.spec, specSchema, place, value) } : o));
          const answer = await sync(ctx, base, base.parent, observed);
          expect([200, 500], `${def.kind} ${placeLabel(place)}`).toContain(answer.statusCode);
          if (answer.statusCode === 200) problems.push(...leaks(ctx, answer.body.children as K8sObject[], new Map([[token, `${def.kind} ${placeLabel(place)}`]])));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(logText().match(CANARY_PATTERN)).toBeNull();
  }, 120_000);
});

const SECRET = 'S3cr3t-Canary-Value-4f9a!';
const SECRET_B64 = Buffer.from(SECRET).toString('base64');

describe('secret values', () => {
  it('the data of a Secret a reconciler reads never reaches a child, the status or the logs (raw or base64)', async () => {
    let checked = 0;
    for (const ctx of contexts.filter((c) => c.reconciler.related.some((r) => r.kind === 'Secret'))) {
      for (const base of ctx.bases.filter((b) => b.observed.some((o) => o.kind === 'Secret'))) {
        const observed = base.observed.map((o) =>
          o.kind === 'Secret' && isRecord(o.data)
            ? { ...o, data: Object.fromEntries(Object.keys(o.data).map((k) => [k, SECRET_B64])), stringData: Object.fromEntries(Object.keys(o.data).map((k) => [k, SECRET])) }
            : o,
        );
        for (const finalizing of [false, true]) {
          clock = base.now;
          const answer = await post(app, ctx.plural, finalizing ? 'finalize' : 'sync', hookBody(ctx, finalizing ? 'finalize' : 'sync', base.parent, observed));
          expect(answer.statusCode).toBe(200);
          expect(answer.text).not.toContain(SECRET);
          expect(answer.text).not.toContain(SECRET_B64);
          checked++;
        }
      }
    }
    expect(logText()).not.toContain(SECRET);
    expect(logText()).not.toContain(SECRET_B64);
    // Today Neo4jDatabase reads seedCredentials Secrets; a kind that reads none has nothing to leak.
    if (contexts.some((c) => c.reconciler.related.some((r) => r.kind === 'Secret'))) expect(checked).toBeGreaterThan(0);
  });

  it('credentials the hooks wire up are Secret references: no inline value for a password, secret, token or key variable', () => {
    const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|ACCESS_KEY|STORAGE_KEY/u;
    const inline: string[] = [];
    const walk = (value: unknown, where: string, userEnv: ReadonlySet<string>) => {
      if (Array.isArray(value)) return value.forEach((v) => walk(v, where, userEnv));
      if (!isRecord(value)) return;
      if (Array.isArray(value.env)) {
        for (const e of value.env) {
          if (isRecord(e) && typeof e.name === 'string' && SECRET_NAME.test(e.name) && !userEnv.has(e.name) && e.value !== undefined) inline.push(`${where}: ${e.name}`);
        }
      }
      for (const v of Object.values(value)) walk(v, where, userEnv);
    };
    for (const ctx of contexts) {
      for (const base of ctx.bases) {
        const spec = base.parent.spec as { env?: { name?: string }[] } | undefined;
        // A variable the user wrote in spec.env with a value is theirs to write.
        const userEnv = new Set((Array.isArray(spec?.env) ? spec.env : []).map((e) => String(e.name)));
        walk(base.response.children, base.id, userEnv);
      }
    }
    expect(inline).toEqual([]);
  });
});
