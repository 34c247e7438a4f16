/**
 * Generated hook calls for one kind: a spec (random from the CRD schema, random with schema
 * violations, or a mutation of a fixture's spec) on a fixture's parent, observed either as the
 * fixture has it or "live" (the fixture's children applied). Then what the API server would do
 * with it: admit it (pruned, defaulted) or reject it; a rejected ("raw") object is still sent,
 * as a CR that bypassed the schema (an older CRD, a stored object) would be.
 */
import fc from 'fast-check';
import type { K8sObject } from '../../../lib/k8s/object.js';
import { admission, hookBody, liveObjects, withSpec, type Base, type Hook, type KindContext } from './kinds.js';
import { applyMutations, mutationsFor } from './mutations.js';
import { arbitraryFor, VALID, WILD } from './schema-arbitrary.js';

/** Where a generated spec came from. */
export type Source = 'random' | 'random-wild' | 'mutation';

/** One generated hook call, before admission. */
export interface Candidate {
  source: Source;
  base: Base;
  spec: unknown;
  hook: Hook;
  /** Observe the base's children as applied (a live parent) rather than the fixture's observed objects. */
  live: boolean;
}

/** A candidate ready to send. */
export interface Prepared {
  candidate: Candidate;
  /** What is sent: the admitted parent, or the raw one when the API server would reject it. */
  parent: K8sObject;
  /** True when the API server would admit the parent. */
  admitted: boolean;
  errors: string[];
  observed: K8sObject[];
  body: unknown;
}

/** Options of {@link candidates}. */
export interface CandidateOptions {
  hooks: readonly Hook[];
  /** Draw from live bases only, observed live (the freeze property). */
  liveOnly?: boolean;
  /** Leave out specs generated from scratch (mutations only). */
  mutationsOnly?: boolean;
}

/** Generated calls for a kind (its fixtures give metadata, observed objects and the specs to mutate). */
export function candidates(ctx: KindContext, options: CandidateOptions): fc.Arbitrary<Candidate> {
  const bases = options.liveOnly ? ctx.liveBases : ctx.bases;
  if (bases.length === 0) throw new Error(`${ctx.plural} has no usable fixture`);
  const base = fc.constantFrom(...bases);
  const hook = fc.constantFrom(...options.hooks);
  const live = (b: Base) => (options.liveOnly ? fc.constant(true) : fc.boolean().map((l) => l && ctx.liveBases.includes(b)));
  const random = (source: Source, arb: fc.Arbitrary<unknown>) =>
    fc.tuple(base, arb, hook).chain(([b, spec, h]) => live(b).map((l): Candidate => ({ source, base: b, spec, hook: h, live: l })));
  const mutation = base.chain((b) =>
    fc.tuple(mutationsFor(b.parent.spec, ctx.specSchema), hook, live(b)).map(
      ([m, h, l]): Candidate => ({ source: 'mutation', base: b, spec: applyMutations(b.parent.spec, m, ctx.specSchema), hook: h, live: l }),
    ),
  );
  if (options.mutationsOnly) return mutation.map(printable);
  return fc
    .oneof(
      { weight: 2, arbitrary: random('random', arbitraryFor(ctx.specSchema, VALID, 'spec')) },
      { weight: 1, arbitrary: random('random-wild', arbitraryFor(ctx.specSchema, WILD, 'spec')) },
      { weight: 3, arbitrary: mutation },
    )
    .map(printable);
}

/** Counterexamples print as fixture, hook and spec, not as the whole fixture. */
function printable(candidate: Candidate): Candidate {
  const text = () => `${candidate.base.id} ${candidate.hook}${candidate.live ? ' (live)' : ''} ${candidate.source} spec=${JSON.stringify(candidate.spec)}`;
  return Object.defineProperty(candidate, fc.toStringMethod, { value: text, enumerable: false });
}

/** Admits the candidate's parent and builds the request body of its hook. */
export function prepare(ctx: KindContext, candidate: Candidate): Prepared {
  const { base } = candidate;
  // Judge what goes over the wire (JSON), not the in-memory value.
  const raw = withSpec(base, candidate.spec === undefined ? undefined : JSON.parse(JSON.stringify(candidate.spec)));
  delete raw.status;
  // The status subresource is written by Metacontroller, not validated with the spec here.
  const { admitted, errors } = admission(ctx, raw);
  const parent = admitted ?? raw;
  if (candidate.live) parent.status = structuredClone(base.response.status);
  else if (base.parent.status !== undefined) parent.status = structuredClone(base.parent.status);
  const observed = candidate.live ? liveObjects(ctx, base) : base.observed;
  return { candidate, parent, admitted: admitted !== undefined, errors, observed, body: hookBody(ctx, candidate.hook, parent, observed) };
}

/** A one-line description of a prepared call, for failure messages. */
export function describeCall(p: Prepared): string {
  const c = p.candidate;
  return `${c.base.id} ${c.hook} (${c.source}${c.live ? ', live' : ''}, ${p.admitted ? 'admitted' : `raw: ${p.errors.slice(0, 2).join('; ')}`})`;
}
