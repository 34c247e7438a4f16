/**
 * What the simulated API server does to a built-in object on every write, beyond storing it:
 * a documented subset of Kubernetes' defaulting and normalization, and the validation rules hook
 * authors meet most often. Only what changes the outcome of Metacontroller's 3-way merge or the
 * workload controllers is modelled (see tests/sim/README.md for the list and what is left out).
 *
 * Why it matters: Metacontroller compares the merge result with the stored object. A field the
 * server fills in inside a list that the merge replaces atomically (StatefulSet
 * volumeClaimTemplates) or a quantity the server rewrites (`1000m` → `1`) makes every sync send an
 * update that the server then turns into a no-op: the simulator counts those as `noopUpdates`.
 */
import type { K8sObject } from '../../lib/k8s/object.js';
import { isObject } from './json.js';

type Obj = Record<string, unknown>;

/** A rejected write, with Kubernetes' status code (404 NotFound, 409 Conflict/AlreadyExists, 422 Invalid). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Quantities

const DECIMAL_SUFFIX: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIX).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIX).map(([s, e]) => [e, s]));
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/u;
const NANO = 1_000_000_000n;

/**
 * The canonical form the API server stores a resource quantity in (`1000m` → `1`, `0.5` → `500m`,
 * `1024Mi` → `1Gi`, `1000` → `1k`, `1.5e3` → `1500`): values are rounded up to nano units; a
 * binary-suffixed value that is a whole number of at least 1024 keeps a binary suffix (the largest
 * that divides it), anything else is written with the largest decimal SI suffix (or `eN` exponent)
 * that keeps the mantissa whole. Input that is not a quantity is returned unchanged.
 */
export function canonicalQuantity(input: string | number): string | number {
  const text = String(input).trim();
  const match = QUANTITY.exec(text);
  if (!match) return input;
  const [, sign = '', digits = '', suffix = ''] = match;
  const exponentForm = /^[eE]([+-]?\d+)$/u.exec(suffix);
  const binary = BINARY_SUFFIX[suffix];
  const decimal = DECIMAL_SUFFIX[suffix] ?? (exponentForm ? Number(exponentForm[1]) : undefined);
  if (binary === undefined && decimal === undefined) return input;
  const [whole = '', fraction = ''] = digits.split('.');
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  if (binary !== undefined) num *= 2n ** BigInt(binary);
  else if (decimal! >= 0) num *= 10n ** BigInt(decimal!);
  else den *= 10n ** BigInt(-decimal!);
  // Whole nano units, rounded up (away from zero), as resource.Quantity does.
  let nanos = (num * NANO + den - 1n) / den;
  if (nanos === 0n) return '0';
  const negative = sign === '-';
  if (binary !== undefined && nanos % NANO === 0n && nanos / NANO >= 1024n) {
    let value = nanos / NANO;
    let exponent = 0;
    while (value % 1024n === 0n && exponent < 60) {
      value /= 1024n;
      exponent += 10;
    }
    return `${negative ? '-' : ''}${value}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
  }
  let exponent = -9;
  while (nanos % 1000n === 0n && exponent < 18) {
    nanos /= 1000n;
    exponent += 3;
  }
  const unit = exponentForm ? (exponent === 0 ? '' : `e${exponent}`) : DECIMAL_BY_EXPONENT.get(exponent) ?? '';
  return `${negative ? '-' : ''}${nanos}${unit}`;
}

function canonicalResources(resources: unknown): void {
  if (!isObject(resources)) return;
  for (const group of ['limits', 'requests']) {
    const list = resources[group];
    if (!isObject(list)) continue;
    for (const [name, value] of Object.entries(list)) {
      if (typeof value === 'string' || typeof value === 'number') list[name] = canonicalQuantity(value);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Defaulting

function obj(parent: Obj, key: string): Obj {
  const value = parent[key];
  if (isObject(value)) return value;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
}

function defaultContainer(container: Obj): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = typeof container.image === 'string' ? container.image : '';
  const tagged = /:[^/]+$/u.test(image.split('@')[0] ?? '');
  setDefault(container, 'imagePullPolicy', !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent');
  for (const port of list(container.ports)) setDefault(port, 'protocol', 'TCP');
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
  canonicalResources(container.resources);
}

/** Pod spec defaults (pods and every pod template). Job templates get no restartPolicy default. */
function defaultPodSpec(spec: Obj, restartPolicy: string | undefined): void {
  if (restartPolicy) setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  if (typeof spec.serviceAccountName === 'string') setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  for (const container of [...list(spec.initContainers), ...list(spec.containers)]) defaultContainer(container);
  for (const volume of list(spec.volumes)) {
    for (const source of ['configMap', 'secret']) if (isObject(volume[source])) setDefault(volume[source] as Obj, 'defaultMode', 420);
  }
}

function defaultTemplate(template: unknown, restartPolicy: string | undefined): void {
  if (!isObject(template)) return;
  const metadata = obj(template, 'metadata');
  setDefault(metadata, 'creationTimestamp', null);
  defaultPodSpec(obj(template, 'spec'), restartPolicy);
}

function defaultClaim(claim: Obj): void {
  const spec = obj(claim, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
  canonicalResources(spec.resources);
  setDefault(obj(claim, 'status'), 'phase', 'Pending');
}

function defaultStatefulSet(sts: Obj): void {
  const spec = obj(sts, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  setDefault(spec, 'revisionHistoryLimit', 10);
  const strategy = obj(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(obj(strategy, 'rollingUpdate'), 'partition', 0);
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  defaultTemplate(spec.template, 'Always');
  for (const claim of list(spec.volumeClaimTemplates)) {
    setDefault(obj(claim, 'metadata'), 'creationTimestamp', null);
    defaultClaim(claim);
  }
}

/** Allocations the server makes once per object (cluster IPs, node ports). */
export interface Allocator {
  clusterIP(): string;
  nodePort(): number;
}

function defaultService(service: Obj, old: K8sObject | undefined, allocate: Allocator): void {
  const spec = obj(service, 'spec');
  const oldSpec = isObject(old?.spec) ? old.spec : {};
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (spec.type !== 'ExternalName') {
    setDefault(spec, 'clusterIP', oldSpec.clusterIP ?? allocate.clusterIP());
    setDefault(spec, 'clusterIPs', [spec.clusterIP]);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (external) {
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  }
  const oldPorts = list(oldSpec.ports);
  for (const port of list(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
    if (external) setDefault(port, 'nodePort', oldPorts.find((p) => p.port === port.port)?.nodePort ?? allocate.nodePort());
  }
}

function defaultJob(job: Obj, uid: string | undefined): void {
  const spec = obj(job, 'spec');
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  const name = isObject(job.metadata) ? String(job.metadata.name) : '';
  if (uid && spec.selector === undefined && spec.manualSelector !== true) {
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const template = obj(spec, 'template');
    const metadata = obj(template, 'metadata');
    metadata.labels = {
      ...(isObject(metadata.labels) ? metadata.labels : {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
  }
  defaultTemplate(spec.template, undefined);
}

function defaultCronJob(cron: Obj): void {
  const spec = obj(cron, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = obj(obj(spec, 'jobTemplate'), 'spec');
  defaultTemplate(jobSpec.template, undefined);
}

function defaultSecret(secret: Obj): void {
  setDefault(secret, 'type', 'Opaque');
  if (isObject(secret.stringData)) {
    const data = obj(secret, 'data');
    for (const [key, value] of Object.entries(secret.stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    delete secret.stringData;
  }
}

/**
 * Applies the modelled server defaults and normalizations to an object being written (mutates it).
 * `old` is the stored object on an update: its allocations (cluster IP, node ports) are kept.
 */
export function applyServerDefaults(object: K8sObject, old: K8sObject | undefined, allocate: Allocator): void {
  const o = object as Obj;
  switch (`${object.kind}.${object.apiVersion}`) {
    case 'StatefulSet.apps/v1':
      return defaultStatefulSet(o);
    case 'Service.v1':
      return defaultService(o, old, allocate);
    case 'Pod.v1':
      return defaultPodSpec(obj(o, 'spec'), 'Always');
    case 'PersistentVolumeClaim.v1':
      return defaultClaim(o);
    case 'Job.batch/v1':
      return defaultJob(o, object.metadata.uid);
    case 'CronJob.batch/v1':
      return defaultCronJob(o);
    case 'Secret.v1':
      return defaultSecret(o);
    case 'Deployment.apps/v1': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      return defaultTemplate(spec.template, 'Always');
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;
const DNS_LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/u;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/u;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/u;

function labelKeyError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `prefix ${JSON.stringify(prefix)} must be a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `name part ${JSON.stringify(name)} must be at most 63 alphanumeric, '-', '_' or '.' characters`;
  return undefined;
}

/** Field errors of an object as the API server validates it on create and update (a modelled subset). */
export function validateObject(object: K8sObject): string[] {
  const errors: string[] = [];
  const { name, labels, annotations } = object.metadata;
  if (object.kind === 'Service') {
    if (name.length > 63 || !DNS_LABEL_1035.test(name)) errors.push(`metadata.name: Invalid value: ${JSON.stringify(name)}: a DNS-1035 label must be at most 63 lower-case alphanumeric characters or '-', starting with a letter`);
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    errors.push(`metadata.name: Invalid value: ${JSON.stringify(name)}: a DNS-1123 subdomain must be lower-case alphanumeric characters, '-' or '.'`);
  }
  const checkLabels = (path: string, map: unknown) => {
    if (map === undefined) return;
    if (!isObject(map)) return errors.push(`${path}: Invalid value: must be a map of strings`);
    for (const [key, value] of Object.entries(map)) {
      const keyError = labelKeyError(key);
      if (keyError) errors.push(`${path}: Invalid value: ${JSON.stringify(key)}: ${keyError}`);
      if (typeof value !== 'string') errors.push(`${path}.${key}: Invalid value: label values must be strings`);
      else if (value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`${path}.${key}: Invalid value: ${JSON.stringify(value)}: must be at most 63 alphanumeric, '-', '_' or '.' characters, starting and ending alphanumeric`);
    }
    return undefined;
  };
  checkLabels('metadata.labels', labels);
  if (annotations !== undefined) {
    if (!isObject(annotations) || Object.values(annotations).some((v) => typeof v !== 'string')) errors.push('metadata.annotations: Invalid value: annotation values must be strings');
    else if (Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0) > 256 * 1024) errors.push('metadata.annotations: Too long: must have at most 262144 bytes');
  }
  const o = object as Obj;
  const spec = isObject(o.spec) ? o.spec : {};
  if (object.kind === 'StatefulSet' || object.kind === 'Deployment') {
    const template = isObject(spec.template) ? spec.template : {};
    checkLabels('spec.template.metadata.labels', isObject(template.metadata) ? template.metadata.labels : undefined);
    const selector = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
    const podLabels = isObject(template.metadata) && isObject(template.metadata.labels) ? template.metadata.labels : {};
    for (const [key, value] of Object.entries(selector)) {
      if (podLabels[key] !== value) errors.push(`spec.template.metadata.labels: Invalid value: selector does not match template labels (${key}=${String(value)})`);
    }
  }
  if (object.kind === 'Job' && object.apiVersion === 'batch/v1') {
    const template = isObject(spec.template) ? spec.template : {};
    const restart = isObject(template.spec) ? template.spec.restartPolicy : undefined;
    if (restart !== 'OnFailure' && restart !== 'Never') errors.push(`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
  }
  if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
    const size = JSON.stringify(o.data ?? {}).length + JSON.stringify(o.binaryData ?? {}).length;
    if (size > 1024 * 1024) errors.push(`data: Too long: must have at most 1048576 bytes`);
  }
  return errors;
}

const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit']);

function without(map: unknown, keys: ReadonlySet<string>): Obj {
  return isObject(map) ? Object.fromEntries(Object.entries(map).filter(([k]) => !keys.has(k))) : {};
}

/**
 * Field errors of an update from `old` to `next` (both defaulted): the immutable fields of the
 * kinds modelled here (StatefulSet spec outside the mutable fields, Service clusterIP, Job selector
 * and template, PVC spec outside resources.requests).
 */
export function validateUpdate(old: K8sObject, next: K8sObject, equal: (a: unknown, b: unknown) => boolean): string[] {
  const before = old as Obj;
  const after = next as Obj;
  const a = isObject(before.spec) ? before.spec : {};
  const b = isObject(after.spec) ? after.spec : {};
  switch (`${next.kind}.${next.apiVersion}`) {
    case 'StatefulSet.apps/v1':
      return equal(without(a, STATEFULSET_MUTABLE), without(b, STATEFULSET_MUTABLE))
        ? []
        : [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ];
    case 'Service.v1':
      return a.clusterIP !== undefined && a.clusterIP !== '' && !equal(a.clusterIP, b.clusterIP) ? ['spec.clusterIPs[0]: Invalid value: field is immutable'] : [];
    case 'Job.batch/v1':
      return equal(a.selector, b.selector) && equal(a.template, b.template) ? [] : ['spec.template: Invalid value: field is immutable'];
    case 'PersistentVolumeClaim.v1': {
      const strip = (spec: Obj) => ({ ...spec, resources: isObject(spec.resources) ? { ...spec.resources, requests: undefined } : undefined, volumeName: undefined });
      return equal(strip(a), strip(b)) ? [] : ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'];
    }
    default:
      return [];
  }
}
