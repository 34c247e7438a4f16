/**
 * Nothing lost: a live parent (a golden fixture rendered, its children observed exactly as
 * Metacontroller applied them) whose spec turns invalid must get back exactly the children last
 * applied, never fewer and never different, whatever made it invalid: random specs from the CRD
 * schema, schema violations, or mutations of the fixture's spec (deleted fields, type swaps,
 * extreme values, grafted subtrees). Every registered kind with a live fixture is covered.
 *
 * "Invalid" is what the reconciler says: a 200 whose status phase is a rejection (Failed, or
 * ValidationFailed for Neo4jDatabase). A 5xx or a hang changes nothing in the cluster (Metacontroller
 * applies only 200 answers); http.test.ts holds those to account.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { candidates, describeCall, prepare } from './support/candidates.js';
import { DEADLINE_MS, params } from './support/config.js';
import { kindContexts, rejected } from './support/kinds.js';
import { startSandbox, type Sandbox } from './support/sandbox.js';

const contexts = kindContexts().filter((c) => c.liveBases.length > 0);
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox(DEADLINE_MS);
}, 60_000);
afterAll(() => sandbox?.close());

const RUNS = 40;

describe.each(contexts.map((c) => [c.plural, c] as const))('%s: an invalid spec on a live parent', (plural, ctx) => {
  it(
    'returns exactly the children last applied',
    async () => {
      let frozen = 0;
      await fc.assert(
        fc.asyncProperty(candidates(ctx, { hooks: ['sync'], liveOnly: true }), async (candidate) => {
          const call = prepare(ctx, candidate);
          const answer = await sandbox.post(plural, 'sync', call.body, { now: candidate.base.now });
          if (answer.hung || answer.statusCode !== 200 || !rejected(answer.body)) return;
          frozen++;
          const lastApplied = candidate.base.response.children;
          const children = answer.body.children as K8sObject[];
          const names = (list: K8sObject[]) => list.map((c) => `${c.kind}/${c.metadata.name}`);
          expect(names(children), `${describeCall(call)}: the same objects`).toEqual(names(lastApplied));
          expect(children, `${describeCall(call)}: exactly as applied`).toEqual(lastApplied);
        }),
        params(RUNS),
      );
      // Not vacuous: a good share of the generated specs must have been rejected.
      expect(frozen, 'rejected specs seen').toBeGreaterThanOrEqual(Math.min(10, Math.floor(RUNS / 6)));
    },
    180_000,
  );
});
