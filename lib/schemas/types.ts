/**
 * Schema building blocks shared by every CRD schema. Each helper yields a TypeBox schema that is
 * also a valid *structural* OpenAPI v3 node once serialized (see lib/crd/generate.ts): every node
 * has a `type`, maps are `additionalProperties`, enums are plain string enums.
 */
import { Type, type TSchema, type SchemaOptions, type Static } from '@sinclair/typebox';

/** Options every field must carry: a one-line description for `kubectl explain`. */
export type Described = SchemaOptions & { description: string };

/** A string restricted to `values`; serializes as `{type: string, enum}` (not TypeBox's anyOf of consts). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Described) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** A `map[string]string`; serializes as `{type: object, additionalProperties: {type: string}}`. */
export function StringMap(options: Described) {
  return Type.Unsafe<Record<string, string>>({
    ...options,
    type: 'object',
    additionalProperties: { type: 'string' },
  });
}

/** A map with values of the given schema (`map[string]T`). */
export function MapOf<T extends TSchema>(value: T, options: Described) {
  return Type.Unsafe<Record<string, Static<T>>>({ ...options, type: 'object', additionalProperties: value });
}

/** A Kubernetes int-or-string (resource quantities, ports by name). */
export function IntOrString(options: Described) {
  return Type.Unsafe<string | number>({
    ...options,
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  });
}

/** An RFC 3339 timestamp as Kubernetes serializes `metav1.Time`. */
export function Timestamp(options: Described) {
  return Type.String({ ...options, format: 'date-time' });
}

/** A CEL rule for `x-kubernetes-validations`, enforced by the API server at admission. */
export interface CelRule {
  rule: string;
  message: string;
  /** JSONPath-like field the error is reported on, relative to the node. */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** Attach CEL rules to a schema node (an object, usually). */
export function withCel<T extends TSchema>(schema: T, rules: CelRule[]): T {
  return { ...schema, 'x-kubernetes-validations': rules } as T;
}

/** metav1.Condition, as every status in this API group reports it. */
export const Condition = Type.Object(
  {
    type: Type.String({ description: 'Type of condition in CamelCase, for example Ready.', maxLength: 316 }),
    status: StringEnum(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition.' }),
    observedGeneration: Type.Optional(
      Type.Integer({ description: 'The .metadata.generation the condition was set from.', minimum: 0, format: 'int64' }),
    ),
    lastTransitionTime: Timestamp({ description: 'Last time the condition changed from one status to another.' }),
    reason: Type.String({ description: 'Programmatic identifier for the last transition, in CamelCase.', maxLength: 1024 }),
    message: Type.String({ description: 'Human readable message about the transition.', maxLength: 32768 }),
  },
  { description: 'A condition of the resource (metav1.Condition).' },
);
export type Condition = Static<typeof Condition>;

/** The `conditions` list of a status: map-listed by `type` so server-side apply merges by type. */
export function Conditions() {
  return Type.Array(Condition, {
    description: 'Current conditions of the resource; the Ready condition summarises it.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
}
