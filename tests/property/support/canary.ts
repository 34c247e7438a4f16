/**
 * Canary placement for the leak tests: every string a user controls in a kind's spec (each
 * string leaf of the CRD schema, each map key), set to a unique token on a valid fixture, and a
 * search that reports every place in a JSON value where a token shows up.
 */
import { isRecord } from '../../../lib/k8s/object.js';
import { applyMutations, getAt, type Mutation, type Path } from './mutations.js';
import { mapPaths, minimalValue, schemaAt, stringLeaves, type JsonSchema, type Step } from './schema-arbitrary.js';

/** A token no fixture, default or template contains. */
export function canary(i: number): string {
  return `cnry${i.toString(36).padStart(3, '0')}q7x`;
}

/** Matches any canary token. */
export const CANARY_PATTERN = /cnry[0-9a-z]{3}q7x/gu;

/** One user-controlled string: a schema leaf (`value`) or the keys of a map (`key`). */
export interface Place {
  /** Schema path from spec, `[]` for array items and `*` for map entries, e.g. `env.[].value`, `config.*`. */
  path: Step[];
  role: 'value' | 'key';
  schema: JsonSchema;
}

/** Every user-controlled string place of a spec schema. */
export function places(specSchema: JsonSchema): Place[] {
  return [
    ...stringLeaves(specSchema).map((l): Place => ({ path: l.path, role: 'value', schema: l.schema })),
    ...mapPaths(specSchema).map((p): Place => ({ path: [...p, '*'], role: 'key', schema: schemaAt(specSchema, [...p, '*']) ?? {} })),
  ];
}

/** `spec.env.[].value` style label of a place. */
export function placeLabel(place: Place): string {
  return `spec.${place.path.join('.')}${place.role === 'key' ? ' (key)' : ''}`;
}

/** The token a value-shaped field can still carry validly: plain, in a host, a URL, a path... */
export function shapes(token: string, existing: unknown): string[] {
  const out = [token, `https://${token}.example.com/${token}`, `${token}.example.com`, `/${token}`];
  if (typeof existing === 'string' && existing !== '') {
    out.push(`${existing}-${token}`, `${existing}${token}`);
    if (/^[a-z0-9]+:\/\//u.test(existing)) out.push(`${existing.replace(/\/+$/u, '')}/${token}`);
  }
  return out;
}

/**
 * The edits that put `value` at a place of `spec`: into the first array item (created from the
 * item schema's required fields if the array is empty) and into a map entry `entryKey` (or, for a
 * key place, a new entry named `value`).
 */
export function placeEdits(spec: unknown, specSchema: JsonSchema, place: Place, value: string): Mutation[] {
  const concrete: Path = [];
  const edits: Mutation[] = [];
  place.path.forEach((step, i) => {
    const last = i === place.path.length - 1;
    if (step === '[]') {
      if (!Array.isArray(getAt(spec, concrete)) || (getAt(spec, concrete) as unknown[]).length === 0) {
        const item = schemaAt(specSchema, place.path.slice(0, i + 1));
        edits.push({ op: 'set', path: [...concrete, 0], value: item ? minimalValue(item) : {}, why: 'graft' });
      }
      concrete.push(0);
    } else if (step === '*') {
      concrete.push(place.role === 'key' && last ? value : 'neo4j-hooks-canary');
    } else {
      concrete.push(step);
    }
  });
  if (place.role === 'key') edits.push({ op: 'set', path: concrete, value: minimalValue(place.schema), why: 'graft' });
  else edits.push({ op: 'set', path: concrete, value, why: 'graft' });
  return edits;
}

/** Applies a place's edits. */
export function withCanary(spec: unknown, specSchema: JsonSchema, place: Place, value: string): unknown {
  return applyMutations(spec, placeEdits(spec, specSchema, place, value), specSchema);
}

/** Every place inside `value` where a canary token appears: `<path>` for a string, `<path> (key)` for a key. */
export function findTokens(value: unknown, path = ''): { token: string; at: string }[] {
  const out: { token: string; at: string }[] = [];
  const scan = (text: string, at: string) => {
    for (const m of text.matchAll(CANARY_PATTERN)) out.push({ token: m[0], at });
  };
  if (typeof value === 'string') scan(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => out.push(...findTokens(v, `${path}[${i}]`)));
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      scan(k, `${path}.${k} (key)`);
      out.push(...findTokens(v, `${path}.${k}`));
    }
  }
  return out;
}
