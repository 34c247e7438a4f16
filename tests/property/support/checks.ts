/**
 * Assertions on one hook answer, shared by the property files: the response contract of a 200
 * (exact keys, children complete, namespaced, declared, schema-valid), and the error contract of
 * anything else (a JSON `message`).
 */
import { expect } from 'vitest';
import { isRecord, type K8sObject } from '../../../lib/k8s/object.js';
import { schemaError } from '../../support/k8s-schemas.js';
import type { Answer, KindContext } from './kinds.js';
import type { Prepared } from './candidates.js';
import { describeCall } from './candidates.js';

const RESPONSE_KEYS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);

/** Checks a 200 answer of sync, finalize or customize against the contract (child schemas unless told not to). */
export function checkOk(ctx: KindContext, call: Prepared, answer: Answer, options: { childSchemas?: boolean } = {}): void {
  const where = describeCall(call);
  if (call.candidate.hook === 'customize') {
    expect(Object.keys(answer.body), where).toEqual(['relatedResources']);
    expect(Array.isArray(answer.body.relatedResources), where).toBe(true);
    for (const rule of answer.body.relatedResources as unknown[]) {
      expect(isRecord(rule) && typeof rule.apiVersion === 'string' && typeof rule.resource === 'string', `${where}: ${JSON.stringify(rule)}`).toBe(true);
    }
    return;
  }
  const body = answer.body;
  expect(Object.keys(body).every((k) => RESPONSE_KEYS.has(k)), `${where}: keys ${Object.keys(body).join(',')}`).toBe(true);
  expect(isRecord(body.status), where).toBe(true);
  expect(Array.isArray(body.children), where).toBe(true);
  if (call.candidate.hook !== 'finalize') expect(body.finalized, where).toBeUndefined();
  const namespace = call.parent.metadata.namespace;
  const declared = new Set(ctx.reconciler.children.map((c) => `${c.kind}.${c.apiVersion}`));
  for (const child of body.children as K8sObject[]) {
    const id = `${where}: ${child.kind} ${child.metadata?.name}`;
    expect(child.metadata.namespace, id).toBe(namespace);
    expect(declared.has(`${child.kind}.${child.apiVersion}`), id).toBe(true);
    if (options.childSchemas !== false) expect(schemaError(child), id).toBeUndefined();
  }
}

/** Checks a non-200 answer: a client or server error code with a JSON message. */
export function checkError(call: Prepared, answer: Answer): void {
  const where = describeCall(call);
  expect(answer.statusCode >= 400 && answer.statusCode < 600, `${where}: ${answer.statusCode}`).toBe(true);
  expect(typeof answer.body.message, `${where}: ${answer.text.slice(0, 200)}`).toBe('string');
}
