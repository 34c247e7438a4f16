/**
 * The simulator's model of Metacontroller's dynamic apply (metacontroller.md §3.2) and of the API
 * server's canonical quantities: the behaviours scenario tests rely on.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { canonicalQuantity } from './apiserver.js';
import { detectListMapKey, LAST_APPLIED_ANNOTATION, MergeError, objectToCreate, objectToUpdate, threeWayMerge } from './apply.js';

const parent = { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jEnterpriseCluster', metadata: { name: 'graph', uid: 'p-1' } };

function configMap(data: Record<string, string>, extra: Partial<K8sObject['metadata']> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', ...extra }, data };
}

/** What the store would hold after Metacontroller created `desired`. */
function stored(desired: K8sObject): K8sObject {
  const created = objectToCreate(desired, parent);
  return { ...created, metadata: { ...created.metadata, uid: 'u-1', resourceVersion: '7', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' } };
}

describe('create', () => {
  it('records the desired object as sorted-key JSON and adds the controller reference', () => {
    const created = objectToCreate(configMap({ b: '2', a: '1' }, { labels: { z: '1', a: '2' } }), parent);
    expect(created.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(
      '{"apiVersion":"v1","data":{"a":"1","b":"2"},"kind":"ConfigMap","metadata":{"labels":{"a":"2","z":"1"},"name":"c","namespace":"ns"}}',
    );
    expect(created.metadata.ownerReferences).toEqual([{ apiVersion: parent.apiVersion, kind: parent.kind, name: 'graph', uid: 'p-1', controller: true, blockOwnerDeletion: true }]);
  });

  it('does not nest a last-applied annotation the hook supplied', () => {
    const created = objectToCreate(configMap({}, { annotations: { [LAST_APPLIED_ANNOTATION]: 'junk', keep: 'x' } }), parent);
    expect(JSON.parse(created.metadata.annotations![LAST_APPLIED_ANNOTATION]!).metadata.annotations).toEqual({ keep: 'x' });
  });
});

describe('3-way merge', () => {
  it('keeps fields it never applied, deletes fields it no longer wants, takes desired values', () => {
    const merged = threeWayMerge({ a: 1, b: 2, server: 'x', nested: { keep: true, drop: 1, set: 1 } }, { a: 1, b: 2, nested: { drop: 1, set: 1 } }, { a: 3, nested: { set: 2 } });
    expect(merged).toEqual({ a: 3, server: 'x', nested: { keep: true, set: 2 } });
  });

  it('merges a list of objects by its first common key, keeping existing order and appending new items', () => {
    const observed = { ports: [{ name: 'http', port: 80, nodePort: 30001 }, { name: 'bolt', port: 7687, nodePort: 30002 }] };
    const merged = threeWayMerge(observed, { ports: [{ name: 'http', port: 80 }, { name: 'bolt', port: 7687 }] }, { ports: [{ name: 'backup', port: 6362 }, { name: 'bolt', port: 7687 }, { name: 'http', port: 8080 }] });
    // `port` precedes `name`: http:80 is gone, http:8080 is new.
    expect(merged.ports).toEqual([{ name: 'bolt', port: 7687, nodePort: 30002 }, { name: 'backup', port: 6362 }, { name: 'http', port: 8080 }]);
  });

  it('detects the key over all three lists, in the documented precedence', () => {
    expect(detectListMapKey([{ name: 'a', containerPort: 1 }], [{ name: 'a', containerPort: 1 }])).toBe('containerPort');
    expect(detectListMapKey([{ name: 'a', mountPath: '/x' }], [{ name: 'b' }])).toBe('name');
    expect(detectListMapKey([{ key: 'a' }])).toBeUndefined();
    expect(detectListMapKey(['a'])).toBeUndefined();
    expect(detectListMapKey([], [])).toBeUndefined();
  });

  it('replaces scalar lists and lists of objects without a common key', () => {
    expect(threeWayMerge({ args: ['a', 'b'] }, { args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
    const templates = [{ metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
    expect(threeWayMerge({ vct: templates }, { vct: [{ metadata: { name: 'data' }, spec: {} }] }, { vct: [{ metadata: { name: 'data' }, spec: {} }] })).toEqual({
      vct: [{ metadata: { name: 'data' }, spec: {} }],
    });
  });

  it('fails on a type mismatch', () => {
    expect(() => threeWayMerge({ a: { b: 1 } }, {}, { a: 'x' })).toThrow(MergeError);
  });
});

describe('update', () => {
  it('is a no-op for an unchanged desired object', () => {
    const desired = configMap({ a: '1' });
    const observed = stored(desired);
    expect(objectToUpdate(observed, desired)).toEqual(observed);
  });

  it('reverts system metadata and status to the observed values', () => {
    const observed = { ...stored(configMap({ a: '1' })), status: { seen: true } };
    const desired = { ...configMap({ a: '2' }), status: { mine: true }, metadata: { name: 'c', namespace: 'ns', uid: 'other', resourceVersion: '1' } };
    const merged = objectToUpdate(observed, desired);
    expect(merged.data).toEqual({ a: '2' });
    expect(merged.status).toEqual({ seen: true });
    expect(merged.metadata).toMatchObject({ uid: 'u-1', resourceVersion: '7', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(merged.metadata.ownerReferences).toEqual(observed.metadata.ownerReferences);
  });

  it('removes a label the hook stopped sending but keeps labels others added', () => {
    const observed = stored(configMap({}, { labels: { mine: '1', other: '1' } }));
    observed.metadata.labels = { ...observed.metadata.labels, theirs: '2' };
    expect(objectToUpdate(observed, configMap({}, { labels: { other: '1' } })).metadata.labels).toEqual({ other: '1', theirs: '2' });
    // A whole map the hook stopped sending goes, with what others added to it.
    expect(objectToUpdate(observed, configMap({})).metadata.labels).toBeUndefined();
  });
});

describe('canonical quantities', () => {
  it.each([
    ['1000m', '1'],
    ['500m', '500m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['2', '2'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['2Gi', '2Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['512', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0', '0'],
    ['100Mi', '100Mi'],
  ])('%s is stored as %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it('leaves non-quantities alone', () => {
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});
