/**
 * A JSON schema for `ExternalSecret` (external-secrets.io/v1), for child validation in tests.
 *
 * Why hand-written: @kubernetes-models/external-secrets has v1 models only from 2.0.0, which needs
 * Node 22 (this project runs on Node 20); its Node-20 release (0.5.2) knows only v1alpha1/v1beta1.
 * The constraints below are those of External Secrets Operator's CRD
 * (config/crds/bases/external-secrets.io_externalsecrets.yaml, where v1 carries the v1beta1 spec
 * unchanged): `secretStoreRef` and `target` required; store and target names are DNS subdomains
 * of at most 253 characters; store kind SecretStore|ClusterSecretStore; creationPolicy
 * Owner|Orphan|Merge|None; every `data` entry needs `secretKey` (`^[-._a-zA-Z0-9]+$`, 1–253
 * characters) and `remoteRef` with a `key`. Stricter than the CRD in one respect, on purpose:
 * unknown fields are refused (the CRD would prune them silently), so a typo in a builder fails.
 */
import { Ajv } from 'ajv';

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const name = { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

/** The schema (ExternalSecret v1, the fields neo4j-hooks emits). */
export const EXTERNAL_SECRET_V1_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'external-secrets.io/v1' },
    kind: { const: 'ExternalSecret' },
    metadata: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name, namespace: name, labels: stringMap, annotations: stringMap },
    },
    spec: {
      type: 'object',
      required: ['secretStoreRef', 'target'],
      additionalProperties: false,
      properties: {
        secretStoreRef: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name, kind: { enum: ['SecretStore', 'ClusterSecretStore'] } },
        },
        target: {
          type: 'object',
          additionalProperties: false,
          properties: { name, creationPolicy: { enum: ['Owner', 'Orphan', 'Merge', 'None'] } },
        },
        refreshInterval: { type: 'string' },
        data: {
          type: 'array',
          items: {
            type: 'object',
            required: ['secretKey', 'remoteRef'],
            additionalProperties: false,
            properties: {
              secretKey: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$' },
              remoteRef: {
                type: 'object',
                required: ['key'],
                additionalProperties: false,
                properties: { key: { type: 'string', minLength: 1 }, property: { type: 'string' }, version: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: true }).compile(EXTERNAL_SECRET_V1_SCHEMA);

/** Validates an ExternalSecret; throws with Ajv's messages when it is not valid. */
export function validateExternalSecret(object: unknown): void {
  if (validate(object)) return;
  throw new Error((validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; '));
}
