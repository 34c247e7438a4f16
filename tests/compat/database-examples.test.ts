/**
 * Every Neo4jDatabase of the operator's examples through the database hook, against a Ready target:
 * the cluster or standalone of that name in the same file when there is one, else a ready 5-server
 * 2025.06 cluster (the seed examples need 2025.x). Each one renders a create Job or fails clearly
 * (ValidationFailed with the reasons); the two of the wrong API group are PreviewErrors. The
 * table below pins the verdicts, so a change of any of them shows up in review.
 */
import { describe, expect, it } from 'vitest';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { HAS_SHARED, operatorExamples, type ExampleDoc } from '../support/shared.js';
import { schemaError } from '../support/k8s-schemas.js';

const EXPECTED: Record<string, 'Creating' | 'ValidationFailed' | 'PreviewError'> = {
  'clusters/production-optimized-cluster.yaml#2': 'ValidationFailed',
  'database/database-2025x.yaml#0': 'ValidationFailed',
  'database/database-standalone.yaml#0': 'PreviewError',
  'database/database-standalone.yaml#1': 'PreviewError',
  'database/database-with-topology.yaml#0': 'Creating',
  'databases/database-dump-vs-backup-seed.yaml#0': 'Creating',
  'databases/database-dump-vs-backup-seed.yaml#1': 'ValidationFailed',
  'databases/database-from-azure-seed.yaml#2': 'ValidationFailed',
  'databases/database-from-azure-seed.yaml#3': 'Creating',
  'databases/database-from-gcs-seed.yaml#0': 'ValidationFailed',
  'databases/database-from-gcs-seed.yaml#2': 'Creating',
  'databases/database-from-http-seed.yaml#1': 'Creating',
  'databases/database-from-http-seed.yaml#2': 'Creating',
  'databases/database-from-http-seed.yaml#3': 'ValidationFailed',
  'databases/database-from-s3-seed.yaml#1': 'ValidationFailed',
  'end-to-end/complete-deployment.yaml#4': 'Creating',
  'end-to-end/complete-deployment.yaml#5': 'Creating',
  'end-to-end/development-workflow.yaml#3': 'Creating',
  'end-to-end/development-workflow.yaml#6': 'Creating',
  'end-to-end/multi-database-cluster.yaml#1': 'Creating',
  'end-to-end/multi-database-cluster.yaml#2': 'ValidationFailed',
  'end-to-end/multi-database-cluster.yaml#3': 'ValidationFailed',
  'end-to-end/multi-database-cluster.yaml#4': 'Creating',
  'end-to-end/multi-tenancy.yaml#6': 'ValidationFailed',
  'end-to-end/multi-tenancy.yaml#7': 'ValidationFailed',
  'end-to-end/multi-tenancy.yaml#8': 'ValidationFailed',
  'end-to-end/multi-tenancy.yaml#9': 'ValidationFailed',
};

const TARGET_KINDS = ['Neo4jEnterpriseCluster', 'Neo4jEnterpriseStandalone'];

function namespaced(doc: Record<string, unknown>): K8sObject {
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  return { ...doc, metadata: { ...metadata, namespace: metadata.namespace ?? 'default' } } as K8sObject;
}

/** The objects a user applying the example's file would have: its Secrets and a Ready target. */
function observedFor(example: ExampleDoc, all: ExampleDoc[]): K8sObject[] {
  const file = example.id.split('#')[0]!;
  const sameFile = all.filter((d) => d.id.startsWith(`${file}#`)).map((d) => d.doc);
  const spec = (example.doc.spec ?? {}) as Record<string, unknown>;
  const ref = String(spec.clusterRef ?? '');
  const inFile = sameFile.find((d) => TARGET_KINDS.includes(String(d.kind)) && (d.metadata as Record<string, unknown>)?.name === ref);
  const target = inFile
    ? { ...namespaced(inFile), status: inFile.kind === 'Neo4jEnterpriseCluster' ? { phase: 'Ready' } : { phase: 'Ready', ready: true } }
    : namespaced({
        apiVersion: 'neo4j.neo4j.com/v1alpha1',
        kind: 'Neo4jEnterpriseCluster',
        metadata: { name: ref },
        spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, topology: { servers: 5 }, storage: { className: 'standard', size: '10Gi' } },
        status: { phase: 'Ready' },
      });
  return [target, ...sameFile.filter((d) => d.kind === 'Secret').map(namespaced)];
}

describe.skipIf(!HAS_SHARED)('operator Neo4jDatabase examples through the database hook', () => {
  const all = operatorExamples();
  const databases = all.filter((d) => d.doc.kind === 'Neo4jDatabase');

  it('covers the 27 Neo4jDatabase documents of the corpus', () => {
    expect(databases.map((d) => d.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const example of databases) {
    it(`${example.id} renders or fails clearly`, () => {
      let response;
      try {
        response = preview(example.doc, observedFor(example, all), { now: new Date('2026-01-01T00:00:00Z') }).response;
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(PreviewError);
        expect(EXPECTED[example.id]).toBe('PreviewError');
        return;
      }
      const status = response.status as { phase: string; message: string };
      expect(status.phase, status.message).toBe(EXPECTED[example.id]);
      if (status.phase === 'ValidationFailed') {
        expect(status.message).toMatch(/^Validation failed: .+/u);
        expect(response.children).toEqual([]);
      } else {
        expect(response.children.map((c) => c.kind)).toEqual(['Job']);
        expect(response.children[0]!.metadata.name.endsWith('-create')).toBe(true);
        expect(schemaError(response.children[0]!)).toBeUndefined();
      }
    });
  }
});
