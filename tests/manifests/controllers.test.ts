/**
 * The generated CompositeControllers and integration components: committed files equal the
 * generator's output, every controller is a valid CompositeController whose hooks are exactly the
 * routes the app serves, and the derivation from a reconciler's declarations (finalize, customize,
 * integration children) is right for reconcilers that do not exist yet.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Type } from '@sinclair/typebox';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../hooks/app.js';
import { componentFiles, controllerFiles, main } from '../../hooks/commands.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import {
  compositeControllerFor,
  controllerName,
  DEFAULT_CONTROLLER_OPTIONS,
  endpointHost,
  parentFinalizer,
  type HookName,
} from '../../lib/manifests/controllers.js';
import { INTEGRATIONS, integrationComponent } from '../../lib/manifests/components.js';
import { RECONCILERS } from '../../lib/registry.js';
import { crdFileName } from '../../lib/crd/generate.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import type { KindDefinition } from '../../lib/schemas/kind.js';
import { ROOT } from '../support/fixtures.js';
import { compositeControllerErrors } from '../support/metacontroller-schema.js';

const MANIFESTS = join(ROOT, 'manifests');
const REGENERATE = 'run `npm run manifests` after changing lib/registry.ts or a reconciler declaration';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const testKind = (kind: string, plural: string): KindDefinition => ({
  kind,
  plural,
  singular: plural.slice(0, -1),
  shortNames: [],
  description: 'A test kind.',
  spec: Type.Object({}),
  status: Type.Object({}),
  printerColumns: [],
});

/** A reconciler using everything a CompositeController can express. */
const fullReconciler: Reconciler = {
  kind: testKind('Neo4jWidget', 'neo4jwidgets'),
  children: [
    { apiVersion: 'v1', kind: 'Secret', resource: 'secrets', updateStrategy: 'OnDelete' },
    { apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' },
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', resource: 'certificates', updateStrategy: 'InPlace', integration: 'cert-manager' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', resource: 'statefulsets', updateStrategy: 'InPlace' },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      resource: 'servicemonitors',
      updateStrategy: 'InPlace',
      integration: 'prometheus-operator',
    },
  ],
  related: [{ apiVersion: 'v1', kind: 'Secret', resource: 'secrets' }],
  sync: () => ({ status: {}, children: [] }),
  finalize: () => ({ status: {}, children: [], finalized: true }),
  customize: () => [],
};

/** A reconciler with only a sync hook. */
const bareReconciler: Reconciler = {
  kind: testKind('Neo4jGadget', 'neo4jgadgets'),
  children: [{ apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' }],
  related: [],
  sync: () => ({ status: {}, children: [] }),
};

describe('committed manifests', () => {
  it(`manifests/controllers holds exactly the generated files (${REGENERATE})`, () => {
    const expected = controllerFiles();
    const dir = join(MANIFESTS, 'controllers');
    expect(filesUnder(dir).map((f) => relative(dir, f)).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text);
  });

  it(`the integration components are committed as generated (${REGENERATE})`, () => {
    const dir = join(MANIFESTS, 'components');
    for (const [path, text] of Object.entries(componentFiles())) {
      expect(existsSync(join(dir, path)), `${path} is missing`).toBe(true);
      expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
    }
  });

  it('installs every CRD, the controllers and the hook service from manifests/kustomization.yaml', () => {
    const base = parseAllDocuments(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };
    expect(base.resources).toEqual([...ALL_KINDS.map((def) => `crds/${crdFileName(def)}`), 'controllers', 'deploy']);
  });

  it('has one controller per registered reconciler, listed by the controllers kustomization', () => {
    const docs = Object.entries(controllerFiles())
      .filter(([name]) => name !== 'kustomization.yaml')
      .map(([, text]) => parseAllDocuments(text)[0]!.toJS() as { metadata: { name: string } });
    expect(docs.map((d) => d.metadata.name)).toEqual(RECONCILERS.map((r) => controllerName(r)));
    const kustomization = parseAllDocuments(controllerFiles()['kustomization.yaml']!)[0]!.toJS() as { resources: string[] };
    expect(kustomization.resources).toEqual(RECONCILERS.map((r) => `${r.kind.plural}.yaml`));
  });
});

describe.each(RECONCILERS.map((r) => [r.kind.kind, r] as const))('%s CompositeController', (_kind, reconciler) => {
  const controller = compositeControllerFor(reconciler);

  it('is a valid CompositeController', () => {
    expect(compositeControllerErrors(controller)).toEqual([]);
  });

  it('watches the kind and declares every non-integration child type with its update method', () => {
    expect(controller.spec.parentResource).toEqual({
      apiVersion: 'neo4j.neo4j.com/v1alpha1',
      resource: reconciler.kind.plural,
      ignoreStatusChanges: true,
    });
    expect(controller.spec.childResources).toEqual(
      reconciler.children
        .filter((c) => !c.integration)
        .map((c) => ({ apiVersion: c.apiVersion, resource: c.resource, updateStrategy: { method: c.updateStrategy } })),
    );
    expect(controller.spec.generateSelector).toBe(true);
    expect(controller.spec.resyncPeriodSeconds).toBeGreaterThan(0);
  });

  it('calls exactly the hooks the reconciler implements, each a route the app serves', async () => {
    const expected: HookName[] = ['sync', ...(reconciler.finalize ? ['finalize' as const] : []), ...(reconciler.customize ? ['customize' as const] : [])];
    expect(Object.keys(controller.spec.hooks)).toEqual(expected);
    const app = buildApp({ logger: false, processMetrics: false, maxEventLoopDelayMs: 0 });
    try {
      for (const [name, hook] of Object.entries(controller.spec.hooks)) {
        expect(hook.version, name).toBe('v2');
        expect(hook.webhook.service).toEqual(DEFAULT_CONTROLLER_OPTIONS.service);
        const response = await app.inject({ method: 'POST', url: hook.webhook.path, payload: {} });
        expect(response.statusCode, `${name} ${hook.webhook.path} must be routed`).toBe(400);
      }
    } finally {
      await app.close();
    }
  });

  it('gives parents a finalizer name the API server accepts', () => {
    const [prefix, name] = parentFinalizer(reconciler).split('/');
    expect(prefix).toBe('metacontroller.io');
    expect(name!.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/u);
  });
});

describe('compositeControllerFor', () => {
  it('adds finalize and customize only when implemented, and leaves integration children to the components', () => {
    const full = compositeControllerFor(fullReconciler);
    expect(compositeControllerErrors(full)).toEqual([]);
    expect(Object.keys(full.spec.hooks)).toEqual(['sync', 'finalize', 'customize']);
    expect(full.spec.hooks.customize?.webhook.path).toBe('/hooks/neo4jwidgets/customize');
    expect(full.spec.childResources.map((c) => `${c.resource}:${c.updateStrategy.method}`)).toEqual([
      'secrets:OnDelete',
      'jobs:OnDelete',
      'statefulsets:InPlace',
    ]);
    const bare = compositeControllerFor(bareReconciler);
    expect(Object.keys(bare.spec.hooks)).toEqual(['sync']);
  });

  it('honours the options (another Service, port and timeout)', () => {
    const options = { service: { name: 'hooks', namespace: 'ops', port: 8443 }, timeout: '30s', resyncPeriodSeconds: 600 };
    const controller = compositeControllerFor(bareReconciler, options);
    expect(compositeControllerErrors(controller)).toEqual([]);
    expect(controller.spec.hooks.sync?.webhook).toMatchObject({ service: options.service, timeout: '30s' });
    expect(controller.spec.resyncPeriodSeconds).toBe(600);
    expect(endpointHost(options.service)).toBe('hooks.ops:8443');
    expect(endpointHost(DEFAULT_CONTROLLER_OPTIONS.service)).toBe('neo4j-hooks.neo4j-hooks');
  });

  it('is deterministic and does not share option objects', () => {
    const a = compositeControllerFor(fullReconciler);
    a.spec.hooks.sync!.webhook.service.port = 1;
    expect(compositeControllerFor(fullReconciler)).toEqual(compositeControllerFor(fullReconciler));
    expect(DEFAULT_CONTROLLER_OPTIONS.service.port).toBe(80);
  });
});

describe('integrationComponent', () => {
  it('appends the integration child rules to the controller of each reconciler that declares them', () => {
    const registry = [bareReconciler, fullReconciler];
    const component = integrationComponent('cert-manager', registry);
    expect(component.patches).toEqual([
      {
        target: { group: 'metacontroller.k8s.io', version: 'v1alpha1', kind: 'CompositeController', name: 'neo4j-hooks-neo4jwidgets' },
        patch: expect.any(String),
      },
    ]);
    expect(JSON.parse(component.patches[0]!.patch)).toEqual([
      {
        op: 'add',
        path: '/spec/childResources/-',
        value: { apiVersion: 'cert-manager.io/v1', resource: 'certificates', updateStrategy: { method: 'InPlace' } },
      },
    ]);
    expect(integrationComponent('external-secrets', registry).patches).toEqual([]);
  });

  it('exists for every integration and is empty while no reconciler needs it', () => {
    expect(Object.keys(componentFiles([bareReconciler]))).toEqual(INTEGRATIONS.map((i) => `${i}/kustomization.yaml`));
    for (const integration of INTEGRATIONS) {
      const used = RECONCILERS.some((r) => r.children.some((c) => c.integration === integration));
      expect(integrationComponent(integration, RECONCILERS).patches.length > 0, integration).toBe(used);
    }
  });
});

describe('the schema check itself', () => {
  const valid = () => structuredClone(compositeControllerFor(fullReconciler)) as unknown as Record<string, any>;

  it.each([
    ['an unknown update method', (cc: Record<string, any>) => (cc.spec.childResources[0].updateStrategy.method = 'Rolling')],
    ['an unknown hook version', (cc: Record<string, any>) => (cc.spec.hooks.sync.version = 'v3')],
    ['a webhook without url or path', (cc: Record<string, any>) => delete cc.spec.hooks.sync.webhook.path],
    ['a timeout that is no Go duration', (cc: Record<string, any>) => (cc.spec.hooks.sync.webhook.timeout = '10')],
    ['a misspelt field', (cc: Record<string, any>) => (cc.spec.ignoreStatusChange = true)],
    ['a namespace on the cluster-scoped object', (cc: Record<string, any>) => (cc.metadata.namespace = 'default')],
    ['an etag with one cache timer', (cc: Record<string, any>) => (cc.spec.hooks.sync.webhook.etag = { enabled: true, cacheTimeoutSeconds: 60 })],
    [
      'Basic as authorization type',
      (cc: Record<string, any>) =>
        (cc.spec.endpointConfigs = [{ host: 'h', authorization: { type: 'Basic', secretRef: { name: 'a', namespace: 'b', key: 'c' } } }]),
    ],
    [
      'authorization without a Secret key',
      (cc: Record<string, any>) => (cc.spec.endpointConfigs = [{ host: 'h', authorization: { secretRef: { name: 'a', namespace: 'b' } } }]),
    ],
    ['no hooks', (cc: Record<string, any>) => delete cc.spec.hooks],
  ])('rejects %s', (_name, mutate) => {
    const cc = valid();
    mutate(cc);
    expect(compositeControllerErrors(cc)).not.toEqual([]);
  });

  it('accepts the documented optional fields', () => {
    const cc = valid();
    cc.spec.parentResource.labelSelector = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] };
    cc.spec.parentResource.revisionHistory = { fieldPaths: ['spec.template'] };
    cc.spec.childResources[0].updateStrategy = { method: 'RollingInPlace', statusChecks: { conditions: [{ type: 'Ready', status: 'True' }] } };
    cc.spec.hooks.sync.webhook.etag = { enabled: true, cacheTimeoutSeconds: 60, cacheCleanupSeconds: 120 };
    cc.spec.hooks.sync.webhook.timeout = '1m30s';
    cc.spec.endpointConfigs = [
      {
        host: 'neo4j-hooks.neo4j-hooks',
        caBundle: { configMapRef: { name: 'ca', namespace: 'neo4j-hooks' } },
        authorization: { secretRef: { name: 'a', namespace: 'b', key: 'token' } },
        clientTLS: { secretRef: { name: 'tls', namespace: 'b' } },
      },
    ];
    expect(compositeControllerErrors(cc)).toEqual([]);
  });
});

describe('neo4j-hooks controllers', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(...args: string[]) {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      return { code: await main(args), stdout, stderr };
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('prints every CompositeController', async () => {
    const { code, stdout } = await run('controllers');
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toEqual(RECONCILERS.map((r) => compositeControllerFor(r)));
  });

  it('writes the controllers and the components', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neo4j-hooks-controllers-'));
    const { code } = await run('controllers', '--out-dir', join(dir, 'controllers'), '--components-dir', join(dir, 'components'));
    expect(code).toBe(0);
    for (const [name, text] of Object.entries(controllerFiles())) expect(readFileSync(join(dir, 'controllers', name), 'utf8')).toBe(text);
    for (const [path, text] of Object.entries(componentFiles())) expect(readFileSync(join(dir, 'components', path), 'utf8')).toBe(text);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects stray arguments with usage', async () => {
    const { code, stderr } = await run('controllers', 'extra');
    expect(code).toBe(2);
    expect(stderr).toContain('neo4j-hooks controllers [--out-dir <dir>]');
  });
});
