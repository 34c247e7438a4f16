/**
 * The contract between the hook shell and one parent kind's pure reconcile logic. A reconciler
 * declares its child and related resources (the generated CompositeController and the invariant
 * tests read these declarations, so registration and code cannot drift) and maps a request to the
 * desired state.
 */
import type { KindDefinition } from '../schemas/kind.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import type { K8sObject } from '../k8s/object.js';
import type { ObservedMap } from '../k8s/observed.js';

/** Metacontroller's child update methods that this project uses. */
export type UpdateStrategy = 'InPlace' | 'OnDelete' | 'Recreate';

/** A child resource type a kind may emit. */
export interface ChildResource {
  apiVersion: string;
  kind: string;
  /** Lowercase plural resource name, as the CompositeController needs it. */
  resource: string;
  updateStrategy: UpdateStrategy;
  /** The optional integration that must be installed for this child (kustomize component). */
  integration?: 'cert-manager' | 'external-secrets' | 'prometheus-operator';
}

/** A related resource type a kind reads through its customize hook. */
export interface RelatedResource {
  apiVersion: string;
  kind: string;
  resource: string;
}

/** A normalized sync/finalize request as the core sees it. */
export interface HookRequest<P extends K8sObject = K8sObject> {
  parent: P;
  children: ObservedMap;
  related: ObservedMap;
  finalizing: boolean;
  /** Wall-clock time supplied by the shell; the core never reads the clock itself. */
  now: Date;
}

/** What a reconciler decides: the complete desired child set and the new status. */
export interface Desired {
  status: Record<string, unknown>;
  children: K8sObject[];
  /** Ask Metacontroller to call again after this many seconds (waiting on something). */
  resyncAfterSeconds?: number;
  /** Finalize only: cleanup is complete and the parent may go. */
  finalized?: boolean;
}

/** One parent kind's pure reconcile logic and declarations. */
export interface Reconciler<P extends K8sObject = K8sObject> {
  kind: KindDefinition;
  children: readonly ChildResource[];
  related: readonly RelatedResource[];
  sync(request: HookRequest<P>): Desired;
  /** Present only for kinds that clean something up on deletion. */
  finalize?(request: HookRequest<P>): Desired;
  /** Present only for kinds that read related objects. Depends on the parent alone. */
  customize?(parent: P): RelatedResourceRule[];
}
