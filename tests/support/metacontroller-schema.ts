/**
 * A JSON schema of Metacontroller's CompositeController (metacontroller.k8s.io/v1alpha1), written
 * from shared/reference/metacontroller.md §1.2 (types.go and the docs at v4.17.2): every spec field
 * with its type, the CRD enums (update methods, hook versions, unmarshal modes) and the rules the
 * controller enforces at start (a webhook needs `url` or both `service` and `path`; `authorization`
 * excludes `basicAuth` and is never of type Basic; an etag sets both cache timers or neither).
 *
 * Stricter than the real CRD in one way, on purpose: unknown fields are errors here. The API
 * server would prune them silently, so in our manifests an unknown field is always a typo whose
 * effect is lost (a misspelt `updateStrategy` means OnDelete, a misspelt `ignoreStatusChanges`
 * means false).
 */
import { Ajv, type ErrorObject } from 'ajv';

type Schema = Record<string, unknown>;

const object = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
  ...extra,
});
const string: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const boolean: Schema = { type: 'boolean' };
const int32: Schema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const stringMap: Schema = { type: 'object', additionalProperties: string };

/** metav1.LabelSelector. */
const labelSelector = object({
  matchLabels: stringMap,
  matchExpressions: {
    type: 'array',
    items: object(
      {
        key: nonEmpty,
        operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
        values: { type: 'array', items: string },
      },
      ['key', 'operator'],
    ),
  },
});

/** A Go `time.Duration` string as `time.ParseDuration` accepts it (for example 10s, 1m30s). */
export const GO_DURATION_PATTERN = '^(0|[+]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h))+)$';

const namespacedRef = object({ name: nonEmpty, namespace: nonEmpty }, ['name', 'namespace']);
const keyedRef = (keyRequired: boolean) =>
  object({ name: nonEmpty, namespace: nonEmpty, key: nonEmpty }, keyRequired ? ['name', 'namespace', 'key'] : ['name', 'namespace']);

/** `caBundle`: exactly one of inline PEM, a Secret or a ConfigMap (key default ca.crt). */
const caBundle = object(
  { inline: nonEmpty, secretRef: keyedRef(false), configMapRef: keyedRef(false) },
  [],
  { oneOf: [{ required: ['inline'] }, { required: ['secretRef'] }, { required: ['configMapRef'] }] },
);

/** `authorization`: a token from a Secret key, sent as `<type> <token>`; type default Bearer, never Basic. */
const authorization = object({ type: { type: 'string', minLength: 1, not: { const: 'Basic' } }, secretRef: keyedRef(true) }, ['secretRef']);

const basicAuth = object({ secretRef: namespacedRef, usernameKey: nonEmpty, passwordKey: nonEmpty }, ['secretRef']);

const clientTLS = object({ secretRef: namespacedRef, certKey: nonEmpty, privateKeyKey: nonEmpty }, ['secretRef']);

/** The per-connection settings a webhook or an endpointConfigs entry may carry. */
const connection = { caBundle, authorization, basicAuth, clientTLS };
const notBothAuth: Schema = { not: { required: ['authorization', 'basicAuth'] } };

const webhook = object(
  {
    url: nonEmpty,
    service: object(
      { name: nonEmpty, namespace: nonEmpty, port: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { type: 'string', enum: ['http', 'https'] } },
      ['name', 'namespace'],
    ),
    path: { type: 'string', pattern: '^/' },
    timeout: { type: 'string', pattern: GO_DURATION_PATTERN },
    etag: object(
      { enabled: boolean, cacheTimeoutSeconds: int32, cacheCleanupSeconds: int32 },
      [],
      // Setting only cacheTimeoutSeconds dereferences a nil pointer in Metacontroller (§1.2).
      { dependencies: { cacheTimeoutSeconds: ['cacheCleanupSeconds'], cacheCleanupSeconds: ['cacheTimeoutSeconds'] } },
    ),
    responseUnMarshallMode: { type: 'string', enum: ['loose', 'strict'] },
    ...connection,
  },
  [],
  { anyOf: [{ required: ['url'] }, { required: ['service', 'path'] }], ...notBothAuth },
);

const hook = object({ version: { type: 'string', enum: ['v1', 'v2'] }, webhook }, ['webhook']);

/** Update methods of the CRD enum (OnDelete is the default when unset). */
export const UPDATE_METHODS = ['OnDelete', 'Recreate', 'InPlace', 'RollingRecreate', 'RollingInPlace'] as const;

/** The CompositeController schema. */
export const COMPOSITE_CONTROLLER_SCHEMA: Schema = object(
  {
    apiVersion: { const: 'metacontroller.k8s.io/v1alpha1' },
    kind: { const: 'CompositeController' },
    metadata: {
      type: 'object',
      properties: {
        // Cluster-scoped: no namespace. A DNS subdomain name.
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 },
        namespace: false,
        labels: stringMap,
        annotations: stringMap,
      },
      required: ['name'],
    },
    spec: object(
      {
        parentResource: object(
          {
            apiVersion: nonEmpty,
            resource: nonEmpty,
            labelSelector,
            revisionHistory: object({ fieldPaths: { type: 'array', items: nonEmpty } }),
            ignoreStatusChanges: boolean,
          },
          ['apiVersion', 'resource'],
        ),
        childResources: {
          type: 'array',
          items: object(
            {
              apiVersion: nonEmpty,
              resource: nonEmpty,
              updateStrategy: object({
                method: { type: 'string', enum: [...UPDATE_METHODS] },
                statusChecks: object({
                  conditions: { type: 'array', items: object({ type: nonEmpty, status: string, reason: string }, ['type']) },
                }),
              }),
            },
            ['apiVersion', 'resource'],
          ),
        },
        resyncPeriodSeconds: int32,
        generateSelector: boolean,
        // preUpdateChild and postUpdateChild exist in the Go type but nothing uses them (§1.2).
        hooks: object({ sync: hook, finalize: hook, customize: hook, preUpdateChild: hook, postUpdateChild: hook }),
        endpointConfigs: {
          type: 'array',
          items: object({ host: nonEmpty, ...connection }, ['host'], notBothAuth),
        },
      },
      // Metacontroller refuses to start a controller without hooks (§1.2, controller lifecycle).
      ['parentResource', 'hooks'],
    ),
    status: { type: 'object' },
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

// strictRequired is off because the anyOf/oneOf/not branches name properties defined one level up.
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(COMPOSITE_CONTROLLER_SCHEMA);

function describe(error: ErrorObject): string {
  const where = error.instancePath || '<root>';
  const detail =
    error.keyword === 'additionalProperties'
      ? `unknown field ${String((error.params as { additionalProperty: string }).additionalProperty)}`
      : error.keyword === 'enum'
        ? `${error.message}: ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`
        : String(error.message);
  return `${where}: ${detail}`;
}

/** Problems of a CompositeController against the schema; empty when it is valid. */
export function compositeControllerErrors(object: unknown): string[] {
  return validate(object) ? [] : (validate.errors ?? []).map(describe);
}
