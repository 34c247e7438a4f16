/**
 * Users' existing CRs: every operator example of our six kinds must pass the generated CRD
 * schema (as the API server applies it), or appear in operator-examples.expected.yaml with the
 * exact reason it is rejected. Unknown fields the API server would prune are recorded there too.
 * The file is compared exactly, so a schema change that alters any verdict shows up in review.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { GROUP } from '../../lib/schemas/kind.js';
import { admit } from '../../lib/crd/admission.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import { UPDATE_GOLDEN } from '../support/fixtures.js';
import { HAS_SHARED, operatorExamples } from '../support/shared.js';

const EXPECTED = new URL('./operator-examples.expected.yaml', import.meta.url);
const KIND_NAMES = new Set(ALL_KINDS.map((k) => k.kind));

/** The verdict on one example document. */
interface Verdict {
  kind: string;
  verdict: 'valid' | 'rejected';
  reasons?: string[];
  pruned?: string[];
}

function judge(doc: Record<string, unknown>): Verdict {
  const kind = String(doc.kind);
  const def = ALL_KINDS.find((k) => k.kind === kind)!;
  if (doc.apiVersion !== `${GROUP}/v1alpha1`) {
    return { kind, verdict: 'rejected', reasons: [`apiVersion ${String(doc.apiVersion)} is not ${GROUP}/v1alpha1 (no such API is served)`] };
  }
  const { errors, pruned } = admit(openApiSchema(def), doc);
  return {
    kind,
    verdict: errors.length ? 'rejected' : 'valid',
    ...(errors.length ? { reasons: errors } : {}),
    ...(pruned.length ? { pruned } : {}),
  };
}

describe.skipIf(!HAS_SHARED)('operator examples against the generated CRDs', () => {
  const verdicts: Record<string, Verdict> = {};
  for (const { id, doc } of operatorExamples()) if (KIND_NAMES.has(String(doc.kind))) verdicts[id] = judge(doc);

  it('covers all 85 operator resources of the corpus', () => {
    expect(Object.keys(verdicts)).toHaveLength(85);
  });

  it('matches operator-examples.expected.yaml exactly', () => {
    const text = `# Verdict on every operator example CR (../shared/compat/operator-examples) against our generated CRDs.\n# Regenerate with UPDATE_GOLDEN=1 and read the diff.\n${stringify(verdicts, { lineWidth: 0 })}`;
    if (UPDATE_GOLDEN) writeFileSync(EXPECTED, text);
    expect(existsSync(EXPECTED), 'run UPDATE_GOLDEN=1 npm run check:compat').toBe(true);
    expect(verdicts).toEqual(parse(readFileSync(EXPECTED, 'utf8')));
  });

  it('rejects only documents the operator CRDs reject too (we are not stricter)', () => {
    const rejected = Object.entries(verdicts).filter(([, v]) => v.verdict === 'rejected');
    // README of the corpus: 13 schema violations plus 2 documents of the wrong API group.
    expect(rejected.length).toBeLessThanOrEqual(15);
  });
});
