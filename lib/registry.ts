/**
 * The one list of reconcilers. A kind has hook routes, a CompositeController and golden
 * fixtures exactly when it has an entry here; a kind without one answers 404, never a stub.
 */
import type { Reconciler } from './hook/reconciler.js';
import type { K8sObject } from './k8s/object.js';
import { clusterReconciler } from './cluster/reconciler.js';
import { standaloneReconciler } from './standalone/reconciler.js';
import { backupReconciler } from './backup/reconciler.js';
import { restoreReconciler } from './restore/reconciler.js';
import { databaseReconciler } from './database/reconciler.js';
import { pluginReconciler } from './plugins/reconciler.js';

/**
 * A reconciler with its parent type erased, so all kinds share one list. Sound because
 * lib/hook/run.ts hands a reconciler only parents of its own kind that match its CRD schema.
 */
function registered<P extends K8sObject>(reconciler: Reconciler<P>): Reconciler {
  return reconciler as unknown as Reconciler;
}

/** Every implemented reconciler, in the order of ALL_KINDS. */
export const RECONCILERS: readonly Reconciler[] = [
  registered(clusterReconciler),
  registered(standaloneReconciler),
  registered(backupReconciler),
  registered(restoreReconciler),
  registered(databaseReconciler),
  registered(pluginReconciler),
];

/** The reconciler serving a resource plural, if any. */
export function reconcilerFor(plural: string, registry: readonly Reconciler[] = RECONCILERS): Reconciler | undefined {
  return registry.find((r) => r.kind.plural === plural);
}

/** The reconciler serving a kind name, if any. */
export function reconcilerForKind(kind: string, registry: readonly Reconciler[] = RECONCILERS): Reconciler | undefined {
  return registry.find((r) => r.kind.kind === kind);
}
