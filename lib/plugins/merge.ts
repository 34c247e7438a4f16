/**
 * Which Neo4jPlugins a cluster or standalone installs, and what they add to its servers, decided
 * the same way by the target's hook and by each plugin's hook (both see every Neo4jPlugin of the
 * namespace), so the target and the plugins' statuses always agree.
 *
 * Rules, in order:
 * 1. Neo4jPlugins whose `spec.clusterRef` names the target and that are not being deleted take
 *    part, oldest first (creationTimestamp, then name).
 * 2. A plugin with an error of its own or for the target's version fails; `enabled: false` is
 *    disabled (not installed). Neither takes part further.
 * 3. Two plugins for the same catalogue name (`gds` and `graph-data-science` are one): the older
 *    wins, the newer fails as a duplicate.
 * 4. Each remaining plugin, oldest first, joins unless it conflicts with those that joined before
 *    it: a setting set to another value, or a procedure denied by one plugin that the merged
 *    allowlist would load. A conflicting plugin fails.
 *
 * What the joined plugins add:
 * - `NEO4J_PLUGINS`: their catalogue names and their dependencies', sorted and de-duplicated;
 * - `dbms.security.procedures.unrestricted`: each plugin's namespaces (`apoc.*`, `gds.*`…) and its
 *   allowedProcedures, unless the plugin is sandboxed; plus any entries its spec.config lists;
 * - `dbms.security.procedures.allowlist`, only when a plugin needs one (allowedProcedures, or
 *   fleet-management): each plugin's allowedProcedures, or its namespaces when it lists none, so an
 *   allowlist never silently unloads another plugin;
 * - Bloom's `dbms.security.http_auth_allowlist` and `server.unmanaged_extension_classes`;
 * - every list setting comma-joined, sorted, de-duplicated: a plugin never overwrites another's
 *   entries;
 * - the license file setting of GDS and Bloom (the Secret is mounted at /licenses);
 * - the plugins' other settings; APOC's go to apoc.conf through the Docker image's `NEO4J_apoc_*`
 *   environment variables (APOC 5 ignores apoc.* in neo4j.conf).
 */
import { isRecord, type K8sObject } from '../k8s/object.js';
import { listObserved, type ObservedMap } from '../k8s/observed.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import type { FeatureSettings } from '../features/settings.js';
import { API_VERSION } from '../schemas/kind.js';
import { APOC_PREFIX, catalogueEntry, isListSetting, LIST_SETTINGS, type CatalogueEntry, type CatalogueName, type ListSetting } from './catalogue.js';
import { configList, dockerEnvName, globCovers, installedDependencies, quote, readPlugin, versionErrors, type PluginRequest } from './spec.js';

/** The Neo4jPlugin kind. */
export const PLUGIN_KIND = 'Neo4jPlugin';

/** The deployment plugins are installed into. */
export interface PluginTarget {
  kind: 'Neo4jEnterpriseCluster' | 'Neo4jEnterpriseStandalone';
  name: string;
  namespace: string;
  version: Neo4jVersion;
}

/** What becomes of one Neo4jPlugin on its target. */
export type PluginVerdict =
  | { state: 'installed'; plugin: PluginRequest; name: CatalogueName; notes: string[] }
  | { state: 'disabled'; plugin: PluginRequest }
  | { state: 'failed'; plugin: PluginRequest; reason: FailureReason; errors: string[] };

/** Why a plugin is not installed: its spec, its target's version, a duplicate, a conflict. */
export type FailureReason = 'ValidationFailed' | 'UnsupportedVersion' | 'Duplicate' | 'Conflict';

/** A joined plugin as the servers' pod template records it. */
export interface InstalledPlugin {
  /** The Neo4jPlugin's name. */
  cr: string;
  name: CatalogueName;
  fingerprint: string;
}

/** A license file to mount: key `key` of Secret `secret` at `/licenses/<path>`. */
export interface LicenseMount {
  secret: string;
  key: string;
  path: string;
}

/** Everything the joined plugins add to the target's servers. */
export interface PluginSet {
  installed: InstalledPlugin[];
  /** `NEO4J_PLUGINS`, sorted. */
  names: string[];
  /** The neo4j.conf block (see lib/features/settings.ts). */
  settings: FeatureSettings;
  /** `NEO4J_apoc_*` variables, by name. */
  env: Array<{ name: string; value: string }>;
  licenses: LicenseMount[];
  /** `cr=name:fingerprint,…` by Neo4jPlugin name: the pod-template annotation and the conf header. */
  label: string;
  /** Catalogue plugins the image downloads at every start (the servers need egress for them). */
  downloaded: string[];
}

/** The verdict on every Neo4jPlugin of the target (by name) and what the joined ones add. */
export interface PluginResolution {
  verdicts: PluginVerdict[];
  /** Undefined when no plugin joined. */
  set?: PluginSet;
}

function olderFirst(a: PluginRequest, b: PluginRequest): number {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.cr < b.cr ? -1 : a.cr > b.cr ? 1 : 0;
}

function union(...lists: ReadonlyArray<readonly string[]>): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const item of list) all.add(item);
  return [...all].sort();
}

/** `globs` without the entries another entry already covers (`apoc.load.*` under `apoc.*`). */
function withoutCovered(globs: readonly string[]): string[] {
  // Only a wildcard entry covers another entry than itself.
  const wildcards = globs.filter((g) => g.includes('*') || g.includes('?'));
  return globs.filter((g) => !wildcards.some((other) => other !== g && globCovers(other, g)));
}

/** Dependencies of `joined` that no joined plugin installs itself. */
function extraDependencies(joined: readonly PluginRequest[], version: Neo4jVersion): CatalogueName[] {
  const own = new Set(joined.map((p) => p.name));
  return union(...joined.map((p) => installedDependencies(p, version))).filter((d) => !own.has(d as CatalogueName)) as CatalogueName[];
}

/** The joined plugins' catalogue entries and those of the dependencies they install besides. */
interface ListSources {
  entries: Array<{ plugin: PluginRequest; entry: CatalogueEntry }>;
  deps: CatalogueEntry[];
}

function listSources(joined: readonly PluginRequest[], version: Neo4jVersion): ListSources {
  return {
    entries: joined.map((p) => ({ plugin: p, entry: catalogueEntry(p.name!) })),
    deps: extraDependencies(joined, version).map(catalogueEntry),
  };
}

/** The merged `dbms.security.procedures.allowlist` of `joined` (empty when no plugin needs one). */
function mergedAllowlist({ entries, deps }: ListSources, version: Neo4jVersion): string[] {
  const configured = entries.map(({ plugin }) => configList(plugin, LIST_SETTINGS.allowlist));
  const needsAllowlist =
    entries.some(({ plugin, entry }, i) => plugin.allowed.length > 0 || entry.forcesAllowlist || configured[i]!.length > 0) || deps.some((d) => d.forcesAllowlist);
  if (!needsAllowlist) return [];
  return withoutCovered(
    union(
      ...entries.map(({ plugin, entry }) => (plugin.allowed.length > 0 ? plugin.allowed : entry.procedures(version))),
      ...configured,
      ...deps.map((d) => d.procedures(version)),
    ),
  );
}

/** The merged list settings of `joined` (see the module comment). */
export function mergedLists(joined: readonly PluginRequest[], version: Neo4jVersion): Record<ListSetting, string[]> {
  const sources = listSources(joined, version);
  const { entries, deps } = sources;
  const unrestricted = union(
    ...entries.map(({ plugin, entry }) => (plugin.sandbox ? [] : [...entry.procedures(version), ...plugin.allowed])),
    ...joined.map((p) => configList(p, LIST_SETTINGS.unrestricted)),
    ...deps.map((d) => d.procedures(version)),
  );
  const fixed = (key: ListSetting) => union(...[...entries.map((e) => e.entry), ...deps].map((e) => e.lists[key] ?? []), ...joined.map((p) => configList(p, key)));
  return {
    [LIST_SETTINGS.unrestricted]: withoutCovered(unrestricted),
    [LIST_SETTINGS.allowlist]: mergedAllowlist(sources, version),
    [LIST_SETTINGS.httpAuthAllowlist]: fixed(LIST_SETTINGS.httpAuthAllowlist),
    [LIST_SETTINGS.extensions]: fixed(LIST_SETTINGS.extensions),
  } as Record<ListSetting, string[]>;
}

/** The single-valued settings of a plugin: its spec.config (list settings aside) and its license file. */
function scalarSettings(plugin: PluginRequest): Array<[string, string]> {
  const entry = catalogueEntry(plugin.name!);
  const license = entry.license && plugin.license ? ([[entry.license.setting, plugin.license.keySecret ? entry.license.path : plugin.license.licenseFile!]] as Array<[string, string]>) : [];
  const config = plugin.config.filter(([k]) => !isListSetting(k) && !(entry.license && k === entry.license.setting && plugin.license));
  return [...license, ...config];
}

/** A plugin that takes part in the merge, with its single-valued settings (derived once). */
interface Member {
  plugin: PluginRequest;
  settings: ReadonlyMap<string, string>;
}

function member(plugin: PluginRequest): Member {
  return { plugin, settings: new Map(scalarSettings(plugin)) };
}

function conflicts(candidate: Member, joined: readonly Member[], version: Neo4jVersion): string[] {
  const errors: string[] = [];
  for (const [key, value] of candidate.settings) {
    for (const other of joined) {
      const theirs = other.settings.get(key);
      if (theirs !== undefined && theirs !== value) {
        errors.push(`setting ${key}=${quote(value)} conflicts with Neo4jPlugin ${other.plugin.cr}, which sets ${key}=${quote(theirs)}`);
      }
    }
  }
  const all = [...joined.map((m) => m.plugin), candidate.plugin];
  // The merged allowlist matters only to a denied procedure.
  if (!all.some((p) => p.denied.length > 0)) return errors;
  const allowlist = mergedAllowlist(listSources(all, version), version);
  for (const plugin of all) {
    for (const denied of plugin.denied) {
      const covering = allowlist.find((entry) => globCovers(entry, denied));
      if (covering) {
        const whose = plugin === candidate.plugin ? 'it denies' : `Neo4jPlugin ${plugin.cr} denies`;
        errors.push(
          `${whose} procedure ${quote(denied)}, but the merged ${LIST_SETTINGS.allowlist} would load it through ${quote(covering)} (Neo4j has no denylist: a denied procedure must be covered by no allowlist entry)`,
        );
      }
    }
  }
  return errors;
}

/** The Neo4jPlugins among observed related objects. */
export function relatedPlugins(related: ObservedMap): K8sObject[] {
  return listObserved(related, PLUGIN_KIND, API_VERSION);
}

function pluginSet(members: readonly Member[], version: Neo4jVersion): PluginSet {
  const joined = members.map((m) => m.plugin);
  const byName = [...joined].sort((a, b) => (a.cr < b.cr ? -1 : 1));
  const installed = byName.map((p) => ({ cr: p.cr, name: p.name!, fingerprint: p.fingerprint }));
  const deps = extraDependencies(joined, version);
  const names = union(
    installed.map((p) => p.name),
    deps,
  );
  const lists = mergedLists(joined, version);
  const listEntries = (Object.values(LIST_SETTINGS) as ListSetting[]).filter((k) => lists[k].length > 0).map((k): [string, string] => [k, lists[k].join(',')]);
  const scalars = new Map<string, string>();
  for (const { settings } of members) for (const [key, value] of settings) scalars.set(key, value);
  const sortedScalars = [...scalars.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const label = installed.map((p) => `${p.cr}=${p.name}:${p.fingerprint}`).join(',');
  const licenses: LicenseMount[] = joined
    .flatMap((p) => {
      const license = catalogueEntry(p.name!).license;
      return license && p.license?.keySecret ? [{ secret: p.license.keySecret, key: license.secretKey, path: license.secretKey }] : [];
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    installed,
    names,
    settings: {
      title: `Plugins of the Neo4jPlugin resources (NEO4J_PLUGINS=${JSON.stringify(names)}): ${label}`,
      source: `the Neo4jPlugin resources (${installed.map((p) => p.cr).join(', ')})`,
      entries: [...listEntries, ...sortedScalars.filter(([k]) => !k.startsWith(APOC_PREFIX))],
      owned: [],
    },
    env: sortedScalars.filter(([k]) => k.startsWith(APOC_PREFIX)).map(([k, v]) => ({ name: dockerEnvName(k), value: v })),
    licenses,
    label,
    downloaded: names.filter((n) => catalogueEntry(n as CatalogueName).downloaded),
  };
}

/** Whether `object` is a Neo4jPlugin of `target` that is not being deleted (read before any check). */
function takesPart(object: K8sObject, target: PluginTarget): boolean {
  if (object.kind !== PLUGIN_KIND || (object.metadata.namespace ?? target.namespace) !== target.namespace || object.metadata.deletionTimestamp) return false;
  const clusterRef = isRecord(object.spec) ? object.spec.clusterRef : undefined;
  // As readPlugin reads it: '' when it is not a string.
  return (typeof clusterRef === 'string' ? clusterRef : '') === target.name;
}

/** The verdicts (sorted by Neo4jPlugin name) and the joined plugins, oldest first. */
function judge(objects: readonly K8sObject[], target: PluginTarget): { verdicts: PluginVerdict[]; joined: Member[] } {
  const candidates = objects
    .filter((o) => takesPart(o, target))
    .map(readPlugin)
    .sort((a, b) => olderFirst(a.plugin, b.plugin));
  const verdicts: PluginVerdict[] = [];
  const valid: Array<{ plugin: PluginRequest; notes: string[] }> = [];
  for (const { plugin, errors } of candidates) {
    const version = errors.length === 0 ? versionErrors(plugin, target.version) : { errors: [], notes: [] };
    if (errors.length > 0) verdicts.push({ state: 'failed', plugin, reason: 'ValidationFailed', errors });
    else if (version.errors.length > 0) verdicts.push({ state: 'failed', plugin, reason: 'UnsupportedVersion', errors: version.errors });
    else if (!plugin.enabled) verdicts.push({ state: 'disabled', plugin });
    else valid.push({ plugin, notes: version.notes });
  }
  const joined: Member[] = [];
  const winners = new Map<CatalogueName, PluginRequest>();
  for (const { plugin, notes } of valid) {
    const winner = winners.get(plugin.name!);
    if (winner) {
      verdicts.push({
        state: 'failed',
        plugin,
        reason: 'Duplicate',
        errors: [`duplicate: Neo4jPlugin ${winner.cr}, created earlier, already installs ${plugin.name} into ${target.kind} ${target.name}; delete one of them`],
      });
      continue;
    }
    winners.set(plugin.name!, plugin);
    const candidate = member(plugin);
    const found = conflicts(candidate, joined, target.version);
    if (found.length > 0) {
      verdicts.push({ state: 'failed', plugin, reason: 'Conflict', errors: found });
      continue;
    }
    joined.push(candidate);
    verdicts.push({ state: 'installed', plugin, name: plugin.name!, notes });
  }
  verdicts.sort((a, b) => (a.plugin.cr < b.plugin.cr ? -1 : a.plugin.cr > b.plugin.cr ? 1 : 0));
  return { verdicts, joined };
}

/**
 * Applies the rules of the module comment to the Neo4jPlugin `objects` (any kind and namespace;
 * the others are ignored) for `target`. Pure and order-independent.
 */
export function resolvePlugins(objects: readonly K8sObject[], target: PluginTarget): PluginResolution {
  const { verdicts, joined } = judge(objects, target);
  return { verdicts, ...(joined.length > 0 ? { set: pluginSet(joined, target.version) } : {}) };
}

/** {@link resolvePlugins}' verdicts alone, without deriving what the joined plugins add (a plugin's own hook). */
export function pluginVerdicts(objects: readonly K8sObject[], target: PluginTarget): PluginVerdict[] {
  return judge(objects, target).verdicts;
}
