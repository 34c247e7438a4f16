/**
 * `kubectl kustomize` of the base with every combination of the four components (2^4 = 16
 * builds): each object valid, the references between objects intact, and each component doing
 * exactly its job. Also the recipes the README gives (image override, own token), and the
 * integration mechanism with a reconciler that declares integration children.
 *
 * Needs kubectl with kustomize v4 or later; without it the builds are skipped with a message (the
 * objects themselves are still checked by deploy.test.ts and controllers.test.ts), unless
 * REQUIRE_KUBECTL=1 makes that a failure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { Type } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentFiles, controllerFiles, readYamlDocuments } from '../../hooks/commands.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { childResourceRule, controllerName, endpointHost, type CompositeController } from '../../lib/manifests/controllers.js';
import { INTEGRATIONS, type Integration } from '../../lib/manifests/components.js';
import { RECONCILERS } from '../../lib/registry.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { ROOT } from '../support/fixtures.js';
import { manifestErrors } from './validate.js';

const MANIFESTS = join(ROOT, 'manifests');
const COMPONENTS = [...INTEGRATIONS, 'hook-token'] as const;
type Component = (typeof COMPONENTS)[number];

/** Why the builds cannot run here, or undefined when they can. */
function kustomizeUnavailable(): string | undefined {
  const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return 'kubectl is not installed';
  const version = (JSON.parse(result.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  const major = Number(/^v?(\d+)/u.exec(version)?.[1] ?? 0);
  return major >= 4 ? undefined : `kubectl's kustomize is ${version || 'unknown'}; components need v4 or later`;
}
const unavailable = kustomizeUnavailable();
if (unavailable) console.warn(`tests/manifests/kustomize.test.ts: SKIPPED (${unavailable}); install kubectl to build the kustomizations`);

const run = promisify(execFile);
const workspace = mkdtempSync(join(tmpdir(), 'neo4j-hooks-kustomize-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Writes an overlay at `dir` (kustomize wants relative paths) and returns its build. */
async function build(dir: string, kustomization: Record<string, unknown>): Promise<K8sObject[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
  return readYamlDocuments(stdout, dir) as K8sObject[];
}

function overlay(name: string, components: readonly string[], extra: Record<string, unknown> = {}) {
  const dir = join(workspace, name);
  return build(dir, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [relative(dir, MANIFESTS)],
    components: components.map((c) => (c.includes('/') ? c : relative(dir, join(MANIFESTS, 'components', c)))),
    ...extra,
  });
}

const combinations: Component[][] = Array.from({ length: 2 ** COMPONENTS.length }, (_, mask) =>
  COMPONENTS.filter((_c, i) => mask & (2 ** i)),
);

const byKind = <T>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as (T & K8sObject)[];

/** The child rules a controller must have when `enabled` integrations are switched on. */
function expectedChildren(reconciler: Reconciler, enabled: readonly string[]) {
  return [
    ...reconciler.children.filter((c) => !c.integration),
    ...INTEGRATIONS.filter((i) => enabled.includes(i)).flatMap((i) => reconciler.children.filter((c) => c.integration === i)),
  ].map(childResourceRule);
}

describe.runIf(unavailable !== undefined && process.env.REQUIRE_KUBECTL === '1')('kubectl (REQUIRE_KUBECTL=1)', () => {
  it('is installed, with kustomize v4 or later', () => {
    expect.fail(unavailable);
  });
});

describe.skipIf(unavailable !== undefined)('kubectl kustomize', () => {
  // The builds are independent processes: run them side by side, assert one test per combination.
  const builds = new Map<string, K8sObject[]>();
  beforeAll(async () => {
    const names = combinations.map((c) => c.join('-') || 'base');
    const results = await Promise.all(combinations.map((c, i) => overlay(`build-${names[i]}`, c)));
    names.forEach((name, i) => builds.set(name, results[i]!));
  }, 120_000);

  it.each(combinations.map((c) => [c.join(' + ') || 'base only', c] as const))('%s', (_name, enabled) => {
    const objects = builds.get(enabled.join('-') || 'base')!;

    // Every object valid, each one once, namespaced ones in the hook namespace.
    for (const object of objects) expect(manifestErrors(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    // kubectl's client-side apply keeps a copy in an annotation, limited to 256 KiB.
    for (const object of objects) expect(JSON.stringify(object).length, `${object.kind} ${object.metadata.name}`).toBeLessThan(200 * 1024);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    const clusterScoped = ['Namespace', 'CustomResourceDefinition', 'CompositeController'];
    for (const o of objects.filter((x) => !clusterScoped.includes(x.kind))) expect(o.metadata.namespace, o.kind).toBe('neo4j-hooks');

    // The base: CRDs of all kinds, one controller per reconciler, the hook service.
    expect(byKind(objects, 'CustomResourceDefinition').map((c) => c.metadata.name).sort()).toEqual(
      ALL_KINDS.map((k) => `${k.plural}.neo4j.neo4j.com`).sort(),
    );
    const controllers = byKind<CompositeController>(objects, 'CompositeController');
    expect(controllers.map((c) => c.metadata.name).sort()).toEqual(RECONCILERS.map((r) => controllerName(r)).sort());
    const [deployment] = byKind<Deployment>(objects, 'Deployment');
    const [service] = byKind<Service>(objects, 'Service');
    expect(deployment && service).toBeTruthy();
    for (const kind of ['Namespace', 'ServiceAccount', 'PodDisruptionBudget', 'NetworkPolicy']) expect(byKind(objects, kind), kind).toHaveLength(1);

    // Every controller calls the Service of this build and registers the enabled integrations' children.
    for (const controller of controllers) {
      const reconciler = RECONCILERS.find((r) => controllerName(r) === controller.metadata.name)!;
      expect(controller.spec.childResources).toEqual(expectedChildren(reconciler, enabled));
      for (const hook of Object.values(controller.spec.hooks)) {
        expect(hook.webhook.service).toEqual({
          name: service!.metadata!.name,
          namespace: service!.metadata!.namespace,
          port: service!.spec!.ports![0]!.port,
        });
      }
    }

    // hook-token: a Secret, HOOK_TOKEN from it, and Metacontroller told to send it to the hook host.
    const container = deployment!.spec!.template.spec!.containers[0]!;
    const secrets = byKind<K8sObject>(objects, 'Secret');
    const tokenEnv = container.env?.find((e) => e.name === 'HOOK_TOKEN');
    if (enabled.includes('hook-token')) {
      expect(secrets.map((s) => s.metadata.name)).toEqual(['neo4j-hooks-token']);
      expect(secrets[0]!.stringData).toHaveProperty('token');
      expect(tokenEnv?.valueFrom?.secretKeyRef).toEqual({ name: 'neo4j-hooks-token', key: 'token' });
      expect(container.env?.map((e) => e.name).sort()).toEqual(['HOOK_TOKEN', 'LOG_LEVEL', 'PORT']);
      for (const controller of controllers) {
        const hosts = new Set(Object.values(controller.spec.hooks).map((h) => endpointHost(h.webhook.service)));
        expect((controller.spec as Record<string, unknown>).endpointConfigs).toEqual(
          [...hosts].map((host) => ({
            host,
            authorization: { type: 'Bearer', secretRef: { name: 'neo4j-hooks-token', namespace: 'neo4j-hooks', key: 'token' } },
          })),
        );
      }
    } else {
      expect(secrets).toEqual([]);
      expect(tokenEnv).toBeUndefined();
      for (const controller of controllers) expect(controller.spec).not.toHaveProperty('endpointConfigs');
    }
  });

  it('takes the image from the kustomization (images:)', async () => {
    const objects = await overlay('image', [], {
      images: [{ name: 'ghcr.io/neo4j-hooks/neo4j-hooks', newName: 'registry.example.com/tools/neo4j-hooks', newTag: '0.1.1' }],
    });
    const [deployment] = byKind<Deployment>(objects, 'Deployment');
    expect(deployment!.spec!.template.spec!.containers[0]!.image).toBe('registry.example.com/tools/neo4j-hooks:0.1.1');
  });

  it("replaces the placeholder token with the user's own, as secret.yaml describes", async () => {
    const dir = join(workspace, 'own-token');
    mkdirSync(join(dir, 'my-token'), { recursive: true });
    writeFileSync(join(dir, 'my-token', 'token.txt'), 'f00dfeed');
    writeFileSync(
      join(dir, 'my-token', 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1alpha1',
        kind: 'Component',
        secretGenerator: [
          { name: 'neo4j-hooks-token', namespace: 'neo4j-hooks', behavior: 'replace', options: { disableNameSuffixHash: true }, files: ['token=token.txt'] },
        ],
      }),
    );
    const objects = await overlay('own-token', ['hook-token', './my-token']);
    const [secret] = byKind<K8sObject>(objects, 'Secret');
    expect(secret!.metadata.name).toBe('neo4j-hooks-token');
    expect(secret!.stringData).toBeUndefined();
    expect(Buffer.from((secret!.data as Record<string, string>).token!, 'base64').toString()).toBe('f00dfeed');
  });

  it('registers integration children through the components once a reconciler declares them', async () => {
    const kind = { ...RECONCILERS[0]!.kind, kind: 'Neo4jWidget', plural: 'neo4jwidgets', spec: Type.Object({}) };
    const child = (apiVersion: string, k: string, resource: string, integration?: Integration) => ({
      apiVersion,
      kind: k,
      resource,
      updateStrategy: 'InPlace' as const,
      ...(integration ? { integration } : {}),
    });
    const widget: Reconciler = {
      kind,
      children: [
        child('v1', 'ConfigMap', 'configmaps'),
        child('cert-manager.io/v1', 'Certificate', 'certificates', 'cert-manager'),
        child('external-secrets.io/v1', 'ExternalSecret', 'externalsecrets', 'external-secrets'),
        child('monitoring.coreos.com/v1', 'ServiceMonitor', 'servicemonitors', 'prometheus-operator'),
      ],
      related: [],
      sync: () => ({ status: {}, children: [] }),
    };
    const registry = [...RECONCILERS, widget];
    const tree = join(workspace, 'widget');
    for (const [name, text] of Object.entries(controllerFiles(registry))) {
      mkdirSync(join(tree, 'controllers'), { recursive: true });
      writeFileSync(join(tree, 'controllers', name), text);
    }
    for (const [path, text] of Object.entries(componentFiles(registry))) {
      mkdirSync(join(tree, 'components', path, '..'), { recursive: true });
      writeFileSync(join(tree, 'components', path), text);
    }
    cpSync(join(MANIFESTS, 'components', 'hook-token'), join(tree, 'components', 'hook-token'), { recursive: true });
    const dir = join(tree, 'overlay');
    const objects = await build(dir, {
      resources: ['../controllers'],
      components: ['../components/cert-manager', '../components/prometheus-operator', '../components/hook-token'],
    });
    const controller = byKind<CompositeController>(objects, 'CompositeController').find((c) => c.metadata.name === 'neo4j-hooks-neo4jwidgets')!;
    expect(manifestErrors(controller as unknown as K8sObject)).toEqual([]);
    expect(controller.spec.childResources.map((c) => c.resource)).toEqual(['configmaps', 'certificates', 'servicemonitors']);
    expect(controller.spec).toHaveProperty('endpointConfigs');
  });
});
