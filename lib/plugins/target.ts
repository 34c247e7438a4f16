/**
 * Neo4jPlugins on the target's side: how a Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone
 * reads them (a customize rule for every Neo4jPlugin of its namespace: a label selector cannot
 * select by `spec.clusterRef`, so the merge filters), and what they add to its server pods:
 *
 * - neo4j.conf: a block after the features' blocks, through the feature-settings mechanism
 *   (lib/features/settings.ts), so a user's spec.config key wins with a warning exactly as it does
 *   over TLS or monitoring settings. Its header comment names `NEO4J_PLUGINS` and every installed
 *   Neo4jPlugin with its fingerprint: the header is always there when a plugin is, so the
 *   configuration hash (and with it the servers) changes whenever a plugin is added, changed or
 *   removed, even one that adds no setting;
 * - environment: `NEO4J_PLUGINS` (the Docker entrypoint copies or downloads the jars into the
 *   /plugins volume at start) and APOC's `NEO4J_apoc_*` settings;
 * - the license Secrets of GDS and Bloom, projected read-only at /licenses;
 * - the pod-template annotation `neo4j.neo4j.com/plugins`, the same list as the header, from which
 *   the target's `status.plugins` is read back (observation, not intent): a plugin's hook reports
 *   Ready once its fingerprint is there and the target has settled.
 */
import type { EnvVar, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { HookRequest, RelatedResource } from '../hook/reconciler.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { API_VERSION } from '../schemas/kind.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { featureConflicts, renderFeatureSections } from '../features/settings.js';
import { LICENSE_DIR } from './catalogue.js';
import { relatedPlugins, resolvePlugins, PLUGIN_KIND, type PluginResolution, type PluginSet, type PluginTarget } from './merge.js';

/** Neo4jPlugin as a related type of the cluster and standalone kinds. */
export const PLUGIN_RELATED: RelatedResource = { apiVersion: API_VERSION, kind: PLUGIN_KIND, resource: 'neo4jplugins' };

/** Every Neo4jPlugin of `namespace` (the merge keeps those whose clusterRef names the target). */
export function pluginsRule(namespace: string): RelatedResourceRule {
  return { apiVersion: PLUGIN_RELATED.apiVersion, resource: PLUGIN_RELATED.resource, namespace, labelSelector: {} };
}

/** Pod-template annotation listing the installed Neo4jPlugins: `name=plugin:fingerprint,…`. */
export const PLUGINS_ANNOTATION = 'neo4j.neo4j.com/plugins';
/** The projected volume of the license Secrets. */
export const LICENSES_VOLUME = 'plugin-licenses';
/** The environment variable the Docker entrypoint installs plugins from. */
export const PLUGINS_ENV = 'NEO4J_PLUGINS';

/** The Neo4jPlugins of a target and what the target's status should say about them. */
export interface TargetPlugins {
  resolution: PluginResolution;
  /** Undefined when no plugin is installed: the pods are exactly as without plugins. */
  set?: PluginSet;
  warnings: string[];
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function userEnvOf(spec: Record<string, unknown>): EnvVar[] {
  return Array.isArray(spec.env) ? (spec.env.filter((e) => isRecord(e) && typeof e.name === 'string') as EnvVar[]) : [];
}

function userConfigOf(spec: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record(spec.config)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The Neo4jPlugins of the request's parent (a cluster or standalone running `version`): the
 * merge, and warnings for the parent's status: plugins that are not installed and why, spec.config
 * keys that replace a plugin's setting, spec.env entries that replace a plugin's variable.
 */
export function targetPlugins(request: HookRequest, kind: PluginTarget['kind'], version: Neo4jVersion): TargetPlugins {
  const parent = request.parent;
  const target: PluginTarget = { kind, name: parent.metadata.name, namespace: parent.metadata.namespace ?? '', version };
  const resolution = resolvePlugins(relatedPlugins(request.related), target);
  const warnings = resolution.verdicts.flatMap((v) => (v.state === 'failed' ? [`Neo4jPlugin ${v.plugin.cr} is not installed: ${v.errors.join('; ')}`] : []));
  const spec = record(parent.spec);
  if (resolution.set) {
    warnings.push(...featureConflicts([resolution.set.settings], userConfigOf(spec)).warnings);
    warnings.push(...pluginEnv(resolution.set, userEnvOf(spec)).warnings);
  }
  return { resolution, ...(resolution.set ? { set: resolution.set } : {}), warnings };
}

/**
 * The plugins' neo4j.conf block: the features' rendering (spec.config keys left out, the user's
 * line is the one Neo4j reads), and the header alone when every entry is the user's or there is
 * none. Empty without plugins.
 */
export function pluginConf(set: PluginSet | undefined, userConfig: Readonly<Record<string, string>>): string {
  if (!set) return '';
  return renderFeatureSections([set.settings], userConfig) || `\n# ${set.settings.title}\n`;
}

function nameList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((n) => typeof n === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The environment after the hook's own variables: `NEO4J_PLUGINS`, APOC's settings, then the
 * user's spec.env. A user `NEO4J_PLUGINS` that is a JSON list of names is merged into the list; a
 * user variable of the same name as an APOC setting wins (warned). Without plugins, the user's
 * entries unchanged.
 */
export function pluginEnv(set: PluginSet | undefined, userEnv: readonly EnvVar[]): { env: EnvVar[]; warnings: string[] } {
  if (!set) return { env: [...userEnv], warnings: [] };
  const warnings: string[] = [];
  let names = set.names;
  const overridden = new Set<string>();
  const user: EnvVar[] = [];
  for (const entry of userEnv) {
    if (entry.name === PLUGINS_ENV) {
      const listed = entry.valueFrom ? undefined : nameList(entry.value);
      const extra = (listed ?? []).filter((n) => !set.names.includes(n));
      if (extra.length > 0) {
        warnings.push(
          `spec.env ${PLUGINS_ENV} adds ${extra.join(', ')}, which no Neo4jPlugin installs: the image adds a plugin's default settings only where neo4j.conf has none, and the Neo4jPlugin block sets ${set.settings.entries.map(([k]) => k).filter((k) => k.startsWith('dbms.security.')).join(', ') || 'none'}; install it with a Neo4jPlugin instead`,
        );
      }
      if (listed) names = [...new Set([...names, ...listed])].sort();
      else warnings.push(`spec.env ${PLUGINS_ENV} is not a JSON list of plugin names: the servers get ${JSON.stringify(set.names)} from the Neo4jPlugin resources instead`);
      continue;
    }
    if (set.env.some((e) => e.name === entry.name)) {
      overridden.add(entry.name);
      warnings.push(`spec.env ${entry.name} replaces the value a Neo4jPlugin sets for it`);
    }
    user.push(entry);
  }
  return {
    env: [{ name: PLUGINS_ENV, value: JSON.stringify(names) }, ...set.env.filter((e) => !overridden.has(e.name)), ...user],
    warnings,
  };
}

/** The projected volume of the license Secrets (none without licenses). */
export function pluginVolumes(set: PluginSet | undefined): Volume[] {
  if (!set || set.licenses.length === 0) return [];
  return [
    {
      name: LICENSES_VOLUME,
      projected: { defaultMode: 0o440, sources: set.licenses.map((l) => ({ secret: { name: l.secret, items: [{ key: l.key, path: l.path }] } })) },
    },
  ];
}

/** The read-only /licenses mount (none without licenses). */
export function pluginVolumeMounts(set: PluginSet | undefined): VolumeMount[] {
  return set && set.licenses.length > 0 ? [{ name: LICENSES_VOLUME, mountPath: LICENSE_DIR, readOnly: true }] : [];
}

/** The pod-template annotation (none without plugins). */
export function pluginAnnotations(set: PluginSet | undefined): Record<string, string> {
  return set ? { [PLUGINS_ANNOTATION]: set.label } : {};
}

/** One entry of a target's `status.plugins`. */
export interface ObservedPlugin {
  /** The Neo4jPlugin's name. */
  name: string;
  /** Its catalogue name. */
  plugin: string;
  fingerprint: string;
}

const ANNOTATION_ITEM = /^([a-z0-9.-]+)=([a-z0-9-]+):([0-9a-f]{16})$/u;

/** The entries of a {@link PLUGINS_ANNOTATION} value; malformed items are skipped. */
export function parsePluginsAnnotation(value: string | undefined): ObservedPlugin[] {
  if (!value) return [];
  return value
    .split(',')
    .flatMap((item) => {
      const match = ANNOTATION_ITEM.exec(item.trim());
      return match ? [{ name: match[1]!, plugin: match[2]!, fingerprint: match[3]! }] : [];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * `status.plugins` of a target, read from its observed server StatefulSet's pod template: the
 * Neo4jPlugins the servers are (being) rolled to; all servers run them once the target's
 * Progressing condition is False. Empty (no field) before the StatefulSet exists or without plugins.
 */
export function observedPluginStatus(statefulSet: K8sObject | undefined): { plugins?: ObservedPlugin[] } {
  const template = record(record(record(statefulSet?.spec).template).metadata);
  const value = record(template.annotations)[PLUGINS_ANNOTATION];
  const plugins = parsePluginsAnnotation(typeof value === 'string' ? value : undefined);
  return plugins.length > 0 ? { plugins } : {};
}
