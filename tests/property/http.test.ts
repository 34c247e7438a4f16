/**
 * Bad specs through HTTP, for every registered kind: random specs from the kind's CRD schema
 * (schema-shaped and with violations) and mutations of its golden fixtures (deleted fields, type
 * swaps, extreme values, grafted subtrees), on every hook (sync, finalize, customize).
 *
 * - A spec the API server would admit always gets 200 (400 only when the body carries a
 *   prototype-poisoning key, which the JSON parser refuses), and the 200 keeps the contract,
 *   its children valid against the official schemas.
 * - A spec the API server would reject ("raw": a CR stored before a schema change, or served by a
 *   CRD installed without validation) should get 200 with a rejected phase on sync, or 400; never
 *   a 5xx and never a hang. The minimal cases the properties found are kept as regression tests
 *   (RAW_REPRODUCTIONS); one marked `knownGap` is an `it.fails` and skips its kind's property.
 * - Whatever the input, a non-200 answer is JSON with a message, and the service still serves
 *   the next call.
 *
 * Calls go to the real app (buildApp + inject) in a child process with a deadline (see
 * support/sandbox.ts), so a reconciler that loops is reported instead of freezing the run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates, describeCall, prepare, type Prepared } from './support/candidates.js';
import { checkError, checkOk } from './support/checks.js';
import { DEADLINE_MS, params } from './support/config.js';
import { admission, describeAnswer, hookBody, HOOKS, kindContexts, poisoned, rejected, withSpec, type Base, type KindContext } from './support/kinds.js';
import { applyMutations, type Mutation, type Path } from './support/mutations.js';
import { startSandbox, type Sandbox } from './support/sandbox.js';
import { freeFormPaths, schemaAt, type JsonSchema, type Step } from './support/schema-arbitrary.js';
import { schemaError } from '../support/k8s-schemas.js';

const contexts = kindContexts();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox(DEADLINE_MS);
}, 60_000);
afterAll(() => sandbox?.close());

/** A minimal raw spec (found by the properties below) on a fixture, kept as a regression test. */
interface Reproduction {
  /** What is sent and what went wrong once (the test title). */
  title: string;
  /** The fixture case to start from (default: the kind's first). */
  fixture?: string;
  spec: (spec: Record<string, unknown>) => unknown;
  /** Deadline of this call (a hang). */
  deadlineMs?: number;
  /** Still broken today: the test is an `it.fails`, and the kind's strict property is skipped. */
  knownGap?: true;
}

/**
 * Raw specs that once crashed or hung a reconciler, by kind: each must now get 200 with a rejected
 * phase (or 400). They were fixed by lib/hook/run.ts refusing a parent the CRD schema would reject
 * (status Failed, children frozen) before any reconciler sees it. An entry marked `knownGap` is an
 * `it.fails` and turns the kind's strict property off until it is fixed.
 */
const RAW_REPRODUCTIONS: Record<string, Reproduction[]> = {
  neo4jenterpriseclusters: [
    { title: '`spec: {}` (was 500: Cannot destructure property servers of spec.topology)', spec: () => ({}) },
    { title: '`image.tag: true` (was 500: tag.startsWith is not a function)', spec: (s) => ({ ...s, image: { ...(s.image as object), tag: true } }) },
    {
      title: '`topology.servers: 2^53-1` (never answered: validateHasPrimary loops once per server, blocking the event loop)',
      spec: (s) => ({ ...s, topology: { ...(s.topology as object), servers: Number.MAX_SAFE_INTEGER } }),
      deadlineMs: 2000,
    },
  ],
  neo4jenterprisestandalones: [
    { title: '`spec: {}` (was 500: Cannot destructure property repo of spec.image)', spec: () => ({}) },
    { title: 'a number in `config` (was 500: s.trim is not a function)', spec: (s) => ({ ...s, config: { 'server.memory.heap.max_size': 5 } }) },
  ],
  neo4jbackups: [{ title: '`spec: {}` (was 500: Cannot destructure property kind of spec.target)', spec: () => ({}) }],
  neo4jrestores: [
    { title: '`spec: {}` (was 500: Cannot read properties of undefined, reading toLowerCase)', spec: () => ({}) },
    { title: '`databaseName: false` (was 500: name.toLowerCase is not a function)', spec: (s) => ({ ...s, databaseName: false }) },
  ],
  neo4jdatabases: [
    {
      title: 'a boolean in `initialData.cypherStatements` (was 500: statement.trim is not a function)',
      fixture: 'initial-data',
      spec: (s) => ({ ...s, initialData: { ...(s.initialData as object), cypherStatements: [false] } }),
    },
  ],
  neo4jplugins: [{ title: '`enabled: "false"`, a string (was read as enabled: spec.enabled !== false)', spec: (s) => ({ ...s, enabled: 'false' }) }],
};

const hasKnownRawGap = (plural: string) => (RAW_REPRODUCTIONS[plural] ?? []).some((r) => r.knownGap);

/**
 * Kubernetes content copied into children (core/v1 Affinity, EnvVarSource): once free-form
 * (`x-kubernetes-preserve-unknown-fields`), now modelled in the CRD, so a malformed value is refused
 * at admission, and by the hook (status Failed, children frozen) when it bypassed the schema,
 * instead of giving a child the API server refuses on apply. Malformed values by property name:
 * wrong types, missing required fields, values outside Kubernetes' enums and bounds, and (for
 * valueFrom) no source or two.
 */
const MALFORMED_COPIED: Record<string, readonly unknown[]> = {
  affinity: [
    { nodeAffinity: false },
    { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
    { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Sometimes' }] }] } } },
    { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } },
    { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } } }] } },
    { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
    { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Gt' }] } }] } },
  ],
  valueFrom: [
    { secretKeyRef: false },
    {},
    { secretKeyRef: { name: 's' } },
    { secretKeyRef: { name: 's', key: 'k' }, fieldRef: { fieldPath: 'metadata.name' } },
    { resourceFieldRef: { resource: 'limits.memory', divisor: '1 Mi' } },
  ],
};

/** A well-formed value of each MALFORMED_COPIED property: the control, admitted where the junk is not. */
const WELL_FORMED_COPIED: Record<string, unknown> = {
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } }] },
  },
  valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
};

/** Schema paths (`[]` for items) of every property named in MALFORMED_COPIED. */
function copiedPaths(schema: JsonSchema, path: Step[] = []): Step[][] {
  const out: Step[][] = [];
  if (schema.properties && typeof schema.properties === 'object') {
    for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (Object.hasOwn(MALFORMED_COPIED, key)) out.push([...path, key]);
      else out.push(...copiedPaths(child, [...path, key]));
    }
  }
  if (schema.type === 'array' && schema.items && typeof schema.items === 'object') out.push(...copiedPaths(schema.items as JsonSchema, [...path, '[]']));
  return out;
}

/**
 * Fields copied into children whose values Kubernetes restricts: the CRD restricts them too (an
 * enum), so a typo is refused at admission rather than by the child's apply.
 */
const RESTRICTED_PASS_THROUGH: readonly { path: Step[]; allowed: readonly string[] }[] = [
  { path: ['tolerations', '[]', 'operator'], allowed: ['Exists', 'Equal'] },
  { path: ['tolerations', '[]', 'effect'], allowed: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
];

/** `spec` with `value` at `path` (the first item of each list, an env entry named so it is admissible). */
function specWith(ctx: KindContext, base: Base, path: Step[], value: unknown): Record<string, unknown> {
  const at: Path = path.map((step) => (step === '[]' ? 0 : step));
  const edits: Mutation[] = [{ op: 'set', path: at, value, why: 'graft' }];
  if (path.at(-1) === 'valueFrom') edits.push({ op: 'set', path: [...at.slice(0, -1), 'name'], value: 'JUNK', why: 'graft' });
  return applyMutations(base.parent.spec, edits, ctx.specSchema) as Record<string, unknown>;
}

/** How admission names the field at a schema path (first items), e.g. `spec.env[0].valueFrom`. */
function fieldName(path: Step[]): string {
  return `spec${path.map((step) => (step === '[]' ? '[0]' : `.${step}`)).join('')}`;
}

/**
 * `value` at `path` must be refused by the schema, for that field alone (the same spec with a
 * well-formed value is admitted); and the hook, sent it anyway (a CR that bypassed the schema),
 * answers 200 with a rejected phase.
 */
async function expectRefused(ctx: KindContext, base: Base, path: Step[], value: unknown, control: unknown): Promise<void> {
  const where = `${base.id} ${path.join('.')} = ${JSON.stringify(value)}`;
  expect(admission(ctx, withSpec(base, specWith(ctx, base, path, control))).errors, `${where}: the control`).toEqual([]);
  const raw = withSpec(base, specWith(ctx, base, path, value));
  const { errors } = admission(ctx, raw);
  expect(errors, `${where}: the CRD schema refuses it`).not.toEqual([]);
  for (const error of errors) expect(error.startsWith(fieldName(path)), `${where}: ${error}`).toBe(true);
  const answer = await sandbox.post(ctx.plural, 'sync', hookBody(ctx, 'sync', raw, base.observed), { now: base.now });
  expect(answer.statusCode, `${where}: ${describeAnswer(answer)}`).toBe(200);
  expect(rejected(answer.body), `${where}: ${describeAnswer(answer)}`).toBe(true);
}

const RUNS = 40;
const STRICT_RUNS = 40;

function acceptableRaw(call: Prepared, answer: { statusCode: number; body: Record<string, unknown>; hung?: boolean }): string | undefined {
  if (answer.hung) return 'no answer before the deadline';
  if (answer.statusCode === 400) return undefined;
  if (answer.statusCode !== 200) return `status ${answer.statusCode}`;
  // Finalizing is cleanup, not reconciliation: it need not reject, only answer validly.
  if (call.candidate.hook === 'sync' && !rejected(answer.body)) return 'a raw spec was not rejected';
  return undefined;
}

describe.each(contexts.map((c) => [c.plural, c] as const))('%s: bad specs through HTTP', (plural, ctx) => {
  it(
    'admitted specs get 200 on every hook (400 only for a poisoned body); any spec gets a JSON answer; the service keeps serving',
    async () => {
      const seen = { admitted: 0, raw: 0, ok: 0, rejectedPhase: 0, clientError: 0, serverError: 0, hung: 0 };
      await fc.assert(
        fc.asyncProperty(candidates(ctx, { hooks: HOOKS }), async (candidate) => {
          const call = prepare(ctx, candidate);
          const answer = await sandbox.post(plural, candidate.hook, call.body, { now: candidate.base.now });
          seen[call.admitted ? 'admitted' : 'raw']++;
          if (answer.hung) {
            seen.hung++;
            expect(call.admitted, `${describeCall(call)} never answered`).toBe(false);
            return;
          }
          if (call.admitted) {
            const expected = poisoned(call.body) ? 400 : 200;
            expect(answer.statusCode, `${describeCall(call)}: ${describeAnswer(answer)}`).toBe(expected);
          }
          if (answer.statusCode === 200) {
            seen.ok++;
            if (rejected(answer.body)) seen.rejectedPhase++;
            // Children built from a raw spec may carry its mistyped values (the strict property's business).
            checkOk(ctx, call, answer, { childSchemas: call.admitted });
          } else {
            seen[answer.statusCode >= 500 ? 'serverError' : 'clientError']++;
            checkError(call, answer);
          }
        }),
        params(RUNS),
      );
      const base = ctx.bases[0]!;
      const after = await sandbox.post(plural, 'sync', hookBody(ctx, 'sync', base.parent, base.observed), { now: base.now });
      expect(after.statusCode, 'the service still answers a good call').toBe(200);
      expect(seen.admitted, 'some generated specs are admissible').toBeGreaterThan(0);
      expect(seen.raw, 'some generated specs are not').toBeGreaterThan(0);
    },
    180_000,
  );

  it.skipIf(hasKnownRawGap(plural))(
    'raw specs (rejected by the CRD schema) get 200 with a rejected phase (sync) or valid children (finalize), or 400; never a 5xx or a hang',
    async () => {
      await fc.assert(
        fc.asyncProperty(candidates(ctx, { hooks: ['sync', 'finalize'] }), async (candidate) => {
          const call = prepare(ctx, candidate);
          fc.pre(!call.admitted);
          const answer = await sandbox.post(plural, candidate.hook, call.body, { now: candidate.base.now });
          const problem = acceptableRaw(call, answer);
          expect(problem, `${describeCall(call)}: ${answer.hung ? 'no answer' : describeAnswer(answer)}`).toBeUndefined();
          if (answer.statusCode === 200) checkOk(ctx, call, answer);
        }),
        params(STRICT_RUNS),
      );
    },
    180_000,
  );

  const freeForm = freeFormPaths(ctx.specSchema);
  it.skipIf(freeForm.length === 0)(
    `a malformed free-form field (${freeForm.map((p) => p.join('.')).join(', ') || 'none'}) is rejected or never reaches a child`,
    async () => {
      for (const base of ctx.bases.filter((b) => !b.finalizing)) {
        for (const path of freeForm) {
          const { admitted } = admission(ctx, withSpec(base, specWith(ctx, base, path, { unknownField: { nested: false } })));
          if (!admitted) continue;
          const answer = await sandbox.post(plural, 'sync', hookBody(ctx, 'sync', admitted, base.observed), { now: base.now });
          expect(answer.statusCode, `${base.id} ${path.join('.')}`).toBe(200);
          if (rejected(answer.body)) continue;
          for (const child of answer.body.children as Parameters<typeof schemaError>[0][]) {
            expect(schemaError(child), `${base.id} ${path.join('.')}`).toBeUndefined();
          }
        }
      }
    },
    180_000,
  );

  const copied = copiedPaths(ctx.specSchema);
  const syncBase = ctx.bases.find((b) => !b.finalizing);
  it.skipIf(copied.length === 0 || !syncBase)(
    `Kubernetes content copied into children (${copied.map((p) => p.join('.')).join(', ') || 'none'}) is modelled: a malformed value is refused by the CRD schema, and by the hook (200, rejected) when it bypassed it`,
    async () => {
      for (const path of copied) {
        expect(freeForm.some((f) => f.join('.') === path.join('.')), `${path.join('.')} is free-form`).toBe(false);
        const name = path.at(-1)!;
        for (const junk of MALFORMED_COPIED[name]!) await expectRefused(ctx, syncBase!, path, junk, WELL_FORMED_COPIED[name]);
      }
    },
    180_000,
  );
});

describe('loosely typed fields copied into children are restricted by the CRD', () => {
  for (const ctx of contexts) {
    const paths = RESTRICTED_PASS_THROUGH.filter(({ path }) => schemaAt(ctx.specSchema, path) !== undefined);
    it.skipIf(paths.length === 0 || ctx.liveBases.length === 0)(
      `${ctx.plural}: ${paths.map((p) => p.path.join('.')).join(', ') || 'none'} outside ${paths.map((p) => p.allowed.join('|')).join(', ')} is refused by the CRD schema, and by the hook (200, rejected) when it bypassed it`,
      async () => {
        for (const { path, allowed } of paths) {
          expect([...((schemaAt(ctx.specSchema, path)?.enum as string[] | undefined) ?? [])].sort(), path.join('.')).toEqual([...allowed].sort());
          for (const base of ctx.liveBases) await expectRefused(ctx, base, path, 'Sometimes', allowed[0]);
        }
      },
      60_000,
    );
  }
});

describe('raw reproductions: specs that once got a 5xx, a hang or an unrejected 200', () => {
  // Hangs last: the child killed for one is only replaced if another call follows.
  const rows = contexts
    .flatMap((ctx) => (RAW_REPRODUCTIONS[ctx.plural] ?? []).map((r) => [ctx.plural, r.title, ctx, r] as const))
    .sort((a, b) => Number(a[3].deadlineMs !== undefined) - Number(b[3].deadlineMs !== undefined));
  const baseOf = (ctx: KindContext, r: Reproduction) => (r.fixture ? ctx.bases.find((b) => b.id.endsWith(`/${r.fixture}`)) : ctx.bases[0]);

  // Checked apart, so a known gap's it.fails can only pass by the gap itself failing.
  it('every reproduction starts from an existing fixture and is a spec the API server would reject', () => {
    for (const [plural, title, ctx, r] of rows) {
      const base = baseOf(ctx, r);
      expect(base, `${plural}: ${title}: fixture ${r.fixture ?? '(first)'}`).toBeDefined();
      const raw = withSpec(base!, r.spec(structuredClone(base!.parent.spec) as Record<string, unknown>));
      expect(admission(ctx, raw).errors, `${plural}: ${title}`).not.toEqual([]);
    }
  });

  for (const [plural, title, ctx, r] of rows) {
    (r.knownGap ? it.fails : it)(`${plural}: ${title}${r.knownGap ? ' [known gap]' : ''} → 200 with a rejected phase, or 400`, async () => {
      const base = baseOf(ctx, r)!;
      const raw = withSpec(base, r.spec(structuredClone(base.parent.spec) as Record<string, unknown>));
      const call = prepare(ctx, { source: 'mutation', base, spec: raw.spec, hook: 'sync', live: false });
      const answer = await sandbox.post(ctx.plural, 'sync', call.body, { now: base.now, ...(r.deadlineMs ? { deadlineMs: r.deadlineMs } : {}) });
      expect(acceptableRaw(call, answer), describeAnswer(answer)).toBeUndefined();
    }, 60_000);
  }
});
