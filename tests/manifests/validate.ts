/**
 * Validation of every object the shipped manifests contain: core kinds against the official
 * Kubernetes schemas (kubernetes-models, through tests/support/k8s-schemas.ts where it has the
 * kind), our CRDs against the generator (byte-for-byte the generated object, plus the official
 * CRD schema), CompositeControllers against the Metacontroller schema.
 */
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace } from 'kubernetes-models/v1';
import { isEqual } from 'lodash-es';
import { crdFor } from '../../lib/crd/generate.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { ALL_KINDS, GROUP } from '../../lib/schemas/index.js';
import { schemaError } from '../support/k8s-schemas.js';
import { compositeControllerErrors } from '../support/metacontroller-schema.js';

type Model = new (data: never) => { validate(): void };

/** Kinds the manifests ship that the children validators do not cover. */
const EXTRA_MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
};

function modelError(model: Model, object: K8sObject): string | undefined {
  try {
    new model(structuredClone(object) as never).validate();
    return undefined;
  } catch (error) {
    return `${object.kind} ${object.metadata.name}: ${(error as Error).message}`;
  }
}

function crdErrors(object: K8sObject): string[] {
  const def = ALL_KINDS.find((k) => `${k.plural}.${GROUP}` === object.metadata.name);
  if (!def) return [`CustomResourceDefinition ${object.metadata.name} is not one of ours`];
  const errors: string[] = [];
  const official = modelError(CustomResourceDefinition as unknown as Model, object);
  if (official) errors.push(official);
  if (!isEqual(object, crdFor(def))) errors.push(`CustomResourceDefinition ${object.metadata.name} differs from the generated one`);
  return errors;
}

/** Problems of one manifest object; empty when valid. */
export function manifestErrors(object: K8sObject): string[] {
  if (object.kind === 'CustomResourceDefinition') return crdErrors(object);
  if (object.kind === 'CompositeController') return compositeControllerErrors(object).map((e) => `${object.metadata.name}: ${e}`);
  const extra = EXTRA_MODELS[`${object.apiVersion}/${object.kind}`];
  const error = extra ? modelError(extra, object) : schemaError(object);
  return error ? [error] : [];
}
