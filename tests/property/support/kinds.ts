/**
 * What the property tests know about each registered kind, derived at run time from
 * lib/registry.ts, the generated CRD schema and the golden fixtures, so a kind added to the
 * registry is covered without editing these tests: its schema, its usable fixture cases (as the
 * API server would admit them, with their observed objects and rendered response), and the
 * "live" state of a case (its children observed exactly as applied).
 */
import type { FastifyInstance } from 'fastify';
import { admit } from '../../../lib/crd/admission.js';
import { openApiSchema } from '../../../lib/crd/generate.js';
import type { Reconciler } from '../../../lib/hook/reconciler.js';
import { preview } from '../../../lib/hook/preview.js';
import { buildSyncRequest } from '../../../lib/hook/request.js';
import type { SyncResponse } from '../../../lib/hook/run.js';
import { isRecord, typeKey, type K8sObject } from '../../../lib/k8s/object.js';
import { RECONCILERS } from '../../../lib/registry.js';
import type { SyncRequestBody } from '../../../lib/schemas/envelope.js';
import { asObserved } from '../../support/applied.js';
import { loadCases } from '../../support/fixtures.js';
import type { JsonSchema } from './schema-arbitrary.js';

/**
 * Status phases meaning "the reconciler rejected this spec" (children frozen): `Failed` for most
 * kinds, `ValidationFailed` for Neo4jDatabase (the operator's phase names).
 */
export const REJECTED_PHASES: ReadonlySet<string> = new Set(['Failed', 'ValidationFailed']);

/** The hooks every kind serves. */
export const HOOKS = ['sync', 'finalize', 'customize'] as const;
/** One of the hooks. */
export type Hook = (typeof HOOKS)[number];

/** One fixture case as the hook would receive it. */
export interface Base {
  /** `<plural>/<case>`. */
  id: string;
  /** The parent after admission (pruned, defaulted, namespaced). */
  parent: K8sObject;
  observed: K8sObject[];
  now: Date;
  finalizing: boolean;
  response: SyncResponse;
}

/** A registered kind and everything the properties derive from it. */
export interface KindContext {
  reconciler: Reconciler;
  plural: string;
  schema: JsonSchema;
  specSchema: JsonSchema;
  /** Every fixture case of the kind that previews (the API server would admit its parent). */
  bases: Base[];
  /** Bases whose spec is accepted, not finalizing, with at least one child: a live parent. */
  liveBases: Base[];
}

/** Whether a sync response says the spec was rejected. */
export function rejected(response: { status?: unknown }): boolean {
  return isRecord(response.status) && typeof response.status.phase === 'string' && REJECTED_PHASES.has(response.status.phase);
}

/** Contexts of every registered kind, in registry order. */
export function kindContexts(): KindContext[] {
  const cases = loadCases();
  return RECONCILERS.map((reconciler) => {
    const schema = openApiSchema(reconciler.kind);
    const bases: Base[] = [];
    for (const c of cases.filter((x) => x.plural === reconciler.kind.plural)) {
      try {
        const { parent, response } = preview(c.parent, c.observed, { now: c.now, finalizing: c.finalizing });
        bases.push({ id: `${c.plural}/${c.name}`, parent, observed: c.observed, now: c.now, finalizing: c.finalizing, response });
      } catch {
        // A fixture the API server would reject is no starting point.
      }
    }
    const liveBases = bases.filter((b) => !b.finalizing && !rejected(b.response) && b.response.children.length > 0);
    const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    return { reconciler, plural: reconciler.kind.plural, schema, specSchema: properties.spec ?? {}, bases, liveBases };
  });
}

/** What the API server would do with a parent: admitted (pruned, defaulted) or rejected with errors. */
export function admission(ctx: KindContext, parent: K8sObject): { admitted?: K8sObject; errors: string[] } {
  const { object, errors } = admit(ctx.schema, parent as unknown as Record<string, unknown>);
  return errors.length === 0 ? { admitted: object as unknown as K8sObject, errors } : { errors };
}

/** The parent of `base` with another spec. */
export function withSpec(base: Base, spec: unknown): K8sObject {
  const { spec: _old, ...rest } = structuredClone(base.parent);
  return (spec === undefined ? rest : { ...rest, spec }) as K8sObject;
}

/**
 * The objects observed after `base` was applied: its children exactly as applied (server fields,
 * last-applied annotation) and its related objects unchanged (callers write the status back).
 */
export function liveObjects(ctx: KindContext, base: Base): K8sObject[] {
  const childTypes = new Set(ctx.reconciler.children.map((c) => typeKey(c.kind, c.apiVersion)));
  const related = base.observed.filter((o) => !childTypes.has(typeKey(o.kind, o.apiVersion)));
  return [...base.response.children.map((c, i) => asObserved(c, base.parent, i)), ...related];
}

/** A sync (or finalize) request body for `parent` against `observed`. */
export function requestFor(ctx: KindContext, parent: K8sObject, observed: readonly K8sObject[], finalizing = false): SyncRequestBody {
  return buildSyncRequest(ctx.reconciler, parent, observed, { finalizing });
}

/** Whether a JSON value carries a key the body parser refuses (prototype poisoning): 400 is then the right answer. */
export function poisoned(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(poisoned);
  if (!isRecord(value)) return false;
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') return true;
    if (key === 'constructor' && isRecord(child) && Object.hasOwn(child, 'prototype')) return true;
    if (poisoned(child)) return true;
  }
  return false;
}

/** One HTTP answer, parsed. */
export interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs a JSON body (serialized here, so own `__proto__` keys are sent as written) to a hook route. */
export async function post(app: FastifyInstance, plural: string, hook: Hook, body: unknown): Promise<Answer> {
  const reply = await app.inject({ method: 'POST', url: `/hooks/${plural}/${hook}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = reply.body === '' ? {} : JSON.parse(reply.body);
    parsed = isRecord(value) ? value : { value };
  } catch {
    parsed = { unparsable: reply.body.slice(0, 200) };
  }
  return { statusCode: reply.statusCode, body: parsed, text: reply.body };
}

/** The request body a hook route takes: the whole envelope for sync/finalize, the parent alone for customize. */
export function hookBody(ctx: KindContext, hook: Hook, parent: K8sObject, observed: readonly K8sObject[]): unknown {
  if (hook === 'customize') return { controller: { kind: 'CompositeController', metadata: { name: ctx.plural } }, parent };
  return requestFor(ctx, parent, observed, hook === 'finalize');
}

/** A short description of a failing answer, for assertion messages. */
export function describeAnswer(answer: Answer): string {
  return `${answer.statusCode} ${answer.text.slice(0, 300)}`;
}
