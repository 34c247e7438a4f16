/**
 * Every Neo4jPlugin of the operator's examples, through the plugin hook and through its target's
 * hook: against the cluster or standalone of that name in the same file when there is one, else a
 * Ready 5.26 cluster (`my-cluster`) or standalone (`my-standalone`, as the example's comment says).
 * Each one is installed (phase Installing: the target has yet to roll it out) or fails clearly; its
 * target renders valid children either way, with a warning naming a plugin it does not install.
 * Then all of plugins/*.yaml at once on `my-cluster`, as a user applying the folder would.
 */
import { describe, expect, it } from 'vitest';
import { preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { HAS_SHARED, operatorExamples, type ExampleDoc } from '../support/shared.js';
import { schemaError } from '../support/k8s-schemas.js';

type Obj = Record<string, any>;

/** Verdict of each example alone, with the start of its message when it fails. */
const EXPECTED: Record<string, { phase: 'Installing' | 'Failed'; message?: string }> = {
  'end-to-end/complete-deployment.yaml#8': { phase: 'Installing' },
  'plugins/apoc-plugin-example.yaml#0': { phase: 'Installing' },
  'plugins/bloom-plugin-example.yaml#0': { phase: 'Installing' },
  'plugins/cluster-plugin-example.yaml#0': { phase: 'Installing' },
  'plugins/gds-plugin-example.yaml#0': { phase: 'Installing' },
  // GenAI is versioned with Neo4j: 1.0.0 is below the 5.26 line's 5.26.0.
  'plugins/genai-plugin-example.yaml#0': { phase: 'Failed', message: 'spec.version "1.0.0" is below the minimum version 5.26.0 of genai' },
  'plugins/standalone-plugin-example.yaml#0': {
    phase: 'Failed',
    message: 'Validation failed: spec.security.securityPolicy "restricted" is not one of strict, moderate, permissive',
  },
  'standalone/loadbalancer-standalone.yaml#2': { phase: 'Installing' },
};

const TARGET_KINDS = ['Neo4jEnterpriseCluster', 'Neo4jEnterpriseStandalone'];
const now = new Date('2026-01-01T00:00:00Z');

function namespaced(doc: Obj): K8sObject {
  return { ...doc, metadata: { ...doc.metadata, namespace: doc.metadata?.namespace ?? 'default' } } as K8sObject;
}

const READY_CLUSTER = { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }, { type: 'Progressing', status: 'False' }] };

/** The example's target: from its file, else a Ready 5.26 cluster or standalone of that name. */
function targetFor(example: ExampleDoc, all: ExampleDoc[]): K8sObject {
  const file = example.id.split('#')[0]!;
  const ref = String((example.doc.spec as Obj).clusterRef);
  const namespace = (example.doc.metadata as Obj).namespace ?? 'default';
  const inFile = all.find((d) => d.id.startsWith(`${file}#`) && TARGET_KINDS.includes(String(d.doc.kind)) && (d.doc.metadata as Obj).name === ref);
  const standalone = inFile ? inFile.doc.kind === 'Neo4jEnterpriseStandalone' : ref.includes('standalone');
  const doc = inFile?.doc ?? {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: standalone ? 'Neo4jEnterpriseStandalone' : 'Neo4jEnterpriseCluster',
    metadata: { name: ref },
    spec: { image: { repo: 'neo4j', tag: '5.26.0-enterprise' }, ...(standalone ? {} : { topology: { servers: 3 } }), storage: { className: 'standard', size: '10Gi' } },
  };
  return { ...namespaced({ ...doc, metadata: { ...(doc.metadata as Obj), namespace } }), status: standalone ? { ...READY_CLUSTER, ready: true } : READY_CLUSTER };
}

/** The target's hook with these plugins: valid children, not Failed because of them. */
function renderTarget(target: K8sObject, plugins: K8sObject[]) {
  const { status: _status, ...spec } = target;
  const { response } = preview(spec, plugins, { now });
  for (const child of response.children) expect(schemaError(child)).toBeUndefined();
  return response;
}

describe.skipIf(!HAS_SHARED)('operator Neo4jPlugin examples', () => {
  const all = operatorExamples();
  const plugins = all.filter((d) => d.doc.kind === 'Neo4jPlugin');

  it('covers the 8 Neo4jPlugin documents of the corpus', () => {
    expect(plugins.map((d) => d.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const example of plugins) {
    it(`${example.id} is installed or fails clearly, and its target renders either way`, () => {
      const target = targetFor(example, all);
      const { response } = preview(example.doc, [target], { now });
      const status = response.status as Obj;
      const expected = EXPECTED[example.id]!;
      expect(status.phase, JSON.stringify(status)).toBe(expected.phase);
      if (expected.message) expect(status.message).toBe(expected.message);
      expect(response.children).toEqual([]);

      const rendered = renderTarget(target, [namespaced(example.doc)]);
      const targetStatus = rendered.status as Obj;
      expect(targetStatus.phase).not.toBe('Failed');
      const env = (rendered.children.find((c) => c.kind === 'StatefulSet') as Obj).spec.template.spec.containers[0].env as Obj[];
      const plugins = env.find((e) => e.name === 'NEO4J_PLUGINS');
      const name = (example.doc.metadata as Obj).name;
      if (expected.phase === 'Installing') {
        expect(plugins, `${example.id}: NEO4J_PLUGINS`).toBeDefined();
      } else {
        expect(plugins).toBeUndefined();
        expect(targetStatus.warnings).toContainEqual(expect.stringMatching(new RegExp(`^Neo4jPlugin ${name} is not installed: `, 'u')));
      }
    });
  }

  it('plugins/*.yaml at once on my-cluster: APOC (the older name wins the duplicate), Bloom and GDS merged; GenAI left out', () => {
    const folder = plugins.filter((d) => d.id.startsWith('plugins/') && (d.doc.spec as Obj).clusterRef === 'my-cluster');
    const target = targetFor(folder[0]!, all);
    const objects = folder.map((d) => namespaced(d.doc));
    const rendered = renderTarget(target, objects);
    const template = (rendered.children.find((c) => c.kind === 'StatefulSet') as Obj).spec.template;
    expect(template.spec.containers[0].env.find((e: Obj) => e.name === 'NEO4J_PLUGINS').value).toBe('["apoc","bloom","graph-data-science"]');
    expect(template.metadata.annotations['neo4j.neo4j.com/plugins']).toMatch(/^apoc-plugin=apoc:[0-9a-f]{16},bloom-plugin=bloom:[0-9a-f]{16},gds-plugin=graph-data-science:[0-9a-f]{16}$/u);
    const conf = (rendered.children.find((c) => c.kind === 'ConfigMap') as Obj).data['neo4j.conf'] as string;
    expect(conf).toContain('dbms.security.procedures.unrestricted=apoc.*,bloom.*,gds.*\n');
    expect(conf).toContain('dbms.security.procedures.allowlist=apoc.convert.*,apoc.export.*,apoc.import.*,apoc.load.*,apoc.math.*,bloom.*,gds.*\n');
    expect(conf).toContain('dbms.security.http_auth_allowlist=/,/bloom.*,/browser.*\n');
    expect(conf).toContain('server.unmanaged_extension_classes=com.neo4j.bloom.server=/bloom\n');
    expect((rendered.status as Obj).warnings).toEqual([
      expect.stringMatching(/^Neo4jPlugin cluster-apoc-plugin is not installed: duplicate: Neo4jPlugin apoc-plugin/u),
      expect.stringMatching(/^Neo4jPlugin genai-plugin is not installed: spec.version "1.0.0" is below/u),
    ]);
    const verdicts = Object.fromEntries(folder.map((d) => [(d.doc.metadata as Obj).name, (preview(d.doc, [target, ...objects], { now }).response.status as Obj).phase]));
    expect(verdicts).toEqual({ 'apoc-plugin': 'Installing', 'bloom-plugin': 'Installing', 'cluster-apoc-plugin': 'Failed', 'gds-plugin': 'Installing', 'genai-plugin': 'Failed' });
  });
});
