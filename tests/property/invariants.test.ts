/**
 * Every 200 keeps the invariants of tests/support/invariants.ts, not only on the golden cases:
 * for generated specs the API server would admit (random from the CRD schema, or mutations of a
 * fixture's spec), on fixture-observed and live parents, sync and finalize: determinism, map
 * order and hook API v1 keys do not matter, the fixpoint (children fed back give the same
 * children), declared child types, no echoed server fields, schema-valid children. The HTTP
 * answer is byte-identical to the core's. Each call is first made through the sandbox (a
 * deadline), so a looping reconciler fails the test instead of freezing it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../lib/hook/run.js';
import type { SyncRequestBody } from '../../lib/schemas/envelope.js';
import { checkInvariants } from '../support/invariants.js';
import { candidates, describeCall, prepare } from './support/candidates.js';
import { DEADLINE_MS, params } from './support/config.js';
import { describeAnswer, kindContexts, poisoned } from './support/kinds.js';
import { startSandbox, type Sandbox } from './support/sandbox.js';

const contexts = kindContexts();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox(DEADLINE_MS);
}, 60_000);
afterAll(() => sandbox?.close());

const RUNS = 15;

describe.each(contexts.map((c) => [c.plural, c] as const))('%s: invariants on generated specs', (plural, ctx) => {
  it(
    'admitted specs: HTTP equals the core byte for byte, and every invariant holds',
    async () => {
      await fc.assert(
        fc.asyncProperty(candidates(ctx, { hooks: ['sync', 'finalize'] }), async (candidate) => {
          const call = prepare(ctx, candidate);
          // Raw specs are http.test.ts's; poisoned bodies never reach a hook.
          fc.pre(call.admitted && !poisoned(call.body));
          const answer = await sandbox.post(plural, candidate.hook, call.body, { now: candidate.base.now });
          expect(answer.statusCode, `${describeCall(call)}: ${answer.hung ? 'no answer' : describeAnswer(answer)}`).toBe(200);
          const request = call.body as SyncRequestBody;
          const response = runSync(ctx.reconciler, structuredClone(request), candidate.base.now);
          expect(answer.text, describeCall(call)).toBe(JSON.stringify(response));
          checkInvariants(ctx.reconciler, request, response, candidate.base.now);
        }),
        params(RUNS),
      );
    },
    180_000,
  );
});
