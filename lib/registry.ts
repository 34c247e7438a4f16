/**
 * The one list of reconcilers. A kind has hook routes, a CompositeController and golden
 * fixtures exactly when it has an entry here; a kind without one answers 404, never a stub.
 */
import type { Reconciler } from './hook/reconciler.js';
import { clusterReconciler } from './cluster/reconciler.js';
import { standaloneReconciler } from './standalone/reconciler.js';
import { backupReconciler } from './backup/reconciler.js';
import { restoreReconciler } from './restore/reconciler.js';
import { databaseReconciler } from './database/reconciler.js';
import { pluginReconciler } from './plugins/reconciler.js';

/** Every implemented reconciler, in the order of ALL_KINDS. */
export const RECONCILERS: readonly Reconciler[] = [clusterReconciler as unknown as Reconciler, standaloneReconciler as unknown as Reconciler, backupReconciler as unknown as Reconciler, restoreReconciler as unknown as Reconciler, databaseReconciler as unknown as Reconciler, pluginReconciler as unknown as Reconciler];

/** The reconciler serving a resource plural, if any. */
export function reconcilerFor(plural: string, registry: readonly Reconciler[] = RECONCILERS): Reconciler | undefined {
  return registry.find((r) => r.kind.plural === plural);
}

/** The reconciler serving a kind name, if any. */
export function reconcilerForKind(kind: string, registry: readonly Reconciler[] = RECONCILERS): Reconciler | undefined {
  return registry.find((r) => r.kind.kind === kind);
}
