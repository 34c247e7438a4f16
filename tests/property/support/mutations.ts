/**
 * Mutations of a known-good spec (a golden fixture's parent): delete a field, swap a value's
 * type, push a value to an extreme, or graft a generated subtree (schema-shaped or wild) at any
 * property path of the kind's schema. Paths are taken from the spec itself, so every fixture of
 * every kind gets its own mutations without kind-specific code.
 */
import fc from 'fast-check';
import { isRecord } from '../../../lib/k8s/object.js';
import { allPaths, arbitraryFor, HOSTILE_STRINGS, minimalValue, objectOf, schemaAt, VALID, WILD, wrongValue, type JsonSchema } from './schema-arbitrary.js';

/** A concrete path into a value: property names and array indexes. */
export type Path = (string | number)[];

/** One edit of a spec. */
export type Mutation =
  | { op: 'delete'; path: Path }
  | { op: 'set'; path: Path; value: unknown; why: 'type-swap' | 'extreme' | 'graft' };

/** Every path to an existing value inside `value` (objects and arrays walked; the root excluded). */
export function existingPaths(value: unknown, path: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push([...path, i], ...existingPaths(item, [...path, i])));
  else if (isRecord(value)) for (const [key, child] of Object.entries(value)) out.push([...path, key], ...existingPaths(child, [...path, key]));
  return out;
}

/** The value at a path, or undefined. */
export function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') node = node[step];
    else if (isRecord(node) && typeof step === 'string' && Object.hasOwn(node, step)) node = node[step];
    else return undefined;
  }
  return node;
}

/**
 * A copy of `root` with `value` at `path` (intermediate objects created; `fill` gives the value of
 * a missing intermediate object so it can carry its required fields). Returns `root` unchanged
 * when the path runs through a scalar.
 */
export function setAt(root: unknown, path: readonly (string | number)[], value: unknown, fill: (prefix: Path) => unknown = () => ({})): unknown {
  if (path.length === 0) return value;
  const [step, ...rest] = path;
  if (Array.isArray(root) && typeof step === 'number') {
    const copy = [...root];
    copy[step] = setAt(root[step] ?? fill([step]), rest, value, (p) => fill([step, ...p]));
    return copy;
  }
  if (isRecord(root) && typeof step === 'string') {
    const existing = Object.hasOwn(root, step) ? root[step] : fill([step]);
    return objectOf([...Object.entries(root).filter(([k]) => k !== step), [step, setAt(existing, rest, value, (p) => fill([step, ...p]))]]);
  }
  return root;
}

/** A copy of `root` without the value at `path`. */
export function deleteAt(root: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0) return undefined;
  const [step, ...rest] = path;
  if (Array.isArray(root) && typeof step === 'number') {
    if (rest.length === 0) return root.filter((_, i) => i !== step);
    return root.map((item, i) => (i === step ? deleteAt(item, rest) : item));
  }
  if (isRecord(root) && typeof step === 'string' && Object.hasOwn(root, step)) {
    if (rest.length === 0) return objectOf(Object.entries(root).filter(([k]) => k !== step));
    return objectOf(Object.entries(root).map(([k, v]) => [k, k === step ? deleteAt(v, rest) : v]));
  }
  return root;
}

/**
 * Applies mutations in order (a path made stale by an earlier one is simply not found). The
 * result is what goes over the wire: a JSON round trip turns array holes into nulls, as a client
 * would send them, so admission judges what the hook will see.
 */
export function applyMutations(spec: unknown, mutations: readonly Mutation[], specSchema: JsonSchema): unknown {
  let out = structuredClone(spec);
  for (const m of mutations) {
    if (m.op === 'delete') out = deleteAt(out, m.path);
    else {
      // Missing objects on the way get their required fields, so a graft is not rejected for them.
      const fill = (prefix: Path) => {
        const node = schemaAt(specSchema, prefix.map((s) => (typeof s === 'number' ? '[]' : s)));
        return node ? minimalValue(node, String(prefix.at(-1))) : {};
      };
      out = setAt(out, m.path, m.value, fill);
    }
  }
  return out === undefined ? undefined : JSON.parse(JSON.stringify(out));
}

function extremeOf(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'number') return fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, 1e308, 0.5, value + 1, value - 1);
  if (typeof value === 'string') return fc.constantFrom(...HOSTILE_STRINGS, value.repeat(100), `${value}\n${value}`, value.toUpperCase(), ` ${value} `);
  if (typeof value === 'boolean') return fc.constantFrom(!value, 'true', 0);
  if (Array.isArray(value)) return fc.constantFrom([], [...value, ...value, ...value], Array.from({ length: 200 }, () => value[0] ?? 'x'));
  return fc.constantFrom({}, null);
}

/**
 * Mutations for one spec: 1 to `max` edits, each a deletion, type swap or extreme value at an
 * existing path, or a graft (schema-shaped or wild) at any property path of the schema.
 */
export function mutationsFor(spec: unknown, specSchema: JsonSchema, max = 3): fc.Arbitrary<Mutation[]> {
  const existing = existingPaths(spec);
  const grafts = allPaths(specSchema);
  const options: fc.Arbitrary<Mutation>[] = [];
  if (existing.length > 0) {
    const at = fc.constantFrom(...existing);
    options.push(at.map((path): Mutation => ({ op: 'delete', path })));
    options.push(fc.tuple(at, wrongValue()).map(([path, value]): Mutation => ({ op: 'set', path, value, why: 'type-swap' })));
    options.push(at.chain((path) => extremeOf(getAt(spec, path)).map((value): Mutation => ({ op: 'set', path, value, why: 'extreme' }))));
  }
  if (grafts.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...grafts), fc.boolean())
        .chain(([{ path, schema }, wild]) => arbitraryFor(schema, wild ? WILD : VALID, path.at(-1), path.length).map((value): Mutation => ({ op: 'set', path, value, why: 'graft' }))),
    );
  }
  return fc.array(fc.oneof(...options), { minLength: 1, maxLength: max });
}
