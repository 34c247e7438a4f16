/**
 * Untrusted input handled at its source (these were once pinned as `it.fails` known gaps):
 * core/v1 content copied into pods (affinity, env valueFrom, tolerations) is modelled in the CRD
 * schemas; the hook's admission prunes fields the schema does not know before a reconciler sees
 * them (so nothing of any depth is copied into a child) and counts properties as the API server
 * does; user-written keys and units are never looked up among Object.prototype's members.
 */
import { describe, expect, it } from 'vitest';
import { admissionErrors, admit, admitForHook } from '../../lib/crd/admission.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import type { JsonSchema } from '../../lib/crd/structural.js';
import { preview } from '../../lib/hook/preview.js';
import { parseGoDuration } from '../../lib/k8s/duration.js';
import { parseQuantity, QuantityError } from '../../lib/k8s/quantity.js';
import { clusterKind, restoreKind, standaloneKind, type KindDefinition } from '../../lib/schemas/index.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'];

type Obj = Record<string, unknown>;

const schema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        one: {
          type: 'object',
          minProperties: 1,
          maxProperties: 1,
          properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string', default: 'x' } },
        },
        list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string', default: 'n' } } } },
        mode: { type: 'string', default: 'auto' },
      },
    },
  },
};

const cr = (spec: Obj, metadata: Obj = { name: 'x', namespace: 'n' }): Obj => ({ apiVersion: 'g/v1', kind: 'K', metadata, spec });

describe('admission: property counts', () => {
  it('counts properties after pruning and defaulting, as the API server does, in both walks alike', () => {
    const cases: [Obj, string[]][] = [
      [{ one: { a: 'x' } }, ['spec.one: Too many: 2: must have at most 1 items']],
      [{ one: { a: 'x', b: 'y' } }, ['spec.one: Too many: 3: must have at most 1 items']],
      [{ one: { c: 'z' } }, []],
      [{ one: {} }, []],
      [{ one: { c: null, unknown: 1 } }, []],
    ];
    for (const [spec, errors] of cases) {
      expect(admit(schema, cr(spec)).errors, JSON.stringify(spec)).toEqual(errors);
      expect(admissionErrors(schema, cr(spec)), JSON.stringify(spec)).toEqual(errors);
    }
    const noDefault = structuredClone(schema);
    delete ((((noDefault.properties as Obj).spec as Obj).properties as Obj).one as { properties: Obj }).properties.c;
    expect(admissionErrors(noDefault, cr({ one: { unknown: 1 } }))).toEqual(['spec.one: Invalid value: 0: should have at least 1 properties']);
  });

  it('finds no property through Object.prototype: a field named like one of its members is unknown, so pruned', () => {
    for (const key of PROTOTYPE_NAMES) {
      const spec = JSON.parse(`{"mode":"m","${key}":{"a":1}}`) as Obj;
      const { object, errors, pruned } = admit(schema, cr(spec));
      expect(errors, key).toEqual([]);
      expect(pruned, key).toEqual([`spec.${key}`]);
      expect(Object.hasOwn(object.spec as Obj, key), key).toBe(false);
    }
  });
});

describe('admitForHook: what a reconciler is handed', () => {
  it('is the object itself when every field is known, with the errors of admissionErrors', () => {
    const object = cr({ one: { c: 'z' } });
    expect(admitForHook(schema, object)).toEqual({ errors: [], object });
    expect(admitForHook(schema, object).object).toBe(object);
    const bad = cr({ one: { a: 'x', b: 'y' }, unknown: 1 });
    expect(admitForHook(schema, bad)).toEqual({ errors: admissionErrors(schema, bad), object: bad });
  });

  it('drops unknown fields at every level, and applies no default; metadata is kept as is', () => {
    const metadata = { name: 'x', namespace: 'n', labels: { a: 'b' }, extra: { deep: true } };
    const object = cr({ one: { c: 'z', typo: 1 }, list: [{ bogus: { a: 1 } }, { name: 'm' }], unknown: 1 }, metadata);
    const { errors, object: seen } = admitForHook(schema, object);
    expect(errors).toEqual([]);
    expect(seen).toEqual({ apiVersion: 'g/v1', kind: 'K', metadata, spec: { one: { c: 'z' }, list: [{}, { name: 'm' }] } });
    expect(seen.metadata).toBe(metadata);
    // The input is left alone.
    expect((object.spec as Obj).unknown).toBe(1);
  });

  it('copes with unknown content of any depth under a copied field: it is dropped, never walked', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const cluster = openApiSchema(clusterKind);
    const parent = {
      apiVersion: 'neo4j.neo4j.com/v1alpha1',
      kind: 'Neo4jEnterpriseCluster',
      metadata: { name: 'c', namespace: 'n' },
      spec: { image: { repo: 'neo4j', tag: '5.26.0-enterprise' }, topology: { servers: 3 }, storage: { className: 's', size: '1Gi' }, affinity: { nodeAffinity: deep } },
    };
    const { errors, object } = admitForHook(cluster, parent);
    expect(errors).toEqual([]);
    expect((object.spec as Obj).affinity).toEqual({ nodeAffinity: {} });
  });
});

describe('core/v1 content in the CRDs', () => {
  const errorsOf = (kind: KindDefinition, spec: Obj) => admit(openApiSchema(kind), cr(spec)).errors;
  const base = { image: { repo: 'neo4j', tag: '5.26.0-enterprise' }, storage: { className: 's', size: '1Gi' } };
  const clusterBase = { ...base, topology: { servers: 3 } };

  it('has no free-form field left in the cluster, standalone and restore schemas', () => {
    for (const kind of [clusterKind, standaloneKind, restoreKind]) expect(JSON.stringify(openApiSchema(kind))).not.toContain('x-kubernetes-preserve-unknown-fields');
  });

  it('admits every shape of core/v1 Affinity, with nothing pruned', () => {
    const term = { key: 'zone', operator: 'In', values: ['a', 'b'] };
    const selector = { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }, { key: 'gone', operator: 'DoesNotExist' }] };
    const podTerm = { labelSelector: selector, namespaceSelector: {}, namespaces: ['a'], topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'] };
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [term, { key: 'cpu', operator: 'Gt', values: ['4'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [podTerm], preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: podTerm }] },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [podTerm], preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: podTerm }] },
    };
    for (const [kind, spec] of [
      [clusterKind, clusterBase],
      [standaloneKind, base],
    ] as const) {
      const { errors, pruned, object } = admit(openApiSchema(kind), cr({ ...spec, affinity }));
      expect(errors, kind.kind).toEqual([]);
      expect(pruned, kind.kind).toEqual([]);
      expect((object.spec as Obj).affinity, kind.kind).toEqual(affinity);
    }
  });

  it('refuses what the API server would refuse in the pod, naming the field', () => {
    const cases: [Obj, string][] = [
      [{ nodeAffinity: [] }, 'spec.affinity.nodeAffinity: Invalid value: "array"'],
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value'],
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, 'nodeSelectorTerms: Invalid value: 0: should have at least 1 items'],
      [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Equals' }] }] } } }, 'matchExpressions[0].operator: Invalid value: "Equals": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"'],
      [{ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } }, 'weight: Invalid value: 0: should be greater than or equal to 1'],
      [{ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5 }] } }, 'preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm: Required value'],
      [{ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } }, 'topologyKey: Invalid value: "": should be at least 1 chars long'],
      [{ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'z', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Lt', values: ['1'] }] } }] } }, 'labelSelector.matchExpressions[0].operator: Invalid value: "Lt"'],
    ];
    for (const [affinity, message] of cases) {
      const errors = errorsOf(clusterKind, { ...clusterBase, affinity });
      expect(errors.some((e) => e.includes(message)), `${JSON.stringify(affinity)}: ${errors.join('; ')}`).toBe(true);
    }
  });

  it('requires exactly one source in env valueFrom, with its required fields', () => {
    const env = (valueFrom: unknown) => ({ ...base, env: [{ name: 'X', valueFrom }] });
    for (const valueFrom of [
      { secretKeyRef: { name: 's', key: 'k', optional: true } },
      { configMapKeyRef: { name: 'c', key: 'k' } },
      { fieldRef: { fieldPath: 'metadata.name' } },
      { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
    ]) {
      expect(errorsOf(standaloneKind, env(valueFrom)), JSON.stringify(valueFrom)).toEqual([]);
    }
    expect(errorsOf(standaloneKind, env({}))).toEqual(['spec.env[0].valueFrom: Invalid value: 0: should have at least 1 properties']);
    expect(errorsOf(standaloneKind, env({ secretKeyRef: { name: 's', key: 'k' }, fieldRef: { fieldPath: 'metadata.name' } }))).toEqual([
      'spec.env[0].valueFrom: Too many: 2: must have at most 1 items',
    ]);
    expect(errorsOf(standaloneKind, env({ secretKeyRef: { key: 'k' } }))).toEqual(['spec.env[0].valueFrom.secretKeyRef.name: Required value']);
    expect(errorsOf(standaloneKind, env({ secretKeyRef: 'creds' }))).toEqual([
      'spec.env[0].valueFrom.secretKeyRef: Invalid value: "string": spec.env[0].valueFrom.secretKeyRef must be of type object',
    ]);
  });

  it('takes only Kubernetes values for toleration operator and effect', () => {
    expect(errorsOf(clusterKind, { ...clusterBase, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Equal', value: 'v' }] })).toEqual([]);
    expect(errorsOf(clusterKind, { ...clusterBase, tolerations: [{ key: 'k', operator: 'exists', effect: 'NoScheduled' }] })).toEqual([
      'spec.tolerations[0].operator: Invalid value: "exists": supported values: "Equal", "Exists"',
      'spec.tolerations[0].effect: Invalid value: "NoScheduled": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    ]);
  });

  it('a refused spec reaches no reconciler: status Failed with the field, through the hook', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const parent = { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jEnterpriseStandalone', metadata: { name: 's', namespace: 'n' }, spec: { ...base, tolerations: [{ operator: 'Sometimes' }] } };
    expect(() => preview(parent, [], { now })).toThrow('spec.tolerations[0].operator');
  });
});

describe('user-written keys and units are never looked up among Object.prototype members', () => {
  it('durations: a prototype name as the unit is no unit (undefined, never a TypeError)', () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(parseGoDuration(`1${name}`), name).toBeUndefined();
      expect(parseGoDuration(`1h5${name}`), name).toBeUndefined();
    }
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
  });

  it('quantities: a prototype name as the suffix is a QuantityError (never a RangeError)', () => {
    for (const name of PROTOTYPE_NAMES) expect(() => parseQuantity(`1${name}`), name).toThrow(QuantityError);
    expect(parseQuantity('1Ki')).toBe(1024);
  });

  it('database seedConfig.config: a prototype-named key is an unknown key (a warning), not a 500', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const cluster = {
      apiVersion: 'neo4j.neo4j.com/v1alpha1',
      kind: 'Neo4jEnterpriseCluster',
      metadata: { name: 'prod', namespace: 'ns' },
      spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, topology: { servers: 3 }, storage: { className: 's', size: '1Gi' } },
      status: { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    for (const key of PROTOTYPE_NAMES.filter((k) => k !== '__proto__')) {
      const database = {
        apiVersion: 'neo4j.neo4j.com/v1alpha1',
        kind: 'Neo4jDatabase',
        metadata: { name: 'orders', namespace: 'ns', uid: 'u', generation: 1 },
        spec: { clusterRef: 'prod', name: 'orders', seedURI: 's3://b/x.backup', seedConfig: { config: JSON.parse(`{"${key}":"gzip"}`) as Obj } },
      };
      const { status } = preview(database, [cluster], { now }).response;
      expect(status.warnings, key).toContain(`unknown seedConfig.config key "${key}" is passed to Neo4j unchanged`);
    }
  });
});
