/**
 * Field-level rules of Neo4jPlugin, on top of the goldens: the catalogue and its names, every
 * validation rule (the operator's PluginValidator and the inertness rules), the version gates, the
 * merge (NEO4J_PLUGINS, list settings, licenses, APOC's variables, duplicates, conflicts), what the
 * cluster and standalone pods get, the plugin's status from the target's, and hostile values in
 * every field that reaches neo4j.conf or the environment.
 */
import { describe, expect, it } from 'vitest';
import type { EnvVar } from 'kubernetes-types/core/v1.js';
import { buildApp } from '../../hooks/app.js';
import { preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../../lib/neo4j/version.js';
import { CATALOGUE_NAMES, catalogueEntry, comparePluginVersions, parsePluginVersion, resolvePluginName } from '../../lib/plugins/catalogue.js';
import { dockerEnvName, globCovers, readPlugin, versionErrors } from '../../lib/plugins/spec.js';
import { pluginVerdicts, resolvePlugins, type PluginTarget } from '../../lib/plugins/merge.js';
import { observedPluginStatus, parsePluginsAnnotation, pluginConf, pluginEnv, PLUGINS_ANNOTATION } from '../../lib/plugins/target.js';
import { customizePlugin, pluginReconciler, type Plugin } from '../../lib/plugins/reconciler.js';
import { clusterReconciler } from '../../lib/cluster/reconciler.js';
import { standaloneReconciler } from '../../lib/standalone/reconciler.js';
import { reconcilerFor } from '../../lib/registry.js';
import type { Cluster } from '../../lib/cluster/model.js';
import type { Standalone } from '../../lib/standalone/model.js';
import { schemaError } from '../support/k8s-schemas.js';

const now = new Date('2026-01-01T00:00:00Z');
type Obj = Record<string, any>;

function version(tag: string): Neo4jVersion {
  const parsed = parseNeo4jVersion(tag);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.version;
}
const V526 = version('5.26.0-enterprise');
const V2025 = version('2025.06.0-enterprise');

function plugin(name: string, spec: Obj, meta: Obj = {}): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jPlugin',
    metadata: { name, namespace: 'ns', generation: 1, creationTimestamp: '2025-12-31T00:00:00Z', ...meta },
    spec: { clusterRef: 'graph', version: '5.26.0', ...spec },
  };
}

function cluster(tag = '5.26.0-enterprise', spec: Obj = {}, status?: Obj): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'graph', namespace: 'ns', generation: 1 },
    spec: { image: { repo: 'neo4j', tag }, topology: { servers: 3 }, storage: { className: 's', size: '1Gi' }, ...spec },
    ...(status ? { status } : {}),
  };
}

function standalone(tag = '2025.06.0-enterprise', status?: Obj): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name: 'graph', namespace: 'ns', generation: 1 },
    spec: { image: { repo: 'neo4j', tag }, storage: { className: 's', size: '1Gi' } },
    ...(status ? { status } : {}),
  };
}

const target = (v: Neo4jVersion = V526): PluginTarget => ({ kind: 'Neo4jEnterpriseCluster', name: 'graph', namespace: 'ns', version: v });
const errorsOf = (spec: Obj) => readPlugin(plugin('p', spec)).errors;

/** The cluster's children and status with `plugins` as related objects. */
function renderCluster(plugins: K8sObject[], spec: Obj = {}, tag = '5.26.0-enterprise') {
  return preview(cluster(tag, spec), plugins, { now }).response;
}

function conf(response: { children: K8sObject[] }): string {
  return (response.children.find((c) => c.kind === 'ConfigMap') as Obj).data['neo4j.conf'];
}

function podTemplate(response: { children: K8sObject[] }): Obj {
  return (response.children.find((c) => c.kind === 'StatefulSet') as Obj).spec.template;
}

function envOf(response: { children: K8sObject[] }): EnvVar[] {
  return podTemplate(response).spec.containers[0].env;
}

/** The settings of the plugin block of neo4j.conf, by key. */
function pluginBlock(text: string): Record<string, string> {
  const start = text.indexOf('\n# Plugins of the Neo4jPlugin resources');
  if (start < 0) return {};
  const lines = text.slice(start + 1).split('\n').slice(1);
  return Object.fromEntries(lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('catalogue', () => {
  it('refuses a name that is an Object.prototype member with the catalogue message (it once resolved and then crashed)', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const resolved = resolvePluginName(name);
      expect(resolved.ok, name).toBe(false);
      expect(resolved.ok ? '' : resolved.reason).toContain('is not in the Docker image\'s NEO4J_PLUGINS catalogue');
    }
  });

  it('maps the operator\'s names and product names to the Docker image\'s catalogue names', () => {
    expect(resolvePluginName('gds')).toEqual({ ok: true, name: 'graph-data-science' });
    expect(resolvePluginName('graph-data-science')).toEqual({ ok: true, name: 'graph-data-science' });
    expect(resolvePluginName('neosemantics')).toEqual({ ok: true, name: 'n10s' });
    expect(resolvePluginName('n10s')).toEqual({ ok: true, name: 'n10s' });
    expect(resolvePluginName(' APOC ')).toEqual({ ok: true, name: 'apoc' });
    expect(resolvePluginName('neo4j-bloom')).toEqual({ ok: true, name: 'bloom' });
    expect(resolvePluginName('neo4j-genai')).toEqual({ ok: true, name: 'genai' });
    for (const name of CATALOGUE_NAMES) expect(resolvePluginName(name)).toEqual({ ok: true, name });
  });

  it('refuses retired and unknown names with the reason', () => {
    expect(resolvePluginName('graph-algorithms')).toMatchObject({ ok: false, reason: expect.stringContaining('deprecated') });
    expect(resolvePluginName('streams')).toMatchObject({ ok: false, reason: expect.stringContaining('not in the NEO4J_PLUGINS catalogue') });
    expect(resolvePluginName('foo"\nbar')).toMatchObject({ ok: false, reason: expect.stringContaining('"foo\\"\\nbar"') });
  });

  it('orders plugin versions numerically', () => {
    expect(parsePluginVersion('2.10.0')).toEqual([2, 10, 0]);
    expect(parsePluginVersion('2025.01.0')).toEqual([2025, 1, 0]);
    expect(parsePluginVersion('5.26.0-preview')).toEqual([5, 26, 0]);
    expect(parsePluginVersion('latest')).toBeUndefined();
    expect(comparePluginVersions([2, 10, 0], [2, 9, 0])).toBe(1);
    expect(comparePluginVersions([5, 26], [5, 26, 0])).toBe(0);
  });

  it('gates plugins by version line: n10s and graphql only on 5.26, fleet-management 2025.08–2026.02', () => {
    expect(catalogueEntry('n10s').unavailable(V526)).toBeUndefined();
    expect(catalogueEntry('n10s').unavailable(V2025)).toMatch(/calendar-version/u);
    expect(catalogueEntry('graphql').unavailable(V2025)).toMatch(/calendar-version/u);
    expect(catalogueEntry('fleet-management').unavailable(V526)).toMatch(/5.26/u);
    expect(catalogueEntry('fleet-management').unavailable(version('2025.07.0'))).toMatch(/2025.08/u);
    expect(catalogueEntry('fleet-management').unavailable(version('2025.08.0'))).toBeUndefined();
    expect(catalogueEntry('fleet-management').unavailable(version('2026.02.2'))).toBeUndefined();
    expect(catalogueEntry('fleet-management').unavailable(version('2026.03.0'))).toMatch(/built into Neo4j/u);
    expect(catalogueEntry('genai').procedures(V526)).toEqual(['genai.*']);
    expect(catalogueEntry('genai').procedures(V2025)).toEqual(['ai.*', 'genai.*']);
  });
});

describe('validation (the operator\'s PluginValidator rules and inertness)', () => {
  it('requires clusterRef, name and version', () => {
    expect(readPlugin({ apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jPlugin', metadata: { name: 'p', namespace: 'ns' }, spec: {} }).errors).toEqual([
      'spec.clusterRef is required',
      'spec.name is required',
      'spec.version is required',
    ]);
    expect(errorsOf({ name: 'apoc', version: 'latest' })).toEqual(['spec.version "latest" is not a version (for example 5.26.0 or 2.10.0)']);
  });

  it('custom and url sources need an https URL, url sources a checksum, and neither is supported', () => {
    expect(errorsOf({ name: 'apoc', source: { type: 'custom' } })).toEqual([
      'spec.source.url is required for source type custom',
      expect.stringContaining('spec.source.type custom is not supported by neo4j-hooks'),
    ]);
    expect(errorsOf({ name: 'x', source: { type: 'url', url: 'http://h/x.jar', checksum: 'md5:abc' } })).toEqual([
      'spec.source.url must be an https:// URL: "http://h/x.jar"',
      'spec.source.checksum must be sha256:<64 hex digits> or sha512:<128 hex digits>: "md5:abc"',
      expect.stringContaining('spec.source.type url is not supported'),
    ]);
    expect(errorsOf({ name: 'x', source: { type: 'url', url: 'https://h/x.jar' } })).toContain(
      'spec.source.checksum is required for source type url (sha256:<hex> or sha512:<hex>)',
    );
    expect(errorsOf({ name: 'x', source: { type: 'url', url: 'https://h/x.jar', checksum: `sha256:${'a'.repeat(64)}` } })).toEqual([
      expect.stringContaining('spec.source.type url is not supported'),
    ]);
  });

  it('refuses registry and authSecret for catalogue sources; official and community are the same', () => {
    expect(errorsOf({ name: 'apoc', source: { type: 'official', registry: { url: 'https://r' }, authSecret: 's' } })).toEqual([
      expect.stringContaining('spec.source.registry is not supported'),
      expect.stringContaining('spec.source.authSecret is not supported'),
    ]);
    expect(errorsOf({ name: 'apoc', source: { type: 'community' } })).toEqual([]);
  });

  it('checks securityPolicy against its enum and refuses a procedure both allowed and denied', () => {
    expect(errorsOf({ name: 'apoc', security: { securityPolicy: 'restricted' } })).toEqual([
      'spec.security.securityPolicy "restricted" is not one of strict, moderate, permissive',
    ]);
    for (const policy of ['strict', 'moderate', 'permissive']) expect(errorsOf({ name: 'apoc', security: { securityPolicy: policy } })).toEqual([]);
    expect(errorsOf({ name: 'apoc', security: { allowedProcedures: ['apoc.load.json'], deniedProcedures: ['apoc.load.json'] } })).toEqual([
      'procedure "apoc.load.json" is both allowed and denied in spec.security',
    ]);
  });

  it('enforces denials through the allowlist only: denied needs allowed, and no allowed glob may cover a denied one', () => {
    expect(errorsOf({ name: 'apoc', security: { deniedProcedures: ['apoc.export.*'] } })).toEqual([
      expect.stringContaining('deniedProcedures needs spec.security.allowedProcedures'),
    ]);
    expect(errorsOf({ name: 'apoc', security: { allowedProcedures: ['apoc.*'], deniedProcedures: ['apoc.export.*'] } })).toEqual([
      expect.stringContaining('denied procedure "apoc.export.*" is covered by allowed "apoc.*"'),
    ]);
    expect(errorsOf({ name: 'apoc', security: { allowedProcedures: ['apoc.load.*'], deniedProcedures: ['apoc.export.*'] } })).toEqual([]);
    expect(globCovers('apoc.*', 'apoc.export.csv.all')).toBe(true);
    expect(globCovers('apoc.*', 'apoc.export.*')).toBe(true);
    expect(globCovers('apoc.load.*', 'apoc.export.csv.all')).toBe(false);
    expect(globCovers('apoc.?oad.json', 'apoc.load.json')).toBe(true);
  });

  it('matches globs as Neo4j reads them: * any run, ? one character, everything else literally', () => {
    expect(globCovers('*', '')).toBe(true);
    expect(globCovers('?', '')).toBe(false);
    expect(globCovers('apoc.load.json', 'apoc.load.json')).toBe(true);
    expect(globCovers('apoc.load.json', 'apoc.loadxjson')).toBe(false);
    expect(globCovers('apoc.*.json', 'apoc.load.json')).toBe(true);
    expect(globCovers('a*b*c', 'aXbYbZc')).toBe(true);
    expect(globCovers('a*b*c', 'aXbYbZ')).toBe(false);
    expect(globCovers('*.*.x', 'a.b.c.x')).toBe(true);
    expect(globCovers('a**', 'a')).toBe(true);
    expect(globCovers('a.*', 'aX')).toBe(false);
    expect(globCovers('[a]*', '[a]b')).toBe(true);
    // Wildcards stop at line terminators; a surrogate pair is one character.
    expect(globCovers('a*', 'a\nb')).toBe(false);
    expect(globCovers('a?b', 'a\nb')).toBe(false);
    expect(globCovers('a\n*', 'a\nb')).toBe(true);
    expect(globCovers('a?b', 'a\u{1F600}b')).toBe(true);
    expect(globCovers('a??b', 'a\u{1F600}b')).toBe(false);
  });

  it('takes only the plugin\'s own settings and the list settings from spec.config', () => {
    expect(errorsOf({ name: 'gds', config: { 'gds.arrow.enabled': 'true', 'dbms.security.procedures.unrestricted': 'gds.*' } })).toEqual([]);
    expect(errorsOf({ name: 'gds', config: { 'server.memory.heap.max_size': '2g' } })).toEqual([
      expect.stringContaining('spec.config "server.memory.heap.max_size" is not a setting of Graph Data Science'),
    ]);
    expect(errorsOf({ name: 'bloom', config: { 'dbms.bloom.authorization_role': 'admin' } })).toEqual([]);
    expect(errorsOf({ name: 'apoc', config: { 'apoc.import.file.use_neo4j_config': 'true' } })).toEqual([]);
    expect(errorsOf({ name: 'apoc', config: { 'apoc.bad__key': 'true' } })).toEqual([expect.stringContaining('cannot be passed to APOC')]);
    expect(errorsOf({ name: 'apoc', config: { 'dbms.security.procedures.allowlist': '' } })).toEqual([expect.stringContaining('empty allowlist')]);
  });

  it('allows a license only for GDS and Bloom, as a Secret mounted at /licenses or a file path', () => {
    expect(errorsOf({ name: 'apoc', license: { keySecret: 'l' } })).toEqual(['spec.license applies only to graph-data-science and bloom; APOC takes no license']);
    expect(errorsOf({ name: 'gds', version: '2.9.0', license: { keySecret: 'gds-license', licenseFile: '/licenses/gds.license' } })).toEqual([]);
    expect(errorsOf({ name: 'gds', version: '2.9.0', license: { keySecret: 'gds-license', licenseFile: '/opt/gds.license' } })).toEqual([
      expect.stringContaining('spec.license.licenseFile must be /licenses/gds.license'),
    ]);
    expect(errorsOf({ name: 'gds', version: '2.9.0', license: { keySecret: 'Bad_Name' } })).toEqual(['spec.license.keySecret "Bad_Name" is not a valid Secret name']);
    expect(errorsOf({ name: 'gds', version: '2.9.0', license: { licenseFile: 'relative/file' } })).toEqual([
      'spec.license.licenseFile "relative/file" is not an absolute file path',
    ]);
    expect(errorsOf({ name: 'gds', version: '2.9.0', license: { keySecret: 'l' }, config: { 'gds.enterprise.license_file': '/elsewhere' } })).toEqual([
      expect.stringContaining('contradicts spec.license'),
    ]);
    expect(errorsOf({ name: 'bloom', version: '2.9.0', license: { serverUrl: 'https://lic' } })).toEqual([expect.stringContaining('serverUrl is not supported')]);
  });

  it('checks dependencies: a name, and a version constraint that looks like one', () => {
    expect(errorsOf({ name: 'gds', version: '2.9.0', dependencies: [{ name: '' }, { name: 'apoc', versionConstraint: '>=5.26.0' }] })).toEqual([
      'spec.dependencies[0].name is required',
    ]);
    expect(errorsOf({ name: 'gds', version: '2.9.0', dependencies: [{ name: 'apoc', versionConstraint: '>=5\n' }] })).toEqual([
      expect.stringContaining('spec.dependencies[0].versionConstraint'),
    ]);
  });

  it('checks the minimum versions of the operator\'s table and the catalogue of the target\'s line', () => {
    const check = (spec: Obj, v: Neo4jVersion) => versionErrors(readPlugin(plugin('p', spec)).plugin, v).errors;
    expect(check({ name: 'apoc', version: '5.25.0' }, V526)).toEqual(['spec.version "5.25.0" is below the minimum version 5.26.0 of apoc']);
    expect(check({ name: 'gds', version: '2.8.0' }, V526)).toEqual(['spec.version "2.8.0" is below the minimum version 2.9.0 of graph-data-science']);
    expect(check({ name: 'bloom', version: '2.9.0' }, V526)).toEqual([]);
    expect(check({ name: 'genai', version: '5.26.0' }, V526)).toEqual([]);
    expect(check({ name: 'genai', version: '5.26.0' }, V2025)).toEqual(['spec.version "5.26.0" is below the minimum version 2025.01.0 of genai']);
    expect(check({ name: 'n10s', version: '5.26.0' }, V2025)).toEqual([expect.stringContaining('Neosemantics (n10s) is not in the NEO4J_PLUGINS catalogue')]);
    expect(check({ name: 'gds', version: '2.9.0', dependencies: [{ name: 'n10s' }] }, V2025)).toEqual([expect.stringContaining('dependency "n10s"')]);
    const optional = versionErrors(readPlugin(plugin('p', { name: 'gds', version: '2.9.0', dependencies: [{ name: 'n10s', optional: true }] })).plugin, V2025);
    expect(optional).toEqual({ errors: [], notes: [expect.stringContaining('optional dependency "n10s" is left out')] });
  });
});

describe('fingerprint', () => {
  const fp = (spec: Obj) => readPlugin(plugin('p', spec)).plugin.fingerprint;
  const base = { name: 'apoc', config: { 'apoc.a': '1', 'apoc.b': '2' }, security: { allowedProcedures: ['apoc.x.*', 'apoc.y.*'] } };

  it('changes with what the servers run, not with version, source or resources, nor with list order', () => {
    expect(fp(base)).toMatch(/^[0-9a-f]{16}$/u);
    expect(fp({ ...base, version: '5.26.9', source: { type: 'community' }, resources: { memoryLimit: '1Gi' } })).toBe(fp(base));
    expect(fp({ ...base, config: { 'apoc.b': '2', 'apoc.a': '1' }, security: { allowedProcedures: ['apoc.y.*', 'apoc.x.*'] } })).toBe(fp(base));
    expect(fp({ ...base, config: { 'apoc.a': '2', 'apoc.b': '2' } })).not.toBe(fp(base));
    expect(fp({ ...base, security: { ...base.security, sandbox: true } })).not.toBe(fp(base));
    expect(fp({ ...base, name: 'APOC' })).toBe(fp(base));
  });
});

describe('the merge', () => {
  it('keeps the plugins of this target in this namespace that are not being deleted', () => {
    const { verdicts, set } = resolvePlugins(
      [
        plugin('a', { name: 'apoc' }),
        plugin('b', { name: 'gds', version: '2.9.0', clusterRef: 'other' }),
        plugin('c', { name: 'bloom', version: '2.9.0' }, { namespace: 'elsewhere' }),
        plugin('d', { name: 'genai' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
        cluster(),
      ],
      target(),
    );
    expect(verdicts.map((v) => [v.plugin.cr, v.state])).toEqual([['a', 'installed']]);
    expect(set?.names).toEqual(['apoc']);
  });

  it('lists NEO4J_PLUGINS sorted and de-duplicated, with the dependencies', () => {
    const { set } = resolvePlugins([plugin('g', { name: 'gds', version: '2.9.0', dependencies: [{ name: 'apoc' }, { name: 'APOC' }] }), plugin('b', { name: 'bloom', version: '2.9.0' })], target());
    expect(set?.names).toEqual(['apoc', 'bloom', 'graph-data-science']);
    expect(set?.installed.map((p) => p.cr)).toEqual(['b', 'g']);
  });

  it('merges the security lists of every plugin, never overwriting one with another', () => {
    const { set } = resolvePlugins(
      [
        plugin('a', { name: 'apoc', security: { allowedProcedures: ['apoc.load.*'] } }),
        plugin('g', { name: 'gds', version: '2.9.0' }),
        plugin('b', { name: 'bloom', version: '2.9.0', config: { 'dbms.security.http_auth_allowlist': '/custom.*', 'server.unmanaged_extension_classes': 'org.x=/x' } }),
      ],
      target(),
    );
    expect(Object.fromEntries(set!.settings.entries)).toEqual({
      'dbms.security.procedures.unrestricted': 'apoc.*,bloom.*,gds.*',
      // gds and bloom list no allowedProcedures: their namespaces keep them loaded under APOC's allowlist.
      'dbms.security.procedures.allowlist': 'apoc.load.*,bloom.*,gds.*',
      'dbms.security.http_auth_allowlist': '/,/bloom.*,/browser.*,/custom.*',
      'server.unmanaged_extension_classes': 'com.neo4j.bloom.server=/bloom,org.x=/x',
    });
  });

  it('keeps a sandboxed plugin out of the unrestricted list, and sets no allowlist unless one is needed', () => {
    const sandboxed = resolvePlugins([plugin('a', { name: 'apoc', security: { sandbox: true } })], target()).set!;
    expect(sandboxed.settings.entries).toEqual([]);
    expect(pluginConf(sandboxed, {})).toBe(`\n# ${sandboxed.settings.title}\n`);
    const fleet = resolvePlugins([plugin('f', { name: 'fleet-management', version: '1.0.0' }), plugin('g', { name: 'gds', version: '2.9.0' })], target(version('2025.09.0'))).set!;
    expect(Object.fromEntries(fleet.settings.entries)['dbms.security.procedures.allowlist']).toBe('fleetManagement.*,gds.*');
  });

  it('mounts license Secrets at /licenses and points the license settings there', () => {
    const { set } = resolvePlugins(
      [plugin('g', { name: 'gds', version: '2.9.0', license: { keySecret: 'lic' } }), plugin('b', { name: 'bloom', version: '2.9.0', license: { keySecret: 'lic' } })],
      target(),
    );
    expect(set?.licenses).toEqual([
      { secret: 'lic', key: 'bloom.license', path: 'bloom.license' },
      { secret: 'lic', key: 'gds.license', path: 'gds.license' },
    ]);
    expect(Object.fromEntries(set!.settings.entries)).toMatchObject({
      'dbms.bloom.license_file': '/licenses/bloom.license',
      'gds.enterprise.license_file': '/licenses/gds.license',
    });
    const file = resolvePlugins([plugin('g', { name: 'gds', version: '2.9.0', license: { licenseFile: '/opt/gds/gds.license' } })], target()).set!;
    expect(file.licenses).toEqual([]);
    expect(Object.fromEntries(file.settings.entries)['gds.enterprise.license_file']).toBe('/opt/gds/gds.license');
  });

  it('passes APOC settings as the Docker image\'s case-preserving NEO4J_apoc_* variables, not as neo4j.conf lines', () => {
    expect(dockerEnvName('apoc.import.file.use_neo4j_config')).toBe('NEO4J_apoc_import_file_use__neo4j__config');
    const { set } = resolvePlugins([plugin('a', { name: 'apoc', config: { 'apoc.jdbc.MyDb.url': 'jdbc:x', 'apoc.trigger.enabled': 'true' } })], target());
    expect(set?.env).toEqual([
      { name: 'NEO4J_apoc_jdbc_MyDb_url', value: 'jdbc:x' },
      { name: 'NEO4J_apoc_trigger_enabled', value: 'true' },
    ]);
    expect(set?.settings.entries.some(([k]) => k.startsWith('apoc.'))).toBe(false);
  });

  it('lets the older of two plugins for the same plugin win (creationTimestamp, then name)', () => {
    const older = plugin('z-old', { name: 'gds', version: '2.9.0' }, { creationTimestamp: '2025-01-01T00:00:00Z' });
    const newer = plugin('a-new', { name: 'graph-data-science', version: '2.9.0' }, { creationTimestamp: '2025-06-01T00:00:00Z' });
    const { verdicts } = resolvePlugins([newer, older], target());
    expect(verdicts.map((v) => [v.plugin.cr, v.state])).toEqual([
      ['a-new', 'failed'],
      ['z-old', 'installed'],
    ]);
    const tie = resolvePlugins([plugin('b', { name: 'apoc' }), plugin('a', { name: 'apoc' })], target()).verdicts;
    expect(tie.map((v) => [v.plugin.cr, v.state])).toEqual([
      ['a', 'installed'],
      ['b', 'failed'],
    ]);
  });

  it('leaves disabled and invalid plugins out, so a valid newer one is installed', () => {
    const { verdicts, set } = resolvePlugins(
      [plugin('a', { name: 'apoc', enabled: false }, { creationTimestamp: '2025-01-01T00:00:00Z' }), plugin('b', { name: 'apoc', version: 'x' }), plugin('c', { name: 'apoc' })],
      target(),
    );
    expect(verdicts.map((v) => [v.plugin.cr, v.state])).toEqual([
      ['a', 'disabled'],
      ['b', 'failed'],
      ['c', 'installed'],
    ]);
    expect(set?.installed.map((p) => p.cr)).toEqual(['c']);
  });

  it('fails the newer of two plugins that set one setting differently, or that would load a procedure another denies', () => {
    const first = plugin('a', { name: 'apoc', config: { 'apoc.trigger.enabled': 'true' }, security: { allowedProcedures: ['apoc.load.*'], deniedProcedures: ['apoc.export.csv.all'] } });
    const second = plugin('b', { name: 'apoc-extended', config: { 'apoc.trigger.enabled': 'false' } }, { creationTimestamp: '2026-01-01T00:00:00Z' });
    const verdicts = resolvePlugins([first, second], target()).verdicts;
    expect(verdicts[1]).toMatchObject({ state: 'failed', reason: 'Conflict' });
    const errors = (verdicts[1] as { errors: string[] }).errors;
    expect(errors[0]).toBe('setting apoc.trigger.enabled="false" conflicts with Neo4jPlugin a, which sets apoc.trigger.enabled="true"');
    expect(errors[1]).toContain('Neo4jPlugin a denies procedure "apoc.export.csv.all"');
    const compatible = plugin('b', { name: 'apoc-extended', config: { 'apoc.trigger.enabled': 'true' }, security: { allowedProcedures: ['apoc.es.*'] } });
    expect(resolvePlugins([first, compatible], target()).verdicts.map((v) => v.state)).toEqual(['installed', 'installed']);
  });

  it('drops list entries another entry already covers', () => {
    const { set } = resolvePlugins([plugin('a', { name: 'apoc', security: { allowedProcedures: ['apoc.load.*'] }, config: { 'dbms.security.procedures.unrestricted': 'apoc.load.json' } })], target());
    expect(Object.fromEntries(set!.settings.entries)['dbms.security.procedures.unrestricted']).toBe('apoc.*');
  });

  it('is independent of the order of the objects', () => {
    const objects = [plugin('a', { name: 'apoc' }), plugin('g', { name: 'gds', version: '2.9.0', license: { keySecret: 'l' } }), plugin('b', { name: 'bloom', version: '2.9.0' })];
    expect(resolvePlugins([...objects].reverse(), target())).toEqual(resolvePlugins(objects, target()));
  });

  it('gives a plugin\'s hook the same verdicts as the target\'s merge', () => {
    const objects = [
      plugin('a', { name: 'apoc', config: { 'apoc.trigger.enabled': 'true' }, security: { allowedProcedures: ['apoc.load.*'], deniedProcedures: ['apoc.export.csv.all'] } }),
      plugin('b', { name: 'apoc-extended', config: { 'apoc.trigger.enabled': 'false' } }, { creationTimestamp: '2026-01-01T00:00:00Z' }),
      plugin('c', { name: 'apoc' }, { creationTimestamp: '2026-01-01T00:00:00Z' }),
      plugin('d', { name: 'gds', version: '2.9.0', enabled: false }),
      plugin('e', { name: 'n10s' }, { namespace: 'other' }),
      plugin('f', { name: 'bloom', version: '1.0.0' }),
      plugin('g', { name: 'gds', version: '2.9.0', license: { keySecret: 'l' } }),
    ];
    const expected = resolvePlugins(objects, target()).verdicts;
    expect(expected.map((v) => [v.plugin.cr, v.state])).toEqual([
      ['a', 'installed'],
      ['b', 'failed'],
      ['c', 'failed'],
      ['d', 'disabled'],
      ['f', 'failed'],
      ['g', 'installed'],
    ]);
    expect(pluginVerdicts(objects, target())).toEqual(expected);
  });
});

describe('the pods of a cluster and a standalone', () => {
  it('a cluster reads every Neo4jPlugin of its namespace through customize, next to Nodes when it needs them', () => {
    const plain = clusterReconciler.customize!(cluster() as unknown as Cluster);
    expect(plain).toEqual([{ apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jplugins', namespace: 'ns', labelSelector: {} }]);
    const zoned = clusterReconciler.customize!(cluster('5.26.0-enterprise', { topology: { servers: 3, placement: { topologySpread: { enabled: true } } } }) as unknown as Cluster);
    expect(zoned.map((r) => r.resource)).toEqual(['nodes', 'neo4jplugins']);
    expect(standaloneReconciler.customize!(standalone() as unknown as Standalone)).toEqual(plain);
    expect(clusterReconciler.related.map((r) => r.kind)).toContain('Neo4jPlugin');
    expect(standaloneReconciler.related.map((r) => r.kind)).toEqual(['Neo4jPlugin']);
  });

  it('without plugins, renders exactly what it renders with none observed', () => {
    const other = plugin('x', { name: 'apoc', clusterRef: 'other' });
    expect(renderCluster([other])).toEqual(renderCluster([]));
    expect(JSON.stringify(renderCluster([]))).not.toMatch(/NEO4J_PLUGINS|neo4j\.neo4j\.com\/plugins|plugin-licenses/u);
  });

  it('rolls the servers when a plugin is added, changed or removed (the configuration hash covers the plugin set)', () => {
    const hash = (plugins: K8sObject[]) => podTemplate(renderCluster(plugins)).metadata.annotations['neo4j.neo4j.com/config-hash'];
    const none = hash([]);
    const sandboxed = hash([plugin('a', { name: 'apoc', security: { sandbox: true } })]);
    const changed = hash([plugin('a', { name: 'apoc', security: { sandbox: true }, config: { 'apoc.trigger.enabled': 'true' } })]);
    expect(new Set([none, sandboxed, changed]).size).toBe(3);
    expect(hash([plugin('a', { name: 'apoc', security: { sandbox: true }, version: '5.26.9' })])).toBe(sandboxed);
    expect(hash([plugin('a', { name: 'apoc', security: { sandbox: true }, enabled: false })])).toBe(none);
  });

  it('sets NEO4J_PLUGINS and APOC\'s variables before the user\'s env, merging a user NEO4J_PLUGINS list', () => {
    const response = renderCluster([plugin('a', { name: 'apoc', config: { 'apoc.trigger.enabled': 'true' } })], {
      env: [
        { name: 'NEO4J_PLUGINS', value: '["graph-data-science"]' },
        { name: 'NEO4J_apoc_trigger_enabled', value: 'false' },
        { name: 'OTHER', value: '1' },
      ],
    });
    expect(envOf(response).slice(4)).toEqual([
      { name: 'NEO4J_PLUGINS', value: '["apoc","graph-data-science"]' },
      { name: 'NEO4J_apoc_trigger_enabled', value: 'false' },
      { name: 'OTHER', value: '1' },
    ]);
    expect((response.status as Obj).warnings).toEqual([
      expect.stringContaining('spec.env NEO4J_PLUGINS adds graph-data-science, which no Neo4jPlugin installs'),
      'spec.env NEO4J_apoc_trigger_enabled replaces the value a Neo4jPlugin sets for it',
    ]);
    const broken = pluginEnv(resolvePlugins([plugin('a', { name: 'apoc' })], target()).set, [{ name: 'NEO4J_PLUGINS', value: 'apoc' }]);
    expect(broken.env).toEqual([{ name: 'NEO4J_PLUGINS', value: '["apoc"]' }]);
    expect(broken.warnings).toEqual([expect.stringContaining('is not a JSON list of plugin names')]);
  });

  it('lets spec.config win over a plugin setting, with the features\' warning', () => {
    const response = renderCluster([plugin('a', { name: 'apoc' })], { config: { 'dbms.security.procedures.unrestricted': 'apoc.*,custom.*' } });
    const text = conf(response);
    expect(text.match(/^dbms\.security\.procedures\.unrestricted=/gmu)).toHaveLength(1);
    expect(text).toContain('dbms.security.procedures.unrestricted=apoc.*,custom.*');
    expect((response.status as Obj).warnings).toEqual([
      'spec.config dbms.security.procedures.unrestricted=apoc.*,custom.* replaces the value apoc.* that neo4j-hooks derives from the Neo4jPlugin resources (a)',
    ]);
  });

  it('names the plugins it does not install in its warnings, and stays valid and Initializing', () => {
    const response = renderCluster([plugin('rdf', { name: 'n10s' })], {}, '2025.06.0-enterprise');
    expect((response.status as Obj).phase).toBe('Initializing');
    expect((response.status as Obj).warnings).toEqual([expect.stringMatching(/^Neo4jPlugin rdf is not installed: Neosemantics \(n10s\)/u)]);
    expect(envOf(response).some((e) => e.name === 'NEO4J_PLUGINS')).toBe(false);
  });

  it('gives a standalone the same env, conf block, license volume and annotation', () => {
    const response = preview(standalone(), [plugin('g', { name: 'gds', version: '2.9.0', license: { keySecret: 'lic' } })], { now }).response;
    const template = podTemplate(response);
    expect(template.metadata.annotations[PLUGINS_ANNOTATION]).toMatch(/^g=graph-data-science:[0-9a-f]{16}$/u);
    expect(template.spec.containers[0].env).toContainEqual({ name: 'NEO4J_PLUGINS', value: '["graph-data-science"]' });
    expect(template.spec.containers[0].volumeMounts).toContainEqual({ name: 'plugin-licenses', mountPath: '/licenses', readOnly: true });
    expect(template.spec.volumes).toContainEqual({
      name: 'plugin-licenses',
      projected: { defaultMode: 0o440, sources: [{ secret: { name: 'lic', items: [{ key: 'gds.license', path: 'gds.license' }] } }] },
    });
    expect(pluginBlock(conf(response))).toEqual({ 'dbms.security.procedures.unrestricted': 'gds.*', 'gds.enterprise.license_file': '/licenses/gds.license' });
    for (const child of response.children) expect(schemaError(child)).toBeUndefined();
  });

  it('reads status.plugins back from the observed StatefulSet\'s pod template', () => {
    const annotation = 'b=bloom:0123456789abcdef,a=apoc:fedcba9876543210,bad entry,c=x:123';
    expect(parsePluginsAnnotation(annotation)).toEqual([
      { name: 'a', plugin: 'apoc', fingerprint: 'fedcba9876543210' },
      { name: 'b', plugin: 'bloom', fingerprint: '0123456789abcdef' },
    ]);
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: { metadata: { annotations: { [PLUGINS_ANNOTATION]: annotation } } } } };
    expect(observedPluginStatus(sts)).toEqual({ plugins: parsePluginsAnnotation(annotation) });
    expect(observedPluginStatus(undefined)).toEqual({});
  });
});

describe('the Neo4jPlugin hook', () => {
  const ready = (plugins: Obj[] = [], progressing = 'False', phase = 'Ready') => ({
    phase,
    observedGeneration: 1,
    conditions: [
      { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason: phase, message: 'x', lastTransitionTime: '2025-12-31T00:00:00Z' },
      { type: 'Progressing', status: progressing, reason: 'x', message: 'x', lastTransitionTime: '2025-12-31T00:00:00Z' },
    ],
    plugins,
  });
  const status = (parent: K8sObject, observed: K8sObject[]) => preview(parent, observed, { now }).response;
  const apoc = plugin('apoc', { name: 'apoc' });
  const entry = { name: 'apoc', plugin: 'apoc', fingerprint: readPlugin(apoc).plugin.fingerprint };

  it('is registered, has no children and reads its target and the namespace\'s plugins', () => {
    expect(reconcilerFor('neo4jplugins')).toBe(pluginReconciler);
    expect(pluginReconciler.children).toEqual([]);
    expect(pluginReconciler.finalize).toBeUndefined();
    expect(customizePlugin(apoc as unknown as Plugin)).toEqual([
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jenterpriseclusters', namespace: 'ns', names: ['graph'] },
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jenterprisestandalones', namespace: 'ns', names: ['graph'] },
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jplugins', namespace: 'ns', labelSelector: {} },
    ]);
    expect(customizePlugin(plugin('p', { name: 'apoc', clusterRef: '' }) as unknown as Plugin)).toEqual([
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jplugins', namespace: 'ns', labelSelector: {} },
    ]);
  });

  it('goes Waiting → Installing → Ready as the target picks the plugin up and rolls', () => {
    expect(status(apoc, []).status).toMatchObject({ phase: 'Waiting', conditions: [{ reason: 'TargetNotFound' }] });
    expect(status(apoc, [cluster()]).status).toMatchObject({ phase: 'Waiting', conditions: [{ reason: 'TargetNotReady' }] });
    expect(status(apoc, [cluster('5.26.0-enterprise', {}, ready())]).status).toMatchObject({ phase: 'Installing' });
    expect(status(apoc, [cluster('5.26.0-enterprise', {}, ready([entry], 'True', 'Forming'))]).status).toMatchObject({ phase: 'Installing' });
    expect(status(apoc, [cluster('5.26.0-enterprise', {}, ready([entry], 'True'))]).status).toMatchObject({ phase: 'Installing' });
    const done = status(apoc, [cluster('5.26.0-enterprise', {}, ready([entry]))]);
    expect(done.status).toMatchObject({ phase: 'Ready', message: 'Plugin installed and configured successfully', conditions: [{ type: 'Ready', status: 'True' }], observedGeneration: 1 });
    expect(done.resyncAfterSeconds).toBeUndefined();
  });

  it('is Installing, not Ready, while the servers run an older spec of it or the target reports an older generation', () => {
    expect(status(apoc, [cluster('5.26.0-enterprise', {}, ready([{ ...entry, fingerprint: '0000000000000000' }]))]).status).toMatchObject({ phase: 'Installing' });
    const behind = { ...cluster('5.26.0-enterprise', {}, ready([entry])), metadata: { name: 'graph', namespace: 'ns', generation: 2 } };
    expect(status(apoc, [behind]).status).toMatchObject({ phase: 'Installing' });
  });

  it('reports a disabled plugin Installing (Removing) until the servers drop it, then Disabled', () => {
    const off = plugin('apoc', { name: 'apoc', enabled: false });
    expect(status(off, [cluster('5.26.0-enterprise', {}, ready([entry]))]).status).toMatchObject({ phase: 'Installing', conditions: [{ reason: 'Removing' }] });
    expect(status(off, [cluster('5.26.0-enterprise', {}, ready())]).status).toMatchObject({ phase: 'Disabled', conditions: [{ status: 'True', reason: 'Disabled' }] });
  });

  it('waits on a Failed target (its changes are held), and is Disabled without a target when disabled', () => {
    expect(status(apoc, [cluster('5.26.0-enterprise', {}, { ...ready([entry]), phase: 'Failed' })]).status).toMatchObject({ phase: 'Waiting', conditions: [{ reason: 'TargetFailed' }] });
    expect(status(plugin('apoc', { name: 'apoc', enabled: false }), []).status).toMatchObject({ phase: 'Disabled', conditions: [{ status: 'True' }] });
  });

  it('refuses a raw spec the API server would refuse, rather than guess (enabled: "false" must not enable it)', () => {
    expect(errorsOf({ name: 'apoc', enabled: 'false' })).toEqual(['spec.enabled: Invalid value: "string": enabled must be of type boolean']);
    expect(errorsOf({ name: 'apoc', config: { 'apoc.trigger.enabled': true } })).toEqual([expect.stringContaining('spec.config.apoc.trigger.enabled')]);
  });

  it('fails on its own spec even without a target, and on the target\'s version once there is one', () => {
    expect(status(plugin('p', { name: 'apoc', version: 'x' }), []).status).toMatchObject({ phase: 'Failed', message: expect.stringMatching(/^Validation failed: spec.version/u) });
    expect(status(plugin('p', { name: 'n10s' }), [cluster('2025.06.0-enterprise', {}, ready())]).status).toMatchObject({ phase: 'Failed', conditions: [{ reason: 'UnsupportedVersion' }] });
  });

  it('agrees with the target on duplicates: the target installs the older, the newer is Failed', () => {
    const older = plugin('one', { name: 'apoc' }, { creationTimestamp: '2025-01-01T00:00:00Z' });
    const newer = plugin('two', { name: 'apoc' }, { creationTimestamp: '2025-02-01T00:00:00Z' });
    const target = cluster('5.26.0-enterprise', {}, ready());
    expect(status(newer, [older, target]).status).toMatchObject({ phase: 'Failed', conditions: [{ reason: 'Duplicate' }] });
    expect(status(older, [newer, target]).status).toMatchObject({ phase: 'Installing' });
    const annotations = podTemplate(renderCluster([older, newer])).metadata.annotations;
    expect(annotations[PLUGINS_ANNOTATION]).toMatch(/^one=apoc:/u);
  });

  it('answers over HTTP', async () => {
    const app = buildApp({ now: () => now, processMetrics: false });
    const reply = await app.inject({ method: 'POST', url: '/hooks/neo4jplugins/customize', payload: { parent: apoc } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().relatedResources).toHaveLength(3);
    await app.close();
  });
});

describe('hostile values in every plugin field that reaches neo4j.conf or the environment', () => {
  const HOSTILE = [
    'x\ndbms.security.auth_enabled=false',
    'x\rdbms.security.auth_enabled=false',
    'x\u2028dbms.security.auth_enabled=false',
    'x\u0085dbms.security.auth_enabled=false',
    '$(touch /tmp/pwned)',
    'x\\',
    'a,b=/c,dbms.security.auth_enabled=false',
    '"],"injected":["',
    'x y',
    'x\u0000y',
    '#comment',
    '=',
    'x'.repeat(5000),
  ];
  const fields: Array<[string, (h: string) => Obj]> = [
    ['spec.name', (h) => ({ name: h })],
    ['spec.version', (h) => ({ name: 'apoc', version: h })],
    ['config key', (h) => ({ name: 'apoc', config: { [`apoc.${h}`]: 'true' } })],
    ['config value (apoc env)', (h) => ({ name: 'apoc', config: { 'apoc.trigger.enabled': h } })],
    ['config value (neo4j.conf)', (h) => ({ name: 'gds', version: '2.9.0', config: { 'gds.arrow.enabled': h } })],
    ['config list value', (h) => ({ name: 'bloom', version: '2.9.0', config: { 'dbms.security.http_auth_allowlist': h } })],
    ['allowedProcedures', (h) => ({ name: 'apoc', security: { allowedProcedures: [h] } })],
    ['deniedProcedures', (h) => ({ name: 'apoc', security: { allowedProcedures: ['apoc.load.*'], deniedProcedures: [h] } })],
    ['dependency name', (h) => ({ name: 'gds', version: '2.9.0', dependencies: [{ name: h }] })],
    ['license keySecret', (h) => ({ name: 'gds', version: '2.9.0', license: { keySecret: h } })],
    ['license licenseFile', (h) => ({ name: 'gds', version: '2.9.0', license: { licenseFile: h } })],
    ['clusterRef', (h) => ({ name: 'apoc', clusterRef: h })],
  ];
  const CONF_LINE = /^(|#[^\r\n]*|[A-Za-z0-9_.-]+=[^\r\n\u0085\u2028\u2029]*)$/u;

  for (const [field, make] of fields) {
    it(`${field}: refused, or rendered inertly`, () => {
      for (const hostile of HOSTILE) {
        const doc = plugin('p', make(hostile));
        const { errors } = readPlugin(doc);
        const response = renderCluster([doc]);
        const text = conf(response);
        // Every line of neo4j.conf is a comment or one key=value; no hostile line got in.
        for (const line of text.split('\n')) expect(CONF_LINE.test(line), `${field} ${JSON.stringify(hostile)}: ${JSON.stringify(line)}`).toBe(true);
        expect(text).not.toMatch(/^dbms\.security\.auth_enabled/mu);
        expect(text).not.toContain('$(');
        const env = envOf(response);
        for (const e of env) {
          expect(e.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/u);
          expect(e.value ?? '').not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\$\(/u);
        }
        const plugins = env.find((e) => e.name === 'NEO4J_PLUGINS');
        if (plugins) for (const name of JSON.parse(plugins.value!)) expect(CATALOGUE_NAMES).toContain(name);
        for (const child of response.children) expect(schemaError(child), `${field} ${JSON.stringify(hostile)}`).toBeUndefined();
        const installed = resolvePlugins([doc], target()).set !== undefined;
        // Whatever is refused is said so, and never reaches the pods.
        if (errors.length > 0) expect(installed).toBe(false);
        if (!installed) expect(plugins).toBeUndefined();
        // The plugin's own hook answers with a plain status, whatever the field holds.
        const own = preview(doc, [cluster()], { now }).response;
        expect(['Waiting', 'Installing', 'Failed']).toContain((own.status as Obj).phase);
      }
    });
  }

  it('a plugin whose config would add a line is Failed with a clear message', () => {
    const { errors } = readPlugin(plugin('p', { name: 'gds', version: '2.9.0', config: { 'gds.arrow.enabled': 'true\ndbms.security.auth_enabled=false' } }));
    expect(errors).toEqual([expect.stringContaining('contains a line break or control character, which would corrupt neo4j.conf')]);
  });
});
