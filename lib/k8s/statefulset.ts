/**
 * The StatefulSet fields the API server never lets change (selector, serviceName,
 * volumeClaimTemplates). Once a StatefulSet exists they are returned exactly as the server holds
 * them, defaults included (`volumeMode`, a template `status`): sending anything else is rejected, and
 * sending less makes Metacontroller's merge replace the list and write on every sync.
 */
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { isEqual } from 'lodash-es';
import type { K8sObject } from './object.js';

/** What a claim template means to a user: a change of any of these is a requested storage change. */
function claimIntent(template: PersistentVolumeClaim) {
  return {
    name: template.metadata?.name,
    storageClassName: template.spec?.storageClassName,
    storage: template.spec?.resources?.requests?.storage,
    accessModes: template.spec?.accessModes ?? ['ReadWriteOnce'],
  };
}

/**
 * `desired` with the immutable fields of `observed` (when it exists). Returns the requested changes
 * that cannot be applied, as short descriptions ("volumeClaimTemplates", ...), so the caller can
 * report them.
 */
export function keepImmutableFields<T extends StatefulSet & K8sObject>(desired: T, observed: K8sObject | undefined): { statefulSet: T; refused: string[] } {
  const current = (observed as StatefulSet | undefined)?.spec;
  if (!current || !desired.spec) return { statefulSet: desired, refused: [] };
  const refused: string[] = [];
  const spec = { ...desired.spec };
  if (current.selector) {
    if (!isEqual(current.selector, desired.spec.selector)) refused.push('selector');
    spec.selector = current.selector;
  }
  if (current.serviceName !== undefined) {
    if (current.serviceName !== desired.spec.serviceName) refused.push('serviceName');
    spec.serviceName = current.serviceName;
  }
  const templates = current.volumeClaimTemplates ?? [];
  if (!isEqual(templates.map(claimIntent), (desired.spec.volumeClaimTemplates ?? []).map(claimIntent))) refused.push('volumeClaimTemplates');
  if (current.volumeClaimTemplates) spec.volumeClaimTemplates = current.volumeClaimTemplates;
  else delete spec.volumeClaimTemplates;
  return { statefulSet: { ...desired, spec }, refused };
}
