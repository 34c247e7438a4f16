/**
 * Every fixture case through the pure core and through HTTP, compared with its expected
 * response, plus the invariants of tests/support/invariants.ts. `UPDATE_GOLDEN=1 npm test`
 * rewrites the expectations; read every diff before committing it.
 */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../hooks/app.js';
import { preview } from '../../lib/hook/preview.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { RECONCILERS, reconcilerFor } from '../../lib/registry.js';
import { loadCases, readExpected, UPDATE_GOLDEN, writeExpected } from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const cases = loadCases();

describe('golden fixtures', () => {
  it('every fixture folder belongs to an implemented kind', () => {
    for (const c of cases) expect(reconcilerFor(c.plural), `fixtures/${c.plural}`).toBeDefined();
  });

  it('every implemented kind has fixtures', () => {
    for (const r of RECONCILERS) expect(cases.some((c) => c.plural === r.kind.plural), r.kind.plural).toBe(true);
  });

  for (const c of cases) {
    describe(`${c.plural}/${c.name}: ${c.description}`, () => {
      const reconciler = reconcilerFor(c.plural)!;
      const run = () => preview(c.parent, c.observed, { now: c.now, finalizing: c.finalizing });

      it('matches expected.json through the pure core', () => {
        const { response } = run();
        if (UPDATE_GOLDEN) writeExpected(c.expectedPath, response);
        const expected = readExpected(c.expectedPath);
        expect(expected, `${c.expectedPath} is missing: run UPDATE_GOLDEN=1 npm test and read the result`).toBeDefined();
        expect(response).toEqual(expected);
      });

      it('gives the same bytes through HTTP', async () => {
        const { parent, response } = run();
        const app = buildApp({ now: () => c.now, processMetrics: false });
        const body = buildSyncRequest(reconciler, parent, c.observed, { finalizing: c.finalizing });
        const reply = await app.inject({ method: 'POST', url: `/hooks/${c.plural}/${c.finalizing ? 'finalize' : 'sync'}`, payload: body });
        expect(reply.statusCode, reply.body).toBe(200);
        expect(reply.body).toBe(JSON.stringify(response));
        await app.close();
      });

      it('keeps every invariant', () => {
        const { parent, response } = run();
        const request = buildSyncRequest(reconciler, parent, c.observed, { finalizing: c.finalizing });
        checkInvariants(reconciler, request, response, c.now);
      });
    });
  }
});
