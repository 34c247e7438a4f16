/**
 * The minimal shape of a Kubernetes object as hooks see it. Children we build are plain JSON;
 * observed objects carry server fields we never echo back.
 */

/** `metadata` fields the hooks read or write. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** Any Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A parent custom resource with typed spec and status. */
export interface Resource<Spec, Status = Record<string, unknown>> extends K8sObject {
  spec: Spec;
  status?: Status;
}

/** Key of a Metacontroller children/related map: `<Kind>.<apiVersion>` (core group has no prefix). */
export function typeKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

/** True when `value` is a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
