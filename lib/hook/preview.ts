/**
 * One offline hook call from plain objects: admits the parent as the API server would (prune,
 * default, validate against the generated CRD schema), builds the Metacontroller request and
 * runs the same code path as the HTTP hook. The CLI `render` command and the golden tests use it.
 */
import { ALL_KINDS } from '../schemas/index.js';
import { API_VERSION, type KindDefinition } from '../schemas/kind.js';
import { admit } from '../crd/admission.js';
import { openApiSchema } from '../crd/generate.js';
import type { K8sObject } from '../k8s/object.js';
import { isRecord } from '../k8s/object.js';
import { RECONCILERS, reconcilerForKind } from '../registry.js';
import type { Reconciler } from './reconciler.js';
import { buildSyncRequest, type KeyFormat } from './request.js';
import { runSync, type SyncResponse } from './run.js';

/** Why a document cannot be previewed (unknown kind, rejected by the schema). */
export class PreviewError extends Error {
  override readonly name = 'PreviewError';
}

/** Options of one preview. */
export interface PreviewOptions {
  now: Date;
  finalizing?: boolean;
  keyFormat?: KeyFormat;
  registry?: readonly Reconciler[];
  /** Namespace for a parent without one (kubectl's default). */
  defaultNamespace?: string;
}

/** The outcome of one preview. */
export interface Preview {
  /** The parent as the hook received it (pruned, defaulted, namespaced). */
  parent: K8sObject;
  /** Unknown fields the API server would drop. */
  pruned: string[];
  response: SyncResponse;
}

/** The kind definition of a document of our API group; throws PreviewError otherwise. */
export function kindOf(doc: unknown): KindDefinition {
  if (!isRecord(doc) || typeof doc.kind !== 'string') throw new PreviewError('document has no kind');
  const def = ALL_KINDS.find((k) => k.kind === doc.kind);
  if (!def) throw new PreviewError(`unknown kind ${doc.kind}: expected one of ${ALL_KINDS.map((k) => k.kind).join(', ')}`);
  if (doc.apiVersion !== API_VERSION) {
    throw new PreviewError(`${doc.kind} has apiVersion ${String(doc.apiVersion)}; this API is ${API_VERSION}`);
  }
  return def;
}

/**
 * Admits `doc` and runs its sync (or finalize) hook against `observed`. Throws PreviewError when
 * the kind is unknown or unimplemented, or the API server would reject the object.
 */
export function preview(doc: unknown, observed: readonly K8sObject[], options: PreviewOptions): Preview {
  const def = kindOf(doc);
  const reconciler = reconcilerForKind(def.kind, options.registry ?? RECONCILERS);
  if (!reconciler) throw new PreviewError(`${def.kind} has no reconciler yet`);
  const { object, errors, pruned } = admit(openApiSchema(def), doc as Record<string, unknown>);
  const parent = object as unknown as K8sObject;
  const name = isRecord(parent.metadata) ? parent.metadata.name : undefined;
  if (!name) throw new PreviewError(`${def.kind} has no metadata.name`);
  if (errors.length > 0) {
    throw new PreviewError(`${def.kind} ${name} is invalid (the API server would reject it):\n  ${errors.join('\n  ')}`);
  }
  parent.metadata = { ...parent.metadata, namespace: parent.metadata.namespace ?? options.defaultNamespace ?? 'default' };
  const request = buildSyncRequest(reconciler, parent, observed, {
    finalizing: options.finalizing,
    keyFormat: options.keyFormat,
  });
  return { parent, pruned, response: runSync(reconciler, request, options.now) };
}
