import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import {
  ALL_KINDS,
  API_VERSION,
  backupKind,
  clusterKind,
  databaseKind,
  standaloneKind,
  type KindDefinition,
} from '../../lib/schemas/index.js';

/** A serialized schema node, as the CRD generator sees it. */
interface Node {
  type?: string;
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  $ref?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

const PROJECT_ROOT = new URL('../../', import.meta.url);
const SHARED = new URL('../shared/', PROJECT_ROOT);
const OPERATOR_CRDS = new URL('compat/operator-crds/', SHARED);
const OPERATOR_EXAMPLES = fileURLToPath(new URL('compat/operator-examples/', SHARED));

const plain = (schema: unknown): Node => JSON.parse(JSON.stringify(schema)) as Node;

interface OperatorCrd {
  kind: string;
  plural: string;
  singular: string;
  spec: Node;
  status: Node;
  printerColumns: { name: string; type: string; jsonPath: string }[];
}

const crdCache = new Map<string, OperatorCrd>();

/** The operator's CRD of `kind` (parsed once). */
function operatorCrd(kind: KindDefinition): OperatorCrd {
  const cached = crdCache.get(kind.plural);
  if (cached) return cached;
  const doc = parse(readFileSync(new URL(`neo4j.neo4j.com_${kind.plural}.yaml`, OPERATOR_CRDS), 'utf8'));
  const version = doc.spec.versions[0];
  const root = version.schema.openAPIV3Schema as Node;
  const crd: OperatorCrd = {
    kind: doc.spec.names.kind,
    plural: doc.spec.names.plural,
    singular: doc.spec.names.singular,
    spec: root.properties!.spec!,
    status: root.properties!.status!,
    printerColumns: version.additionalPrinterColumns,
  };
  crdCache.set(kind.plural, crd);
  return crd;
}

const isPreserveUnknown = (n: Node) => n['x-kubernetes-preserve-unknown-fields'] === true;
const isIntOrString = (n: Node) => n['x-kubernetes-int-or-string'] === true;

/**
 * Every node below `node` by path: `.field` for properties, `[]` for array items, `{}` for map
 * values. Nodes that keep unknown fields are leaves (their content is not modelled).
 */
function paths(node: Node, prefix: string, out = new Map<string, Node>()): Map<string, Node> {
  out.set(prefix, node);
  if (isPreserveUnknown(node)) return out;
  for (const [key, child] of Object.entries(node.properties ?? {})) paths(child, `${prefix}.${key}`, out);
  if (node.items) paths(node.items, `${prefix}[]`, out);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    paths(node.additionalProperties, `${prefix}{}`, out);
  }
  return out;
}

/** Whether `path` or one of its ancestors is a node that keeps unknown fields (unmodelled content). */
function underPreserved(ours: Map<string, Node>, path: string): boolean {
  for (let p = path; ; ) {
    const node = ours.get(p);
    if (node && isPreserveUnknown(node)) return true;
    const parent = p.replace(/(\.[^.[{]+|\[\]|\{\})$/, '');
    if (parent === p) return false;
    p = parent;
  }
}

const SPEC_AND_STATUS = (kind: KindDefinition) => [
  ['spec', plain(kind.spec)] as const,
  ['status', plain(kind.status)] as const,
];

/**
 * Deliberate departures from the operator's CRD, each allowed by operator.md §7 or the brief:
 * path → the keyword we add or tighten.
 */
const TIGHTENED: Record<string, string[]> = {
  'spec.retention.maxCount': ['minimum'],
  'spec.topology.serverRoles': ['maxItems'],
  'spec.storage.size': ['maxLength'],
};

/**
 * The same, by path pattern, for core/v1 content copied into the pods (affinity, tolerations,
 * env valueFrom): the values and bounds the API server enforces on a pod, which the operator's CRD
 * left open, so a CR whose pods could never be created is refused at admission instead.
 */
const TIGHTENED_CORE_V1: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^spec\.tolerations\[\]\.(operator|effect)$/u, ['enum']],
  [/^spec\.affinity\..*\.(matchExpressions|matchFields)\[\]\.operator$/u, ['enum']],
  [/^spec\.affinity\..*\.weight$/u, ['minimum', 'maximum']],
  [/^spec\.affinity\..*\.topologyKey$/u, ['minLength']],
  [/^spec\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms$/u, ['minItems']],
  [/^spec\.env\[\]\.valueFrom\.(configMapKeyRef|secretKeyRef)$/u, ['required']],
  [/^spec\.env\[\]\.valueFrom\.(configMapKeyRef|secretKeyRef)\.name$/u, ['default']],
];

/** Whether `keyword` at `path` is a deliberate departure from the operator's CRD. */
function tightened(path: string, keyword: string): boolean {
  return TIGHTENED[path]?.includes(keyword) === true || TIGHTENED_CORE_V1.some(([pattern, keywords]) => pattern.test(path) && keywords.includes(keyword));
}

describe('kind definitions', () => {
  it('lists the six kinds in order with unique, non-clashing short names', () => {
    expect(ALL_KINDS.map((k) => k.kind)).toEqual([
      'Neo4jEnterpriseCluster',
      'Neo4jEnterpriseStandalone',
      'Neo4jBackup',
      'Neo4jRestore',
      'Neo4jDatabase',
      'Neo4jPlugin',
    ]);
    expect(ALL_KINDS.map((k) => k.shortNames)).toEqual([['n4jc'], ['n4js'], ['n4jbak'], ['n4jrst'], ['n4jdb'], ['n4jplg']]);
    expect(API_VERSION).toBe('neo4j.neo4j.com/v1alpha1');
  });

  it.each(ALL_KINDS.map((k) => [k.kind, k] as const))('%s has the operator CRD names and printer columns', (_, kind) => {
    const crd = operatorCrd(kind);
    expect({ kind: kind.kind, plural: kind.plural, singular: kind.singular }).toEqual({
      kind: crd.kind,
      plural: crd.plural,
      singular: crd.singular,
    });
    expect(kind.printerColumns.map(({ name, type, jsonPath }) => ({ name, type, jsonPath }))).toEqual(
      crd.printerColumns.map(({ name, type, jsonPath }) => ({ name, type, jsonPath })),
    );
    expect(kind.printerColumns.at(-1)).toEqual({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' });
  });
});

describe('schema shape', () => {
  it.each(ALL_KINDS.map((k) => [k.kind, k] as const))('%s: every field and list item has a one-line description', (_, kind) => {
    const missing: string[] = [];
    for (const [root, schema] of SPEC_AND_STATUS(kind)) {
      for (const [path, node] of paths(schema, root)) {
        if (path.endsWith('{}')) continue; // map values (StringMap) are described by their map
        const d = node.description;
        if (typeof d !== 'string' || d.trim() === '' || d.includes('\n')) missing.push(path);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(ALL_KINDS.map((k) => [k.kind, k] as const))('%s: is structural (typed nodes, no $ref, open objects)', (_, kind) => {
    const problems: string[] = [];
    for (const [root, schema] of SPEC_AND_STATUS(kind)) {
      const text = JSON.stringify(schema);
      if (text.includes('"$ref"')) problems.push(`${root}: $ref`);
      if (text.includes('"additionalProperties":false')) problems.push(`${root}: additionalProperties false`);
      for (const [path, node] of paths(schema, root)) {
        if (!node.type && !isIntOrString(node)) problems.push(`${path}: no type`);
        if (node.anyOf && !isIntOrString(node)) problems.push(`${path}: anyOf that is not int-or-string`);
        if (node.type === 'object' && node.properties && node.additionalProperties !== undefined) {
          problems.push(`${path}: both properties and additionalProperties`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(ALL_KINDS.map((k) => [k.kind, k] as const))('%s: transition rules (oldSelf) sit outside lists', (_, kind) => {
    for (const [root, schema] of SPEC_AND_STATUS(kind)) {
      for (const [path, node] of paths(schema, root)) {
        for (const { rule } of node['x-kubernetes-validations'] ?? []) {
          if (rule.includes('oldSelf')) expect(path, rule).not.toMatch(/\[\]|\{\}/);
        }
      }
    }
  });
});

describe('compatibility with the operator CRDs', () => {
  for (const kind of ALL_KINDS) {
    describe(kind.kind, () => {
      const crd = operatorCrd(kind);
      const pairs = [
        ['spec', crd.spec, plain(kind.spec)],
        ['status', crd.status, plain(kind.status)],
      ] as const;

      it('has every operator field, with a compatible type', () => {
        const problems: string[] = [];
        for (const [root, theirsRoot, oursRoot] of pairs) {
          const ours = paths(oursRoot, root);
          for (const [path, theirs] of paths(theirsRoot, root)) {
            if (underPreserved(ours, path) && !ours.has(path)) continue;
            const mine = ours.get(path);
            if (!mine) {
              problems.push(`${path}: missing`);
              continue;
            }
            if (isPreserveUnknown(mine)) {
              if (theirs.type !== 'object') problems.push(`${path}: preserved object for a ${theirs.type}`);
              continue;
            }
            if (isIntOrString(theirs) !== isIntOrString(mine)) problems.push(`${path}: int-or-string mismatch`);
            else if (!isIntOrString(theirs) && theirs.type !== mine.type) {
              problems.push(`${path}: type ${mine.type}, operator ${theirs.type}`);
            }
            if (theirs.format !== undefined && theirs.format !== mine.format) {
              problems.push(`${path}: format ${mine.format}, operator ${theirs.format}`);
            }
          }
        }
        expect(problems).toEqual([]);
      });

      it('has the operator defaults, enums and required lists, and is no stricter', () => {
        const problems: string[] = [];
        for (const [root, theirsRoot, oursRoot] of pairs) {
          const ours = paths(oursRoot, root);
          for (const [path, theirs] of paths(theirsRoot, root)) {
            const mine = ours.get(path);
            if (!mine || isPreserveUnknown(mine)) continue;
            if (JSON.stringify(mine.default) !== JSON.stringify(theirs.default) && !tightened(path, 'default')) {
              problems.push(`${path}: default ${JSON.stringify(mine.default)}, operator ${JSON.stringify(theirs.default)}`);
            }
            if (JSON.stringify(mine.enum) !== JSON.stringify(theirs.enum) && !tightened(path, 'enum')) {
              problems.push(`${path}: enum ${JSON.stringify(mine.enum)}, operator ${JSON.stringify(theirs.enum)}`);
            }
            const req = (n: Node) => [...(n.required ?? [])].sort();
            if (JSON.stringify(req(mine)) !== JSON.stringify(req(theirs)) && !tightened(path, 'required')) {
              problems.push(`${path}: required ${req(mine)}, operator ${req(theirs)}`);
            }
            for (const key of ['minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern'] as const) {
              if (mine[key] === undefined || mine[key] === theirs[key]) continue;
              if (tightened(path, key)) continue;
              problems.push(`${path}: ${key} ${mine[key]}, operator ${theirs[key]}`);
            }
          }
        }
        expect(problems).toEqual([]);
      });
    });
  }

  it('tightens only where intended', () => {
    expect(plain(backupKind.spec).properties!.retention!.properties!.maxCount!.minimum).toBe(1);
    expect(plain(clusterKind.spec).properties!.topology!.properties!.serverRoles!.maxItems).toBe(20);
    expect(plain(clusterKind.spec).properties!.storage!.properties!.size!.maxLength).toBe(64);
    expect(plain(standaloneKind.spec).properties!.storage!.properties!.size!.maxLength).toBeUndefined();
    for (const kind of [clusterKind, standaloneKind]) {
      const toleration = plain(kind.spec).properties!.tolerations!.items!.properties!;
      expect(toleration.operator!.enum).toEqual(['Equal', 'Exists']);
      expect(toleration.effect!.enum).toEqual(['NoExecute', 'NoSchedule', 'PreferNoSchedule']);
    }
  });
});

describe('important defaults and enums (operator.md §2)', () => {
  const cluster = plain(clusterKind.spec).properties!;
  const standalone = plain(standaloneKind.spec).properties!;
  const backup = plain(backupKind.spec).properties!;
  const database = plain(databaseKind.spec).properties!;

  it('cluster servers are bounded 2..20 and required', () => {
    const topology = cluster.topology!;
    expect(topology.properties!.servers).toMatchObject({ type: 'integer', format: 'int32', minimum: 2, maximum: 20 });
    expect(topology.required).toEqual(['servers']);
    expect(plain(clusterKind.spec).required).toEqual(['image', 'topology', 'storage']);
  });

  it('image pullPolicy defaults to IfNotPresent (no enum)', () => {
    for (const spec of [cluster, standalone]) {
      expect(spec.image!.properties!.pullPolicy).toMatchObject({ type: 'string', default: 'IfNotPresent' });
      expect(spec.image!.properties!.pullPolicy!.enum).toBeUndefined();
      expect(spec.image!.required).toEqual(['repo', 'tag']);
    }
  });

  it('storage retentionPolicy is Delete|Retain, default Delete', () => {
    for (const spec of [cluster, standalone]) {
      expect(spec.storage!.properties!.retentionPolicy).toMatchObject({ enum: ['Delete', 'Retain'], default: 'Delete' });
    }
  });

  it('tls mode defaults to cert-manager and issuerRef.kind to ClusterIssuer', () => {
    const tls = cluster.tls!.properties!;
    expect(tls.mode).toMatchObject({ enum: ['cert-manager', 'disabled'], default: 'cert-manager' });
    expect(tls.issuerRef!.properties!.kind).toMatchObject({ enum: ['Issuer', 'ClusterIssuer'], default: 'ClusterIssuer' });
  });

  it('backup options.backupType defaults to AUTO and pageCache keeps the operator pattern', () => {
    const options = backup.options!.properties!;
    expect(options.backupType).toMatchObject({ enum: ['FULL', 'DIFF', 'AUTO'], default: 'AUTO' });
    expect(options.pageCache!.pattern).toBe('^[0-9]+[KMG]?$');
    expect(backup.cloud!.properties!.credentialsSecretRef).toMatchObject({ type: 'string' });
  });

  it('database wait and ifNotExists default true; deletionPolicy defaults to Retain', () => {
    expect(database.wait).toMatchObject({ type: 'boolean', default: true });
    expect(database.ifNotExists).toMatchObject({ type: 'boolean', default: true });
    expect(database.deletionPolicy).toMatchObject({ enum: ['Retain', 'Drop'], default: 'Retain' });
    expect(database.defaultCypherLanguage!.enum).toEqual(['5', '25']);
    expect(database.topology!.properties!.primaries!.minimum).toBe(1);
  });

  it('every status has observedGeneration (int64); cluster and standalone report warnings', () => {
    for (const kind of ALL_KINDS) {
      expect(plain(kind.status).properties!.observedGeneration, kind.kind).toMatchObject({ type: 'integer', format: 'int64' });
      expect(plain(kind.status).properties!.phase!.enum, kind.kind).toBeUndefined();
    }
    for (const kind of [clusterKind, standaloneKind]) {
      expect(plain(kind.status).properties!.warnings).toMatchObject({ type: 'array', items: { type: 'string' } });
    }
  });
});

/**
 * A JavaScript reading of every CEL rule, keyed by its exact text: a rule edited without updating this
 * table fails the test, and the table lets the operator's examples be checked against the rules.
 */
type Obj = Record<string, any>;
const CEL: Record<string, (self: any) => boolean> = {
  "self.size.matches('^[0-9]+([KMGT]i?)?$')": (s: Obj) => /^[0-9]+([KMGT]i?)?$/.test(s.size),
  '!has(oldSelf.className) || self.className == oldSelf.className': () => true,
  '!has(self.serverRoles) || self.serverRoles.all(r, r.serverIndex < self.servers)': (s: Obj) =>
    !s.serverRoles || s.serverRoles.every((r: Obj) => r.serverIndex < s.servers),
  "!has(self.serverRoles) || size(self.serverRoles) < self.servers || !self.serverRoles.all(r, r.modeConstraint == 'SECONDARY')":
    (s: Obj) => !s.serverRoles || s.serverRoles.length < s.servers || !s.serverRoles.every((r: Obj) => r.modeConstraint === 'SECONDARY'),
  'self.all(a, self.exists_one(b, b.serverIndex == a.serverIndex))': (s: Obj[]) =>
    s.every((a) => s.filter((b) => b.serverIndex === a.serverIndex).length === 1),
  "(has(self.mode) && self.mode != 'cert-manager') || (has(self.issuerRef) && size(self.issuerRef.name) > 0)": (s: Obj) =>
    (s.mode !== undefined && s.mode !== 'cert-manager') || (s.issuerRef !== undefined && s.issuerRef.name.length > 0),
  "!has(self.provider) || self.provider == 'native' || (has(self.secretRef) && size(self.secretRef) > 0)": (s: Obj) =>
    s.provider === undefined || s.provider === 'native' || (typeof s.secretRef === 'string' && s.secretRef.length > 0),
};

/** Calls `visit` for every schema node that has data in `value`, walking both together. */
function walkData(node: Node, value: unknown, path: string, visit: (node: Node, value: unknown, path: string) => void) {
  if (value === undefined || value === null) return;
  visit(node, value, path);
  if (isPreserveUnknown(node)) return;
  if (Array.isArray(value) && node.items) value.forEach((v, i) => walkData(node.items!, v, `${path}[${i}]`, visit));
  else if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child = node.properties?.[k] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (child) walkData(child, v, `${path}.${k}`, visit);
    }
  }
}

describe('CEL rules', () => {
  const rulesAt = (schema: Node, path: string) =>
    (paths(schema, 'spec').get(path)?.['x-kubernetes-validations'] ?? []).map((r) => r.message);

  it('every rule has a JavaScript reading in this test', () => {
    for (const kind of ALL_KINDS) {
      for (const [root, schema] of SPEC_AND_STATUS(kind)) {
        for (const [, node] of paths(schema, root)) {
          for (const { rule, message } of node['x-kubernetes-validations'] ?? []) {
            expect(CEL[rule], rule).toBeTypeOf('function');
            expect(message.length).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('only scan bounded strings and lists, so the API server accepts their estimated cost', () => {
    const unbounded: string[] = [];
    for (const kind of ALL_KINDS) {
      for (const [root, schema] of SPEC_AND_STATUS(kind)) {
        for (const [path, node] of paths(schema, root)) {
          for (const { rule } of node['x-kubernetes-validations'] ?? []) {
            if (/\bself\.(all|exists|exists_one|map|filter)\(/.test(rule) && node.maxItems === undefined) {
              unbounded.push(`${path}: ${rule}`);
            }
            for (const [, field, fn] of rule.matchAll(/\bself\.(\w+)\.(matches|all|exists|exists_one|map|filter)\(/g)) {
              const child = node.properties?.[field!];
              const bound = fn === 'matches' ? child?.maxLength : child?.maxItems;
              if (bound === undefined) unbounded.push(`${path}.${field}: ${rule}`);
            }
          }
        }
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('sit where the operator rejected at reconcile time, with its messages', () => {
    const cluster = plain(clusterKind.spec);
    const standalone = plain(standaloneKind.spec);
    expect(rulesAt(cluster, 'spec.storage')).toEqual([
      "storage size must be in format like '100Gi', '1Ti'",
      'storage.className is immutable once set',
    ]);
    expect(rulesAt(standalone, 'spec.storage')).toEqual(['storage.className is immutable once set']);
    expect(rulesAt(cluster, 'spec.topology')).toContain('server role hint index is out of range (0 to servers-1)');
    expect(rulesAt(cluster, 'spec.tls')).toEqual(['issuer name must be specified when using cert-manager']);
    expect(rulesAt(standalone, 'spec.tls')).toEqual(['issuer name must be specified when using cert-manager']);
    expect(rulesAt(cluster, 'spec.auth')).toEqual(['secretRef is required for non-native auth providers']);
    expect(rulesAt(standalone, 'spec.auth')).toEqual([]);
  });

  it('the readings accept and reject the intended values', () => {
    const size = CEL["self.size.matches('^[0-9]+([KMGT]i?)?$')"]!;
    expect(['100Gi', '1Ti', '500', '10G'].map((s) => size({ size: s }))).toEqual([true, true, true, true]);
    expect(['1.5Gi', '100gi', '10Gb', ''].map((s) => size({ size: s }))).toEqual([false, false, false, false]);
    const range = CEL['!has(self.serverRoles) || self.serverRoles.all(r, r.serverIndex < self.servers)']!;
    expect(range({ servers: 3, serverRoles: [{ serverIndex: 2 }] })).toBe(true);
    expect(range({ servers: 3, serverRoles: [{ serverIndex: 3 }] })).toBe(false);
    const tls = CEL["(has(self.mode) && self.mode != 'cert-manager') || (has(self.issuerRef) && size(self.issuerRef.name) > 0)"]!;
    expect(tls({ mode: 'cert-manager' })).toBe(false);
    expect(tls({ mode: 'disabled' })).toBe(true);
    expect(tls({ mode: 'cert-manager', issuerRef: { name: 'ca' } })).toBe(true);
  });
});

/** Every operator resource in the example corpus, as [file, document]. */
function operatorExamples(): [string, Obj][] {
  const out: [string, Obj][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.yaml')) {
        for (const doc of parseAllDocuments(readFileSync(full, 'utf8'))) {
          const value = doc.toJS() as Obj | null;
          if (value?.apiVersion === API_VERSION) out.push([full.slice(OPERATOR_EXAMPLES.length), value]);
        }
      }
    }
  };
  walk(OPERATOR_EXAMPLES);
  return out;
}

describe('operator examples', () => {
  const examples = operatorExamples();
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const byKind = new Map(ALL_KINDS.map((k) => [k.kind, k]));
  const oursValidator = new Map(ALL_KINDS.map((k) => [k.kind, ajv.compile(plain(k.spec))]));
  const theirsValidator = new Map(ALL_KINDS.map((k) => [k.kind, ajv.compile(operatorCrd(k).spec)]));

  it('the corpus holds resources of every kind', () => {
    expect(new Set(examples.map(([, d]) => d.kind))).toEqual(new Set(ALL_KINDS.map((k) => k.kind)));
  });

  it('whatever the operator CRD accepts, ours accepts, and every rule holds', () => {
    const problems: string[] = [];
    for (const [file, doc] of examples) {
      const kind = byKind.get(doc.kind)!;
      if (!theirsValidator.get(doc.kind)!(doc.spec)) continue;
      const validate = oursValidator.get(doc.kind)!;
      if (!validate(doc.spec)) problems.push(`${file} ${doc.metadata?.name}: ${ajv.errorsText(validate.errors)}`);
      walkData(plain(kind.spec), doc.spec, 'spec', (node, value, path) => {
        for (const { rule, message } of node['x-kubernetes-validations'] ?? []) {
          if (!rule.includes('oldSelf') && !CEL[rule]!(value)) problems.push(`${file} ${path}: ${message}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('no field the operator kept would be pruned by ours', () => {
    const problems: string[] = [];
    for (const [file, doc] of examples) {
      const kind = byKind.get(doc.kind)!;
      const theirs = operatorCrd(kind).spec;
      const ours = plain(kind.spec);
      const kept = (node: Node, value: unknown, out: string[], path: string) => {
        walkData(node, value, path, (n, v, p) => {
          if (isPreserveUnknown(n) || !n.properties || typeof v !== 'object' || Array.isArray(v) || v === null) return;
          for (const key of Object.keys(v)) if (!(key in n.properties)) out.push(`${p}.${key}`);
        });
      };
      const prunedByTheirs: string[] = [];
      const prunedByOurs: string[] = [];
      kept(theirs, doc.spec, prunedByTheirs, 'spec');
      kept(ours, doc.spec, prunedByOurs, 'spec');
      for (const p of prunedByOurs) if (!prunedByTheirs.includes(p)) problems.push(`${file}: ${p}`);
    }
    expect(problems).toEqual([]);
  });
});
