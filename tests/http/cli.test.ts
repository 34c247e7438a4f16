/**
 * The command line: render previews through the same code path as the hook, crds prints the
 * generated CRDs, and bad input gives a clear message and a non-zero exit.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../hooks/commands.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { FIXTURES } from '../support/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'neo4j-hooks-cli-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const minimal = join(FIXTURES, 'neo4jenterpriseclusters', 'minimal-5.26', 'parent.yaml');

describe('neo4j-hooks render', () => {
  it('prints the children as applicable YAML documents, with the status as a comment', async () => {
    const { code, stdout } = await run('render', minimal, '--now', '2026-01-01T00:00:00Z');
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind?: string } | null).filter(Boolean);
    expect(docs.map((d) => d!.kind)).toContain('StatefulSet');
    expect(stdout).toContain('# Neo4jEnterpriseCluster neo4j/graph');
    expect(stdout).toContain('#   phase: Initializing');
  });

  it('prints the same response as the golden expectation with --output json', async () => {
    const { code, stdout } = await run('render', minimal, '--output', 'json', '--now', '2026-01-01T00:00:00Z');
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout) as Array<Record<string, unknown>>;
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'neo4jenterpriseclusters', 'minimal-5.26', 'expected.json'), 'utf8'));
    expect({ status: result!.status, children: result!.children }).toEqual({ status: expected.status, children: expected.children });
  });

  it('uses observed children from a file', async () => {
    const observed = join(FIXTURES, 'neo4jenterpriseclusters', 'scale-out-3-to-5', 'observed.yaml');
    const parent = join(FIXTURES, 'neo4jenterpriseclusters', 'scale-out-3-to-5', 'parent.yaml');
    const { code, stdout } = await run('render', parent, '--observed', observed, '--output', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)[0].status.phase).toBe('Forming');
  });

  it('skips objects of other APIs and renders the rest', async () => {
    const file = write('mixed.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\n${readFileSync(minimal, 'utf8')}`);
    const { code, stderr } = await run('render', file);
    expect(code).toBe(0);
    expect(stderr).toContain('skipping Secret s');
  });

  it.each([
    ['bad YAML', 'kind: [unclosed\n', /invalid YAML/],
    ['an unknown kind', 'apiVersion: neo4j.neo4j.com/v1alpha1\nkind: Neo4jThing\nmetadata: {name: x}\nspec: {}\n', /unknown kind Neo4jThing/],
    ['a wrong API group', 'apiVersion: neo4j.com/v1alpha1\nkind: Neo4jEnterpriseCluster\nmetadata: {name: x}\nspec: {}\n', /apiVersion neo4j.com\/v1alpha1/],
    ['a schema violation', 'apiVersion: neo4j.neo4j.com/v1alpha1\nkind: Neo4jEnterpriseCluster\nmetadata: {name: x}\nspec: {image: {repo: neo4j, tag: "5.26"}, topology: {servers: 1}, storage: {className: s, size: 1Gi}}\n', /spec.topology.servers/],
  ])('fails with a clear message on %s', async (_label, text, message) => {
    const { code, stderr } = await run('render', write('bad.yaml', text));
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    expect((await run('render')).code).toBe(2);
    expect((await run('render', minimal, '--output', 'xml')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('neo4j-hooks crds', () => {
  it('prints one CRD per kind', async () => {
    const { code, stdout } = await run('crds');
    expect(code).toBe(0);
    const names = parseAllDocuments(stdout).map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name);
    expect(names).toEqual(ALL_KINDS.map((k) => `${k.plural}.neo4j.neo4j.com`));
  });

  it('writes one file per kind with --out-dir', async () => {
    const out = join(dir, 'crds');
    expect((await run('crds', '--out-dir', out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(ALL_KINDS.map((k) => `neo4j.neo4j.com_${k.plural}.yaml`).sort());
  });
});
