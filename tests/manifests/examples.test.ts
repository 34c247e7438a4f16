/**
 * The example custom resources in manifests/examples: every kind has one, each is accepted by its
 * generated CRD exactly as written (no error, no field the API server would drop), the objects
 * they name exist among the examples, and those of a kind with a reconciler render through the
 * hook code path (with the other examples and three zoned Nodes as related objects) into valid
 * children, without a failure phase or warnings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlDocuments } from '../../hooks/commands.js';
import { admit } from '../../lib/crd/admission.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import { kindOf, preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { reconcilerForKind } from '../../lib/registry.js';
import { ALL_KINDS, API_VERSION } from '../../lib/schemas/index.js';
import { schemaError } from '../support/k8s-schemas.js';
import { DEFAULT_NOW, ROOT } from '../support/fixtures.js';

const EXAMPLES = join(ROOT, 'manifests', 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort();
const documents = files.flatMap((file) =>
  (readYamlDocuments(readFileSync(join(EXAMPLES, file), 'utf8'), file) as K8sObject[]).map((doc) => ({ file, doc })),
);
const resources = documents.filter(({ doc }) => doc.apiVersion === API_VERSION);
const others = documents.filter(({ doc }) => doc.apiVersion !== API_VERSION);
const label = ({ file, doc }: { file: string; doc: K8sObject }) => `${file}: ${doc.kind} ${doc.metadata?.name}`;

/** Names of example objects of a kind. */
const named = (...kinds: string[]) => new Set(documents.filter(({ doc }) => kinds.includes(doc.kind)).map(({ doc }) => doc.metadata.name));

describe('manifests/examples', () => {
  it('has at least one example of every kind', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const def of ALL_KINDS) expect(resources.some(({ doc }) => doc.kind === def.kind), def.kind).toBe(true);
  });

  it('leaves the namespace to kubectl -n, and uses distinct names per kind', () => {
    const ids = documents.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of documents) expect(entry.doc.metadata.namespace, label(entry)).toBeUndefined();
  });

  it('holds only valid companion objects (Secrets)', () => {
    for (const entry of others) expect(schemaError(entry.doc), label(entry)).toBeUndefined();
  });

  it('refers only to clusters, backups and Secrets that the examples define', () => {
    const deployments = named('Neo4jEnterpriseCluster', 'Neo4jEnterpriseStandalone');
    const clusters = named('Neo4jEnterpriseCluster');
    const backups = named('Neo4jBackup');
    const secrets = named('Secret');
    const databases = new Set(resources.filter(({ doc }) => doc.kind === 'Neo4jDatabase').map(({ doc }) => (doc.spec as { name: string }).name));
    for (const entry of resources) {
      const spec = entry.doc.spec as Record<string, any>;
      const refs: [string, string | undefined, Set<string>][] = [
        ['auth.adminSecret', spec.auth?.adminSecret, secrets],
        ['cloud.credentialsSecretRef', spec.cloud?.credentialsSecretRef, secrets],
      ];
      if (entry.doc.kind === 'Neo4jDatabase' || entry.doc.kind === 'Neo4jPlugin') refs.push(['clusterRef', spec.clusterRef, deployments]);
      if (entry.doc.kind === 'Neo4jRestore') {
        refs.push(['targetCluster', spec.targetCluster, clusters], ['source.backupRef', spec.source?.backupRef, backups]);
      }
      if (entry.doc.kind === 'Neo4jBackup') {
        refs.push(['target.name', spec.target.name, spec.target.kind === 'Cluster' ? clusters : databases]);
      }
      for (const [field, value, known] of refs) {
        if (value !== undefined) expect(known.has(value), `${label(entry)}: ${field} ${value} is not defined in the examples`).toBe(true);
      }
    }
  });

  it.each(resources.map((entry) => [label(entry), entry] as const))('%s is accepted by its CRD as written', (_name, { doc }) => {
    const { errors, pruned } = admit(openApiSchema(kindOf(doc)), doc as unknown as Record<string, unknown>);
    expect(errors).toEqual([]);
    expect(pruned).toEqual([]);
  });

  // The world the examples run in: three nodes in three zones, and the other example objects
  // (the referenced cluster, its Secrets) as related objects in the namespace "neo4j".
  const nodes: K8sObject[] = ['a', 'b', 'c'].map((zone) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${zone}`, labels: { 'kubernetes.io/hostname': `node-${zone}`, 'topology.kubernetes.io/zone': `zone-${zone}` } },
  }));
  const inNamespace = (doc: K8sObject): K8sObject => ({ ...doc, metadata: { ...doc.metadata, namespace: 'neo4j' } });

  const renderable = resources.filter(({ doc }) => reconcilerForKind(doc.kind) !== undefined);
  it.each(renderable.map((entry) => [label(entry), entry] as const))('%s renders into valid children without warnings', (_name, { doc }) => {
    const observed = [...nodes, ...documents.filter((other) => other.doc !== doc).map((other) => inNamespace(other.doc))];
    const { response } = preview(doc, observed, { now: new Date(DEFAULT_NOW), defaultNamespace: 'neo4j' });
    for (const child of response.children) expect(schemaError(child)).toBeUndefined();
    const status = response.status as { phase?: string; warnings?: string[] };
    expect(status.phase, JSON.stringify(status)).not.toMatch(/Failed/u);
    expect(status.warnings ?? [], 'an example should be free of warnings').toEqual([]);
  });
});
