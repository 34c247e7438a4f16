/**
 * The operator's Neo4jBackup and Neo4jRestore examples (../shared/compat/operator-examples) through
 * the hooks, as users would apply them: next to a Ready cluster of the name they target (Neo4j
 * 5.26 and a calendar version), the PVCs their file creates and the Neo4jBackups of the corpus
 * (with one successful run). Documents the CRD schema rejects are PreviewErrors (the API server
 * would refuse them); every other one renders its Job or CronJob, or fails or waits with a clear
 * message. The outcome of each is pinned below, so a behaviour change shows up in review.
 */
import { describe, expect, it } from 'vitest';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { HAS_SHARED, operatorExamples, type ExampleDoc } from '../support/shared.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const API = 'neo4j.neo4j.com/v1alpha1';
const VERSIONS = ['5.26.0-enterprise', '2025.06.0-enterprise'] as const;

/** `phase: children` per version, or the reason the schema refuses the document. */
const EXPECTED: Record<string, string | Record<(typeof VERSIONS)[number], string>> = {
  'backup/backup-incremental.yaml#0': 'schema',
  'backup/backup-with-type.yaml#0': 'schema',
  'backup-restore/backup-pvc-simple.yaml#0': { '5.26.0-enterprise': 'Running: Job', '2025.06.0-enterprise': 'Running: Job' },
  'backup-restore/backup-s3-basic.yaml#0': { '5.26.0-enterprise': 'Running: Job', '2025.06.0-enterprise': 'Running: Job' },
  'backup-restore/backup-scheduled-daily.yaml#0': { '5.26.0-enterprise': 'Scheduled: CronJob', '2025.06.0-enterprise': 'Scheduled: CronJob' },
  'backup-restore/backup-scheduled-daily.yaml#1': { '5.26.0-enterprise': 'Scheduled: CronJob', '2025.06.0-enterprise': 'Scheduled: CronJob' },
  'backup-restore/pitr-setup-complete.yaml#0': {
    '5.26.0-enterprise': 'Failed: Validation failed: options.additionalArgs[1] --include-metadata needs a value, for example --include-metadata=all',
    '2025.06.0-enterprise': 'Failed: Validation failed: options.additionalArgs[1] --include-metadata needs a value, for example --include-metadata=all',
  },
  'backup-restore/pitr-setup-complete.yaml#4': {
    '5.26.0-enterprise': 'Failed: Validation failed: source.pointInTime needs Neo4j 2025.01 or later (the seedRestoreUntil option); the target runs 5.26.0-enterprise',
    '2025.06.0-enterprise': 'Running: Job',
  },
  'backup-restore/restore-from-backup.yaml#0': {
    '5.26.0-enterprise': 'Failed: Validation failed: Neo4jBackup simple-backup writes to a PVC: cannot restore from a PVC: Neo4j seeds a database from an object store (s3, gcs, azure) that every server can read, and a backup volume is mounted only in backup Jobs; back up to object storage (or copy the backup there) and restore from it',
    '2025.06.0-enterprise': 'Failed: Validation failed: Neo4jBackup simple-backup writes to a PVC: cannot restore from a PVC: Neo4j seeds a database from an object store (s3, gcs, azure) that every server can read, and a backup volume is mounted only in backup Jobs; back up to object storage (or copy the backup there) and restore from it',
  },
  'backup-restore/restore-from-backup.yaml#1': { '5.26.0-enterprise': 'Running: Job', '2025.06.0-enterprise': 'Running: Job' },
  'backup-restore/restore-pitr-basic.yaml#0': {
    '5.26.0-enterprise': 'Failed: Validation failed: source.pointInTime needs Neo4j 2025.01 or later (the seedRestoreUntil option); the target runs 5.26.0-enterprise',
    '2025.06.0-enterprise': 'Running: Job',
  },
  'backup-restore/restore-pitr-basic.yaml#1': {
    '5.26.0-enterprise': 'Failed: Validation failed: source.pointInTime needs Neo4j 2025.01 or later (the seedRestoreUntil option); the target runs 5.26.0-enterprise',
    '2025.06.0-enterprise': 'Running: Job',
  },
  'end-to-end/complete-deployment.yaml#6': 'schema',
  'end-to-end/complete-deployment.yaml#7': 'schema',
  'end-to-end/disaster-recovery.yaml#0': {
    '5.26.0-enterprise': 'Waiting: Waiting for PersistentVolumeClaim maintenance-backup-pvc (storage.pvc.name) in namespace neo4j-production',
    '2025.06.0-enterprise': 'Waiting: Waiting for PersistentVolumeClaim maintenance-backup-pvc (storage.pvc.name) in namespace neo4j-production',
  },
  'end-to-end/disaster-recovery.yaml#1': {
    '5.26.0-enterprise': 'Failed: Validation failed: databaseName "*" is not supported: a restore seeds one database; create one Neo4jRestore per database',
    '2025.06.0-enterprise': 'Failed: Validation failed: databaseName "*" is not supported: a restore seeds one database; create one Neo4jRestore per database',
  },
  'end-to-end/disaster-recovery.yaml#2': {
    '5.26.0-enterprise': 'Failed: Validation failed: source.pointInTime needs Neo4j 2025.01 or later (the seedRestoreUntil option); the target runs 5.26.0-enterprise',
    '2025.06.0-enterprise': 'Waiting: Waiting for Neo4jBackup daily-backup-20250119 in namespace neo4j-production',
  },
  'end-to-end/disaster-recovery.yaml#3': 'schema',
  'end-to-end/disaster-recovery.yaml#4': 'schema',
  'end-to-end/disaster-recovery.yaml#5': {
    '5.26.0-enterprise': 'Waiting: Waiting for Neo4jBackup weekly-full-backup-20250114 in namespace neo4j-production',
    '2025.06.0-enterprise': 'Waiting: Waiting for Neo4jBackup weekly-full-backup-20250114 in namespace neo4j-production',
  },
  'end-to-end/multi-tenancy.yaml#10': 'schema',
  'end-to-end/multi-tenancy.yaml#11': 'schema',
  'end-to-end/multi-tenancy.yaml#12': 'schema',
  'restore/restore-overwrite.yaml#0': 'schema',
};

function namespaceOf(doc: Record<string, unknown>): string {
  const metadata = doc.metadata as { namespace?: string } | undefined;
  return metadata?.namespace ?? 'default';
}

/** What the example's deployment, claims and backups look like once applied, for one version. */
function world(example: ExampleDoc, all: ExampleDoc[], tag: string): K8sObject[] {
  const doc = example.doc;
  const namespace = namespaceOf(doc);
  const spec = (doc.spec ?? {}) as any;
  const targetName = doc.kind === 'Neo4jBackup' ? String(spec.target?.name ?? '').split('/')[0] : spec.targetCluster;
  const targetNamespace = doc.kind === 'Neo4jBackup' ? (spec.target?.namespace ?? namespace) : namespace;
  const observed: K8sObject[] = [];
  if (targetName) {
    observed.push({
      apiVersion: API,
      kind: 'Neo4jEnterpriseCluster',
      metadata: { name: targetName, namespace: targetNamespace },
      spec: { image: { repo: 'neo4j', tag }, topology: { servers: 3 }, storage: { className: 'standard', size: '10Gi' } },
      status: { phase: 'Ready' },
    });
  }
  const file = example.id.split('#')[0];
  for (const other of all) {
    if (other.id.split('#')[0] === file && other.doc.kind === 'PersistentVolumeClaim') {
      observed.push({ ...(other.doc as unknown as K8sObject), metadata: { ...(other.doc.metadata as K8sObject['metadata']), namespace: namespaceOf(other.doc) } });
    }
    if (doc.kind === 'Neo4jRestore' && other.doc.kind === 'Neo4jBackup' && other.doc.apiVersion === API) {
      observed.push({
        ...(other.doc as unknown as K8sObject),
        metadata: { ...(other.doc.metadata as K8sObject['metadata']), namespace },
        status: { phase: 'Completed', lastSuccessTime: '2025-12-31T02:00:00Z' },
      });
    }
  }
  return observed;
}

describe.skipIf(!HAS_SHARED)('operator backup and restore examples through the hooks', () => {
  const all = HAS_SHARED ? operatorExamples() : [];
  const examples = all.filter((e) => e.doc.kind === 'Neo4jBackup' || e.doc.kind === 'Neo4jRestore');

  it('covers the 24 backup and restore documents of the corpus', () => {
    expect(examples.map((e) => e.id)).toEqual(Object.keys(EXPECTED));
  });

  for (const example of examples) {
    const expected = EXPECTED[example.id];
    if (expected === 'schema') {
      it(`${example.id}: refused by the CRD schema (PreviewError)`, () => {
        expect(() => preview(example.doc, [], { now: NOW })).toThrow(PreviewError);
      });
      continue;
    }
    for (const tag of VERSIONS) {
      it(`${example.id} on ${tag}: renders its workload or says clearly why not`, () => {
        const { response } = preview(example.doc, world(example, all, tag), { now: NOW, defaultNamespace: 'default' });
        const phase = String(response.status.phase);
        const kinds = [...new Set(response.children.filter((c) => c.kind === 'Job' || c.kind === 'CronJob').map((c) => c.kind))].join(', ');
        const outcome = kinds ? `${phase}: ${kinds}` : `${phase}: ${String(response.status.message)}`;
        expect(outcome).toBe(typeof expected === 'object' ? expected[tag] : expected);
        if (phase === 'Failed' || phase === 'Waiting') expect(response.children.filter((c) => c.kind === 'Job' || c.kind === 'CronJob')).toEqual([]);
      });
    }
  }
});
