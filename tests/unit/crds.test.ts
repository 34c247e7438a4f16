/**
 * The generated CRDs: committed files equal the generator's output, and every schema node obeys
 * the API server's structural rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCrd } from '../../hooks/commands.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { crdFileName, crdFor, openApiSchema } from '../../lib/crd/generate.js';
import type { JsonSchema } from '../../lib/crd/structural.js';
import { isRecord } from '../../lib/k8s/object.js';
import { ROOT } from '../support/fixtures.js';


interface Node {
  path: string;
  schema: JsonSchema;
}

function walk(schema: JsonSchema, path: string, out: Node[] = []): Node[] {
  out.push({ path, schema });
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties)) walk(child as JsonSchema, path ? `${path}.${key}` : key, out);
  }
  if (isRecord(schema.items)) walk(schema.items as JsonSchema, `${path}[]`, out);
  if (isRecord(schema.additionalProperties)) walk(schema.additionalProperties as JsonSchema, `${path}{}`, out);
  return out;
}

describe.each(ALL_KINDS.map((def) => [def.kind, def] as const))('%s CRD', (_kind, def) => {
  const crd = crdFor(def) as { spec: { names: Record<string, unknown>; versions: Record<string, unknown>[] } };
  const nodes = walk(openApiSchema(def), '');

  it('is committed exactly as generated (run npm run crds after a schema change)', () => {
    const file = join(ROOT, 'manifests', 'crds', crdFileName(def));
    expect(existsSync(file), `${file} is missing: npm run crds`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(renderCrd(def));
  });

  it('has a type on every node, or is int-or-string', () => {
    for (const { path, schema } of nodes) {
      if (schema['x-kubernetes-int-or-string'] === true) {
        expect(schema.type, path).toBeUndefined();
        continue;
      }
      expect(['object', 'array', 'string', 'integer', 'number', 'boolean'], `${path || '<root>'} type`).toContain(schema.type);
    }
  });

  it('uses no $ref, no additionalProperties:false, and never properties beside additionalProperties', () => {
    const text = JSON.stringify(openApiSchema(def));
    expect(text).not.toContain('"$ref"');
    expect(text).not.toContain('"additionalProperties":false');
    expect(text).not.toContain('patternProperties');
    for (const { path, schema } of nodes) expect(schema.properties && schema.additionalProperties, path).toBeFalsy();
  });

  it('keeps unknown fields nowhere: Kubernetes content copied into pods is modelled, so the API server validates it', () => {
    expect(nodes.filter(({ schema }) => schema['x-kubernetes-preserve-unknown-fields']).map(({ path }) => path)).toEqual([]);
  });

  it('describes every field for kubectl explain', () => {
    for (const { path, schema } of nodes) {
      if (path === '' || path === 'apiVersion' || path === 'kind' || path === 'metadata' || path.endsWith('{}')) continue;
      expect(typeof schema.description === 'string' && schema.description.length > 0, `${path} has a description`).toBe(true);
    }
  });

  it('serves v1alpha1 with a status subresource, printer columns, short names and the neo4j category', () => {
    const version = crd.spec.versions[0]!;
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns).toEqual(def.printerColumns);
    expect((version.additionalPrinterColumns as { name: string }[]).at(-1)?.name).toBe('Age');
    expect(crd.spec.names.categories).toEqual(['neo4j']);
    expect((crd.spec.names.shortNames as string[]).length).toBeGreaterThan(0);
  });
});

describe('all CRDs', () => {
  it('cover the six kinds with distinct short names', () => {
    expect(ALL_KINDS.map((k) => k.kind)).toEqual([
      'Neo4jEnterpriseCluster',
      'Neo4jEnterpriseStandalone',
      'Neo4jBackup',
      'Neo4jRestore',
      'Neo4jDatabase',
      'Neo4jPlugin',
    ]);
    const shortNames = ALL_KINDS.flatMap((k) => k.shortNames);
    expect(new Set(shortNames).size).toBe(shortNames.length);
  });
});
