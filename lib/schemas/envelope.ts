/**
 * Metacontroller's CompositeController hook messages (hook API v1 and v2) as TypeBox schemas.
 * The shell validates requests with them; the core relies on their shape. Object maps are
 * keyed by name (v1) or `namespace/name` (v2): code looks objects up by metadata, never by key.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Any Kubernetes object: apiVersion, kind and metadata.name are required; the rest is free. */
export const ObjectSchema = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1 }),
    kind: Type.String({ minLength: 1 }),
    metadata: Type.Object({ name: Type.String({ minLength: 1 }), namespace: Type.Optional(Type.String()) }),
  },
  { additionalProperties: true },
);

/** `{ "<Kind>.<apiVersion>": { "<key>": object } }`; a missing map means "none observed". */
export const ObjectMapSchema = Type.Record(Type.String(), Type.Union([Type.Record(Type.String(), ObjectSchema), Type.Null()]));

/** Body of a sync or finalize call. */
export const SyncRequestSchema = Type.Object(
  {
    controller: Type.Optional(Type.Unknown()),
    parent: ObjectSchema,
    children: Type.Optional(Type.Union([ObjectMapSchema, Type.Null()])),
    related: Type.Optional(Type.Union([ObjectMapSchema, Type.Null()])),
    finalizing: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

/** Body of a customize call. */
export const CustomizeRequestSchema = Type.Object(
  {
    controller: Type.Optional(Type.Unknown()),
    parent: ObjectSchema,
  },
  { additionalProperties: true },
);

/** One rule of a customize response: which related objects Metacontroller should send. */
export const RelatedResourceRuleSchema = Type.Object({
  apiVersion: Type.String(),
  resource: Type.String(),
  namespace: Type.Optional(Type.String()),
  names: Type.Optional(Type.Array(Type.String())),
  labelSelector: Type.Optional(Type.Object({ matchLabels: Type.Optional(Type.Record(Type.String(), Type.String())) })),
});

/** Response of a customize call. */
export const CustomizeResponseSchema = Type.Object({ relatedResources: Type.Array(RelatedResourceRuleSchema) });

/** Response of a sync or finalize call: exactly these keys. */
export const SyncResponseSchema = Type.Object(
  {
    status: Type.Record(Type.String(), Type.Unknown()),
    children: Type.Array(ObjectSchema),
    resyncAfterSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    finalized: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Error body of every non-200 answer. */
export const ErrorResponseSchema = Type.Object({ message: Type.String() });

export type ObjectMap = Static<typeof ObjectMapSchema>;
export type SyncRequestBody = Static<typeof SyncRequestSchema>;
export type CustomizeRequestBody = Static<typeof CustomizeRequestSchema>;
export type RelatedResourceRule = Static<typeof RelatedResourceRuleSchema>;
export type CustomizeResponse = Static<typeof CustomizeResponseSchema>;
