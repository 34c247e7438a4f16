/**
 * The Metacontroller CompositeController of each registered reconciler, derived from its
 * declarations (kind, children, finalize?, customize?), so a new reconciler in lib/registry.ts gets
 * its registration without anyone writing YAML. Children that need an optional integration
 * (cert-manager, external-secrets, prometheus-operator) are left out here: their CRDs may not be
 * installed, and Metacontroller cannot watch a type the API server does not serve. The kustomize
 * components of lib/manifests/components.ts add them.
 */
import { API_VERSION } from '../schemas/kind.js';
import type { ChildResource, Reconciler, UpdateStrategy } from '../hook/reconciler.js';

/** API version of Metacontroller's own resources. */
export const METACONTROLLER_API_VERSION = 'metacontroller.k8s.io/v1alpha1';

/** Label put on every object this project ships, as on the CRDs; the hook-token component selects CompositeControllers by it. */
export const PART_OF_LABEL = { 'app.kubernetes.io/part-of': 'neo4j-hooks' } as const;

/** The in-cluster Service Metacontroller calls. */
export interface HookService {
  name: string;
  namespace: string;
  port: number;
}

/** What a deployment may change about the generated CompositeControllers. */
export interface ControllerOptions {
  service: HookService;
  /** Go duration: Metacontroller's total time for one hook call (connect, send, read). */
  timeout: string;
  /** Periodic resync of every parent from Metacontroller's cache: a safety net, not the driver. */
  resyncPeriodSeconds: number;
}

/** The options of the committed manifests (manifests/deploy runs the Service `neo4j-hooks/neo4j-hooks`, port 80). */
export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  service: { name: 'neo4j-hooks', namespace: 'neo4j-hooks', port: 80 },
  timeout: '10s',
  resyncPeriodSeconds: 300,
};

/** The three hooks of a CompositeController. */
export type HookName = 'sync' | 'finalize' | 'customize';

/** One `spec.hooks.<name>` entry. */
export interface HookEntry {
  version: 'v2';
  webhook: {
    service: HookService;
    path: string;
    timeout: string;
    responseUnMarshallMode: 'strict';
  };
}

/** One `spec.childResources[]` rule. */
export interface ChildResourceRule {
  apiVersion: string;
  resource: string;
  updateStrategy: { method: UpdateStrategy };
}

/** The CompositeController object (only the fields this project sets). */
export interface CompositeController {
  apiVersion: typeof METACONTROLLER_API_VERSION;
  kind: 'CompositeController';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    parentResource: { apiVersion: string; resource: string; ignoreStatusChanges: boolean };
    childResources: ChildResourceRule[];
    generateSelector: true;
    resyncPeriodSeconds: number;
    hooks: Partial<Record<HookName, HookEntry>>;
  };
}

/**
 * Name of a kind's CompositeController. It is also part of the finalizer Metacontroller puts on
 * every parent (`metacontroller.io/compositecontroller-<name>`), so it must stay short and stable.
 */
export function controllerName(reconciler: Pick<Reconciler, 'kind'>): string {
  return `neo4j-hooks-${reconciler.kind.plural}`;
}

/** The finalizer Metacontroller adds to each parent of a kind that has a finalize hook. */
export function parentFinalizer(reconciler: Pick<Reconciler, 'kind'>): string {
  return `metacontroller.io/compositecontroller-${controllerName(reconciler)}`;
}

/** The HTTP path of one hook of a kind (the routes of hooks/app.ts). */
export function hookPath(plural: string, hook: HookName): string {
  return `/hooks/${plural}/${hook}`;
}

/**
 * The host Metacontroller matches `endpointConfigs[].host` against for a service-form webhook:
 * `name.namespace`, with `:port` only when the port is not 80 or 443.
 */
export function endpointHost(service: HookService): string {
  const host = `${service.name}.${service.namespace}`;
  return service.port === 80 || service.port === 443 ? host : `${host}:${service.port}`;
}

/** The `childResources` rule of one declared child type. */
export function childResourceRule(child: ChildResource): ChildResourceRule {
  return { apiVersion: child.apiVersion, resource: child.resource, updateStrategy: { method: child.updateStrategy } };
}

function hookEntry(plural: string, hook: HookName, options: ControllerOptions): HookEntry {
  return {
    version: 'v2',
    webhook: {
      service: { ...options.service },
      path: hookPath(plural, hook),
      timeout: options.timeout,
      // The v2 default already; spelled out so a misspelt response key fails loudly instead of
      // being dropped (a dropped `children` would delete every child).
      responseUnMarshallMode: 'strict',
    },
  };
}

/**
 * The CompositeController of one reconciler: its parent resource, the child types it declares
 * (without integration children), a generated `controller-uid` selector, and hook v2 webhooks for
 * sync and, only when the reconciler implements them, finalize and customize.
 *
 * `ignoreStatusChanges` is true: our own status write would otherwise enqueue the parent once more
 * for a call that, the hooks being pure and convergent, returns the same answer. Spec, label,
 * annotation and deletion changes still enqueue, `resyncAfterSeconds` re-enqueues directly, and
 * from Metacontroller v4.17.2 on the periodic resync is not swallowed either (issue #1136).
 */
export function compositeControllerFor(reconciler: Reconciler, options: ControllerOptions = DEFAULT_CONTROLLER_OPTIONS): CompositeController {
  const plural = reconciler.kind.plural;
  const hooks: Partial<Record<HookName, HookEntry>> = { sync: hookEntry(plural, 'sync', options) };
  if (reconciler.finalize) hooks.finalize = hookEntry(plural, 'finalize', options);
  if (reconciler.customize) hooks.customize = hookEntry(plural, 'customize', options);
  return {
    apiVersion: METACONTROLLER_API_VERSION,
    kind: 'CompositeController',
    metadata: { name: controllerName(reconciler), labels: { ...PART_OF_LABEL } },
    spec: {
      parentResource: { apiVersion: API_VERSION, resource: plural, ignoreStatusChanges: true },
      childResources: reconciler.children.filter((child) => !child.integration).map(childResourceRule),
      generateSelector: true,
      resyncPeriodSeconds: options.resyncPeriodSeconds,
      hooks,
    },
  };
}
