/**
 * Representative hook requests for the benchmarks, built from the golden fixtures (the same
 * inputs the tests check) and from a generated large cluster.
 */
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { preview } from '../../lib/hook/preview.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { reconcilerForKind } from '../../lib/registry.js';
import type { SyncRequestBody } from '../../lib/schemas/envelope.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { asObserved } from '../support/applied.js';
import { loadCases } from '../support/fixtures.js';

/** One benchmark input. */
export interface BenchInput {
  label: string;
  plural: string;
  body: SyncRequestBody;
}

const now = new Date('2026-01-01T00:00:00Z');

/** A sync request for `parent` with its own children observed as applied (a steady-state resync). */
function steadyState(parent: unknown, extra: K8sObject[] = []): SyncRequestBody {
  const first = preview(parent, extra, { now });
  const reconciler = reconcilerForKind(first.parent.kind)!;
  const observed = first.response.children.map((c, i) => asObserved(c, first.parent, i));
  return buildSyncRequest(reconciler, { ...first.parent, status: first.response.status }, [...observed, ...extra]);
}

/** A Neo4jPlugin for the generated large cluster, as Metacontroller sends a related object. */
function plugin(name: string, version: string, config: Record<string, string>): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jPlugin',
    metadata: { name, namespace: 'shop', uid: `00000000-0000-4000-a000-${name.length.toString().padStart(12, '0')}`, generation: 1, creationTimestamp: '2025-12-31T00:00:00Z' },
    spec: { clusterRef: 'big', name, version, config },
  } as K8sObject;
}

function fixtureParent(plural: string, name: string): unknown | undefined {
  const path = join(new URL('../../fixtures', import.meta.url).pathname, plural, name, 'parent.yaml');
  return existsSync(path) ? parse(readFileSync(path, 'utf8')) : undefined;
}

/** The inputs available with the reconcilers registered today. */
export function benchInputs(): BenchInput[] {
  const inputs: BenchInput[] = [];
  const cluster3 = fixtureParent('neo4jenterpriseclusters', 'three-servers-2025')!;
  inputs.push({ label: 'cluster, 3 servers, steady state', plural: 'neo4jenterpriseclusters', body: steadyState(cluster3) });
  const big = structuredClone(cluster3) as { metadata: { name: string }; spec: Record<string, unknown> };
  big.metadata.name = 'big';
  big.spec.topology = { servers: 20 };
  big.spec.tls = { mode: 'cert-manager', issuerRef: { name: 'ca-issuer', kind: 'ClusterIssuer' } };
  big.spec.resources = { limits: { cpu: '8', memory: '32Gi' }, requests: { cpu: '4', memory: '32Gi' } };
  big.spec.config = { 'db.transaction.timeout': '60s', 'db.lock.acquisition.timeout': '30s', 'dbms.security.procedures.unrestricted': 'apoc.*,gds.*' };
  inputs.push({ label: 'cluster, 20 servers, TLS, 2 plugins, steady state', plural: 'neo4jenterpriseclusters', body: steadyState(big, [plugin('apoc', '2025.06.0', { 'apoc.export.file.enabled': 'true' }), plugin('graph-data-science', '2.20.0', { 'gds.arrow.enabled': 'true' })]) });
  for (const c of loadCases()) {
    if (c.plural === 'neo4jenterpriseclusters') continue;
    if (inputs.some((i) => i.plural === c.plural)) continue;
    try {
      const { parent } = preview(c.parent, c.observed, { now: c.now });
      const reconciler = reconcilerForKind(parent.kind)!;
      inputs.push({ label: `${parent.kind} (${c.name})`, plural: c.plural, body: buildSyncRequest(reconciler, parent, c.observed) });
    } catch {
      // A kind whose fixture cannot be previewed here is simply not benchmarked.
    }
  }
  return inputs;
}
