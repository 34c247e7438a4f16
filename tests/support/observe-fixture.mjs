// Makes observed.yaml for a golden case: the children the hooks render for <parent.yaml>, as
// Metacontroller would observe them after applying (server fields, last-applied annotation) with a
// StatefulSet status of <ready> ready servers. Run `npm run build` first.
// usage: node tests/support/observe-fixture.mjs <parent.yaml> <ready> [updated] > observed.yaml
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { preview } from '../../dist/lib/hook/preview.js';
const [file, readyArg, updatedArg] = process.argv.slice(2);
const parent = parse(readFileSync(file, 'utf8'));
const { response, parent: admitted } = preview(parent, [], { now: new Date('2025-12-31T00:00:00Z') });
const ready = Number(readyArg ?? 0);
const out = response.children.map((child, i) => {
  const o = structuredClone(child);
  o.metadata = { ...o.metadata, uid: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, resourceVersion: String(500 + i), generation: 1, creationTimestamp: '2025-12-31T00:00:00Z',
    labels: { ...o.metadata.labels, 'controller-uid': admitted.metadata.uid },
    annotations: { ...o.metadata.annotations, 'metacontroller.k8s.io/last-applied-configuration': JSON.stringify(child) },
    ownerReferences: [{ apiVersion: admitted.apiVersion, kind: admitted.kind, name: admitted.metadata.name, uid: admitted.metadata.uid, controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'metacontroller', operation: 'Update', apiVersion: child.apiVersion }] };
  if (child.kind === 'StatefulSet') {
    const n = child.spec.replicas;
    o.status = { observedGeneration: 1, replicas: n, readyReplicas: ready, currentReplicas: n, updatedReplicas: Number(updatedArg ?? n), availableReplicas: ready, currentRevision: `${child.metadata.name}-7d9f8c6b5`, updateRevision: `${child.metadata.name}-7d9f8c6b5`, collisionCount: 0 };
  }
  if (child.kind === 'Service') o.spec = { ...o.spec, clusterIPs: [o.spec.clusterIP ?? `10.96.0.${10 + i}`], clusterIP: o.spec.clusterIP ?? `10.96.0.${10 + i}`, ipFamilies: ['IPv4'], sessionAffinity: 'None' };
  return o;
});
process.stdout.write(out.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''));
