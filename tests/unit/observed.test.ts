import { describe, expect, it } from 'vitest';
import { findObserved, listObserved } from '../../lib/k8s/observed.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import type { K8sObject } from '../../lib/k8s/object.js';

const cm = (name: string, namespace = 'ns'): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

describe('observed lookups', () => {
  const v1 = { 'ConfigMap.v1': { b: cm('b'), a: cm('a') } };
  const v2 = { 'ConfigMap.v1': { 'ns/b': cm('b'), 'ns/a': cm('a'), 'other/a': cm('a', 'other') } };

  it('finds an object by kind and name in both key formats', () => {
    expect(findObserved(v1, 'ConfigMap', 'v1', 'a')?.metadata.name).toBe('a');
    expect(findObserved(v2, 'ConfigMap', 'v1', 'a', 'other')?.metadata.namespace).toBe('other');
    expect(findObserved(v2, 'ConfigMap', 'v1', 'a', 'ns')?.metadata.namespace).toBe('ns');
  });

  it('ignores map keys entirely (a key that lies does not matter)', () => {
    expect(findObserved({ 'ConfigMap.v1': { 'ns/zzz': cm('a') } }, 'ConfigMap', 'v1', 'a')?.metadata.name).toBe('a');
    expect(findObserved({ 'ConfigMap.v1': { a: cm('zzz') } }, 'ConfigMap', 'v1', 'a')).toBeUndefined();
  });

  it('treats a missing map, a missing type and a null type as nothing observed', () => {
    expect(listObserved(undefined, 'ConfigMap', 'v1')).toEqual([]);
    expect(listObserved({}, 'ConfigMap', 'v1')).toEqual([]);
    expect(listObserved({ 'ConfigMap.v1': null }, 'ConfigMap', 'v1')).toEqual([]);
  });

  it('lists in namespace/name order whatever the map order', () => {
    expect(listObserved(v2, 'ConfigMap', 'v1').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ns/a', 'ns/b', 'other/a']);
  });

  it('does not confuse kinds or versions', () => {
    expect(findObserved(v1, 'ConfigMap', 'v2', 'a')).toBeUndefined();
    expect(findObserved(v1, 'Secret', 'v1', 'a')).toBeUndefined();
  });
});

describe('buildSyncRequest', () => {
  const reconciler = {
    children: [{ apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' }],
    related: [{ apiVersion: 'v1', kind: 'Secret', resource: 'secrets' }],
    kind: { plural: 'x' },
  } as unknown as Reconciler;
  const parent = cm('p');

  it('gives every declared type an entry and sorts objects into children and related', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' } };
    const body = buildSyncRequest(reconciler, parent, [cm('a'), secret]);
    expect(body.children).toEqual({ 'ConfigMap.v1': { 'ns/a': cm('a') } });
    expect(body.related).toEqual({ 'Secret.v1': { 'ns/s': secret } });
    expect(buildSyncRequest(reconciler, parent, []).children).toEqual({ 'ConfigMap.v1': {} });
  });

  it('keys by name in hook API v1', () => {
    expect(buildSyncRequest(reconciler, parent, [cm('a')], { keyFormat: 'v1' }).children).toEqual({ 'ConfigMap.v1': { a: cm('a') } });
  });
});
