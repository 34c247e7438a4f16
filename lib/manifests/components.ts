/**
 * The kustomize components of the optional integrations. Each adds, to the CompositeController of
 * every reconciler that declares children needing that integration, the `childResources` rules of
 * those children. Derived from the registry like the controllers, so a reconciler that starts
 * emitting, say, cert-manager Certificates is registered for them as soon as the component is used.
 */
import type { ChildResource, Reconciler } from '../hook/reconciler.js';
import { childResourceRule, controllerName, METACONTROLLER_API_VERSION, type ChildResourceRule } from './controllers.js';

/** An optional integration a child type may need. */
export type Integration = NonNullable<ChildResource['integration']>;

/** Every integration, in a fixed order; each has a component under manifests/components/<name>. */
export const INTEGRATIONS = ['cert-manager', 'external-secrets', 'prometheus-operator'] as const satisfies readonly Integration[];

// A new member of ChildResource['integration'] must be added to INTEGRATIONS (and get a component).
type Missing = Exclude<Integration, (typeof INTEGRATIONS)[number]>;
const exhaustive: [Missing] extends [never] ? true : Missing = true;
void exhaustive;

/** One JSON6902 patch of a kustomize component, with its target. */
export interface ComponentPatch {
  target: { group: string; version: string; kind: string; name: string };
  /** The JSON patch operations, serialized (kustomize reads the patch as a string). */
  patch: string;
}

/** A `kustomize.config.k8s.io/v1alpha1` Component that only patches. */
export interface KustomizeComponent {
  apiVersion: 'kustomize.config.k8s.io/v1alpha1';
  kind: 'Component';
  patches: ComponentPatch[];
}

/** The child types of each reconciler that need `integration`, in registry then declaration order. */
export function integrationChildren(integration: Integration, registry: readonly Reconciler[]): { reconciler: Reconciler; rules: ChildResourceRule[] }[] {
  return registry
    .map((reconciler) => ({
      reconciler,
      rules: reconciler.children.filter((child) => child.integration === integration).map(childResourceRule),
    }))
    .filter((entry) => entry.rules.length > 0);
}

/**
 * The component of one integration: for each reconciler with such children, a JSON6902 patch
 * appending their rules to its CompositeController's `childResources`. Empty `patches` when no
 * reconciler needs the integration yet (using the component is then harmless).
 */
export function integrationComponent(integration: Integration, registry: readonly Reconciler[]): KustomizeComponent {
  const [group = '', version = ''] = METACONTROLLER_API_VERSION.split('/');
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    patches: integrationChildren(integration, registry).map(({ reconciler, rules }) => ({
      target: { group, version, kind: 'CompositeController', name: controllerName(reconciler) },
      patch: JSON.stringify(
        rules.map((value) => ({ op: 'add', path: '/spec/childResources/-', value })),
        null,
        2,
      ),
    })),
  };
}
