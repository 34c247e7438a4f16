/**
 * fast-check arbitraries driven by a kind's generated CRD schema (lib/crd/generate.ts
 * `openApiSchema`), so every kind registered today or tomorrow gets generators without a line of
 * kind-specific code: objects with optional properties present or absent, enums, strings (valid
 * looking, pattern-matching and hostile), integers inside and outside their bounds, maps with
 * hostile keys, free-form (`x-kubernetes-preserve-unknown-fields`) objects. `wild` mode adds what
 * the API server would reject: wrong types, out-of-range numbers, values outside enums, missing
 * required fields. A few property names get domain-looking samples (versions, quantities,
 * durations, cron) so generated specs also get past validation and reach the child builders.
 */
import fc from 'fast-check';
import { isRecord } from '../../../lib/k8s/object.js';
import type { JsonSchema } from '../../../lib/crd/structural.js';

/** A schema node as plain data (re-exported for the property files). */
export type { JsonSchema };

/** How to generate. */
export interface GenOptions {
  /** Weight (out of 100) of a schema-violating value at each node; 0 keeps values schema-shaped. */
  wild: number;
  /** Weight (out of 100) of an optional property being present (scaled down with depth). */
  optional: number;
  /** Longest generated array or map. */
  maxItems: number;
}

/** Schema-shaped values: what the API server would admit (CEL rules aside). */
export const VALID: GenOptions = { wild: 0, optional: 35, maxItems: 3 };
/** Mostly schema-shaped, with a schema violation at some nodes. */
export const WILD: GenOptions = { wild: 6, optional: 35, maxItems: 3 };

/** Strings chosen to break naive code: shell, Cypher, YAML and JSON syntax, control and odd Unicode, prototype names. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\n',
  'a\nb',
  '\r\n',
  '\t',
  '"',
  "'",
  '`',
  '\\',
  '$(id)',
  '${HOME}',
  '`id`',
  '; rm -rf /',
  '&& echo pwned',
  '| cat /etc/passwd',
  "'; DROP DATABASE neo4j; //",
  '`) DETACH DELETE n //',
  '{{ .Values }}',
  '%s%n%x',
  '---\nkind: Secret',
  'key=value\ndbms.security.auth_enabled=false',
  '\u0000',
  '\u202e\u200b',
  '😀',
  'é',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'NaN',
  'null',
  'true',
  '-1',
  '0x10',
  '1e309',
  '<script>alert(1)</script>',
  'a'.repeat(64),
  'x'.repeat(254),
  'y'.repeat(10_000),
];

/** Map keys of the same spirit (the JSON body parser rejects `__proto__` keys before any hook runs). */
export const HOSTILE_KEYS: readonly string[] = [
  '',
  ' ',
  'a.b',
  'a/b',
  'a=b',
  'a\nb',
  '$(id)',
  '`x`',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__proto__',
  'k'.repeat(300),
  'dbms.security.auth_enabled',
  'server.directories.data',
];

/** Kubernetes-looking names: what most reference fields hold. */
export const dnsName = (): fc.Arbitrary<string> => DNS_NAME;
const DNS_NAME = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/u).filter((s) => s.length > 0 && s.length <= 63);

/** Building a regex arbitrary is costly: one per pattern. */
const byPattern = new Map<string, fc.Arbitrary<string>>();
function matching(pattern: string): fc.Arbitrary<string> {
  let arb = byPattern.get(pattern);
  if (!arb) byPattern.set(pattern, (arb = fc.stringMatching(new RegExp(pattern, 'u'), { size: 'xsmall' })));
  return arb;
}

/** Domain-looking samples for property names whose values follow a grammar (so specs pass validation). */
const DOMAIN: Record<string, readonly string[]> = {
  tag: ['5.26.0', '5.26.12-enterprise', '5.26-enterprise', '2025.01.0', '2025.06.0-enterprise', '2025.10.1', '2026.01.0-enterprise', '4.4.30', 'latest', '5.25.1', '2024.12.0'],
  repo: ['neo4j', 'docker.io/library/neo4j', 'registry.example.com/neo4j/neo4j-enterprise'],
  size: ['1Gi', '10Gi', '100Mi', '1Ti', '0', '1', '10G'],
  memory: ['1Gi', '2Gi', '512Mi', '4G'],
  cpu: ['1', '500m', '2'],
  schedule: ['0 2 * * *', '*/5 * * * *', '@daily', '@every 1h', '61 * * * *', 'not a cron'],
  duration: ['1h', '30m', '5s', '90d', '1h30m', '0s', '-1s', 'forever'],
  pointInTime: ['2025-01-15T10:30:00Z', '2025-01-15T10:30:00.123+02:00', 'yesterday'],
  url: ['https://example.com/jwks.json', 'ldap://ldap.example.com:389', 's3://bucket/path/db.backup', 'gs://b/x', 'azb://acct/c/x', 'http://insecure', 'file:///etc/passwd'],
};

function domainSamples(name: string | undefined): readonly string[] | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (lower === 'tag') return DOMAIN.tag;
  if (lower === 'repo') return DOMAIN.repo;
  if (lower === 'size' || lower.endsWith('storage')) return DOMAIN.size;
  if (lower === 'memory' || lower.includes('cache') || lower.includes('heap')) return DOMAIN.memory;
  if (lower === 'cpu') return DOMAIN.cpu;
  if (lower === 'schedule') return DOMAIN.schedule;
  if (/timeout|interval|duration|renewbefore|maxage|threshold|retention|objective/u.test(lower)) return DOMAIN.duration;
  if (/pointintime|restoreuntil/u.test(lower)) return DOMAIN.pointInTime;
  if (/ur[il]s?$|endpoint/u.test(lower)) return DOMAIN.url;
  return undefined;
}

const INT32 = 2 ** 31 - 1;
/** Numbers that break arithmetic: limits, signs, non-integers. */
const EXTREME_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, 0.5, -0.0];

/** A value of some JSON type, usually not the one the schema wants. */
export function wrongValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(...EXTREME_NUMBERS),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constant([]),
    fc.constant({}),
    fc.array(fc.constantFrom<unknown>('a', 1, null, {}), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('a', 'name', 'enabled'), fc.constantFrom<unknown>(1, 'x', true), { maxKeys: 2, noNullPrototype: true }),
  );
}

function stringArb(schema: JsonSchema, name: string | undefined, options: GenOptions): fc.Arbitrary<string> {
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((v): v is string => typeof v === 'string');
    return options.wild > 0
      ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom('', 'other', values[0]!.toUpperCase(), `${values[0]} `) })
      : fc.constantFrom(...values);
  }
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  const fits = (s: string) => maxLength === undefined || s.length <= maxLength || options.wild > 0;
  if (typeof schema.pattern === 'string') {
    const matches = matching(schema.pattern).filter(fits);
    return options.wild > 0 ? fc.oneof({ weight: 4, arbitrary: matches }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) }) : matches;
  }
  if (schema.format === 'date-time') {
    const iso = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/u, 'Z'));
    return options.wild > 0 ? fc.oneof(iso, fc.constantFrom(...HOSTILE_STRINGS)) : iso;
  }
  const domain = domainSamples(name);
  return fc
    .oneof(
      ...(domain ? [{ weight: 6, arbitrary: fc.constantFrom(...domain) }] : []),
      { weight: 4, arbitrary: dnsName() },
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
      { weight: 2, arbitrary: fc.string({ maxLength: 24, unit: 'grapheme' }) },
    )
    .filter(fits);
}

function integerArb(schema: JsonSchema, options: GenOptions): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : schema.format === 'int32' ? -(2 ** 31) : -Number.MAX_SAFE_INTEGER;
  const max = typeof schema.maximum === 'number' ? schema.maximum : schema.format === 'int32' ? INT32 : Number.MAX_SAFE_INTEGER;
  const small = fc.integer({ min: Math.max(min, -3), max: Math.min(max, Math.max(min, -3) + 12) });
  const inRange = fc.oneof({ weight: 6, arbitrary: small }, { weight: 1, arbitrary: fc.constantFrom(min, max) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
  if (options.wild === 0) return inRange;
  return fc.oneof({ weight: 8, arbitrary: inRange }, { weight: 2, arbitrary: fc.constantFrom(min - 1, max + 1, ...EXTREME_NUMBERS) });
}

/** A map key: names, config-looking keys and hostile keys. */
function keyArb(): fc.Arbitrary<string> {
  return (KEY ??= fc.oneof(
    { weight: 4, arbitrary: dnsName() },
    { weight: 2, arbitrary: matching('^[a-z]+(\\.[a-z_]+){1,3}$') },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  ));
}
let KEY: fc.Arbitrary<string> | undefined;

/** An object built from entries with own data properties only (a `__proto__` key stays a key). */
export function objectOf(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

function mapArb(valueSchema: JsonSchema, options: GenOptions, depth: number): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(fc.tuple(keyArb(), arbitraryFor(valueSchema, options, undefined, depth + 1)), { maxLength: options.maxItems })
    .map((entries) => objectOf(entries));
}

function freeFormArb(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(fc.tuple(keyArb(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 })
    .map((entries) => objectOf(entries));
}

function objectArb(schema: JsonSchema, options: GenOptions, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : undefined;
  if (!properties) {
    if (isRecord(schema.additionalProperties)) return mapArb(schema.additionalProperties as JsonSchema, options, depth);
    return schema['x-kubernetes-preserve-unknown-fields'] === true ? freeFormArb() : fc.constant({});
  }
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  // Deeper optional objects appear less often, so a generated spec stays a readable size.
  const presence = Math.max(5, Math.round(options.optional / (1 + depth * 0.6)));
  const entries = Object.entries(properties).map(([key, child]) => {
    const value = arbitraryFor(child, options, key, depth + 1);
    const absentWeight = required.has(key) ? (options.wild > 0 ? 1 : 0) : 100 - presence;
    const presentWeight = required.has(key) ? 30 : presence;
    const slot =
      absentWeight === 0
        ? value.map((v) => [key, v] as const)
        : fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: presentWeight, arbitrary: value.map((v) => [key, v] as const) });
    return slot;
  });
  return fc.tuple(...entries).map((slots) => objectOf(slots.filter((s): s is readonly [string, unknown] => s !== undefined)));
}

/** Values for one schema node (`name` is the property holding it, for domain-looking samples). */
export function arbitraryFor(schema: JsonSchema, options: GenOptions, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const perNode = cache.get(schema) ?? new Map<string, fc.Arbitrary<unknown>>();
  cache.set(schema, perNode);
  const key = `${options.wild}/${options.optional}/${options.maxItems}/${name ?? ''}/${depth}`;
  let arb = perNode.get(key);
  if (!arb) perNode.set(key, (arb = build(schema, options, name, depth)));
  return arb;
}

/** Arbitraries are pure descriptions: one per schema node, options, name and depth. */
const cache = new WeakMap<JsonSchema, Map<string, fc.Arbitrary<unknown>>>();

function build(schema: JsonSchema, options: GenOptions, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  const shaped = shapedArb(schema, options, name, depth);
  if (options.wild === 0) return shaped;
  return fc.oneof({ weight: 100 - options.wild, arbitrary: shaped }, { weight: options.wild, arbitrary: wrongValue() });
}

function shapedArb(schema: JsonSchema, options: GenOptions, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  if (schema['x-kubernetes-int-or-string'] === true) {
    return fc.oneof(integerArb({ minimum: 0, maximum: 64 }, options), stringArb(schema, name ?? 'memory', options));
  }
  switch (schema.type) {
    case 'object':
      return objectArb(schema, options, depth);
    case 'array': {
      const items = isRecord(schema.items) ? (schema.items as JsonSchema) : {};
      const maxLength = Math.min(options.maxItems, typeof schema.maxItems === 'number' ? schema.maxItems : options.maxItems);
      return fc.array(arbitraryFor(items, options, name, depth + 1), { maxLength: options.wild > 0 ? options.maxItems : maxLength });
    }
    case 'string':
      return stringArb(schema, name, options);
    case 'integer':
      return integerArb(schema, options);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
    case 'boolean':
      return fc.boolean();
    default:
      return schema['x-kubernetes-preserve-unknown-fields'] === true ? freeFormArb() : fc.jsonValue({ maxDepth: 2 });
  }
}

/** One step of a path into a spec: a property name, `[]` (an array item) or `*` (a map value). */
export type Step = string;

/** A string-valued place in a schema, reachable from the spec root. */
export interface StringLeaf {
  /** Steps from `spec`, e.g. `['tls', 'issuerRef', 'name']`, `['env', '[]', 'value']`, `['config', '*']`. */
  path: Step[];
  schema: JsonSchema;
  /** The value of a map entry (`*`) rather than a named property. */
  mapValue: boolean;
}

/** Every string leaf of a schema (map values included; map keys are covered separately by {@link mapPaths}). */
export function stringLeaves(schema: JsonSchema, path: Step[] = []): StringLeaf[] {
  if (schema.type === 'string' || schema['x-kubernetes-int-or-string'] === true) return [{ path, schema, mapValue: path.at(-1) === '*' }];
  const out: StringLeaf[] = [];
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) out.push(...stringLeaves(child, [...path, key]));
  }
  if (isRecord(schema.additionalProperties)) out.push(...stringLeaves(schema.additionalProperties as JsonSchema, [...path, '*']));
  if (schema.type === 'array' && isRecord(schema.items)) out.push(...stringLeaves(schema.items as JsonSchema, [...path, '[]']));
  return out;
}

/** Paths of every map (object with `additionalProperties`): their keys are user strings too. */
export function mapPaths(schema: JsonSchema, path: Step[] = []): Step[][] {
  const out: Step[][] = [];
  if (isRecord(schema.additionalProperties)) out.push(path);
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) out.push(...mapPaths(child, [...path, key]));
  }
  if (schema.type === 'array' && isRecord(schema.items)) out.push(...mapPaths(schema.items as JsonSchema, [...path, '[]']));
  return out;
}

/** Every object-valued property path (where a generated subtree can be grafted). */
export function allPaths(schema: JsonSchema, path: Step[] = []): { path: Step[]; schema: JsonSchema }[] {
  const out = path.length > 0 ? [{ path, schema }] : [];
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) out.push(...allPaths(child, [...path, key]));
  }
  return out;
}

/** The schema node at a path, or undefined. */
export function schemaAt(schema: JsonSchema, path: readonly Step[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const step of path) {
    if (!node) return undefined;
    if (step === '[]') node = isRecord(node.items) ? (node.items as JsonSchema) : undefined;
    else if (step === '*') node = isRecord(node.additionalProperties) ? (node.additionalProperties as JsonSchema) : undefined;
    else node = isRecord(node.properties) ? ((node.properties as Record<string, JsonSchema>)[step] ?? undefined) : undefined;
  }
  return node;
}

const PLACEHOLDER_STRINGS = ['placeholder', 'a', '1', '1Gi', 'x1'];

/**
 * The smallest schema-valid value of a node: its default, its first enum value, required
 * properties only (recursively), one placeholder string that fits its pattern. Used to build the
 * objects around a field set on its own.
 */
export function minimalValue(schema: JsonSchema, name?: string): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema['x-kubernetes-int-or-string'] === true) return '1';
  switch (schema.type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return objectOf(required.filter((k) => properties[k]).map((k) => [k, minimalValue(properties[k]!, k)]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return false;
    case 'string': {
      const domain = domainSamples(name)?.[0];
      const candidates = domain ? [domain, ...PLACEHOLDER_STRINGS] : PLACEHOLDER_STRINGS;
      const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
      return candidates.find((c) => !pattern || pattern.test(c)) ?? 'placeholder';
    }
    default:
      return {};
  }
}

/** Paths of free-form nodes (`x-kubernetes-preserve-unknown-fields`): the API server checks nothing inside. */
export function freeFormPaths(schema: JsonSchema, path: Step[] = []): Step[][] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [path];
  const out: Step[][] = [];
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) out.push(...freeFormPaths(child, [...path, key]));
  }
  if (isRecord(schema.additionalProperties)) out.push(...freeFormPaths(schema.additionalProperties as JsonSchema, [...path, '*']));
  if (schema.type === 'array' && isRecord(schema.items)) out.push(...freeFormPaths(schema.items as JsonSchema, [...path, '[]']));
  return out;
}

/** Every value found at a schema path (`[]` and `*` fan out) inside `value`. */
export function valuesAt(value: unknown, path: readonly Step[]): unknown[] {
  if (path.length === 0) return [value];
  const [step, ...rest] = path;
  if (step === '[]') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  if (step === '*') return isRecord(value) ? Object.values(value).flatMap((item) => valuesAt(item, rest)) : [];
  return isRecord(value) && Object.hasOwn(value, step!) ? valuesAt(value[step!], rest) : [];
}
