/**
 * The Neo4jPlugin reconciler. A plugin has no children: the cluster or standalone it names
 * installs it (lib/plugins/target.ts), so this hook only reports, from related objects (the target
 * by name, and every Neo4jPlugin of the namespace, to apply the merge's duplicate and conflict
 * rules exactly as the target does):
 *
 * - `Failed`: the spec is invalid, the plugin is not available for the target's Neo4j version
 *   (n10s on a calendar version, a version below the minimum), it duplicates an older Neo4jPlugin
 *   for the same target and plugin, or it conflicts with an older one;
 * - `Waiting`: the target does not exist, is being deleted, or is not Ready and does not run the
 *   plugin yet;
 * - `Installing`: the target's server pod template carries this plugin spec (its fingerprint in the
 *   target's `status.plugins`) but the servers are still rolling, or the target has yet to pick it up;
 * - `Ready`: the target is Ready, settled (Progressing not True, status of its current generation)
 *   and its servers run this very spec;
 * - `Disabled` (`enabled: false`): once the servers no longer run it (`Installing` while they roll
 *   it out).
 *
 * Deleting a Neo4jPlugin needs no cleanup here: the target's next sync (Metacontroller resyncs it
 * when a related object changes) leaves the plugin out and rolls the servers; no finalizer.
 */
import type { Desired, HookRequest, Reconciler, RelatedResource } from '../hook/reconciler.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { pluginKind, type PluginSpec } from '../schemas/plugin.js';
import { buildConditions } from '../k8s/conditions.js';
import { isRecord, type K8sObject, type Resource } from '../k8s/object.js';
import { parseNeo4jVersion } from '../neo4j/version.js';
import { findTarget, isTargetReady, TARGET_RELATED, targetRules, type Target } from '../targets/connection.js';
import { pluginVerdicts, relatedPlugins, type PluginVerdict } from './merge.js';
import { quote, readPlugin } from './spec.js';
import { PLUGIN_RELATED, pluginsRule, type ObservedPlugin } from './target.js';

/** A Neo4jPlugin as the hook receives it. */
export type Plugin = Resource<PluginSpec>;

/** The operator's message of phase Ready, kept verbatim. */
export const PLUGIN_READY_MESSAGE = 'Plugin installed and configured successfully';

/** Seconds until the next sync while the plugin waits for its target. */
export const PLUGIN_RESYNC_SECONDS = 30;

/** Related types: the target (either kind) and the Neo4jPlugins of the namespace. */
export const PLUGIN_RELATED_TYPES: readonly RelatedResource[] = [...TARGET_RELATED, PLUGIN_RELATED];

/** The phases a Neo4jPlugin reports: the operator's four and `Disabled`. */
export type PluginPhase = 'Waiting' | 'Installing' | 'Ready' | 'Failed' | 'Disabled';

interface Outcome {
  phase: PluginPhase;
  reason: string;
  message: string;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** Customize: the target by name (as a cluster and as a standalone) and every Neo4jPlugin of the namespace. */
export function customizePlugin(parent: Plugin): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? '';
  const clusterRef = record(parent.spec).clusterRef;
  return [...targetRules(typeof clusterRef === 'string' ? clusterRef : '', namespace), pluginsRule(namespace)];
}

function condition(target: Target, type: string): Record<string, unknown> | undefined {
  const conditions = Array.isArray(target.status.conditions) ? target.status.conditions : [];
  return conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === type);
}

/** The target's status describes its current spec (its observed generation is not behind). */
function generationCurrent(target: Target): boolean {
  const generation = target.object.metadata.generation;
  if (typeof generation !== 'number') return true;
  const observed = typeof target.status.observedGeneration === 'number' ? target.status.observedGeneration : condition(target, 'Ready')?.observedGeneration;
  return typeof observed !== 'number' || observed >= generation;
}

/** Ready, not rolling anything, and reporting on its current generation. */
export function targetSettled(target: Target): boolean {
  return isTargetReady(target) && condition(target, 'Progressing')?.status !== 'True' && generationCurrent(target);
}

/** The target's `status.plugins`, read defensively. */
export function targetPluginStatus(target: Target): ObservedPlugin[] {
  const plugins = Array.isArray(target.status.plugins) ? target.status.plugins : [];
  return plugins.filter(
    (p): p is ObservedPlugin => isRecord(p) && typeof p.name === 'string' && typeof p.plugin === 'string' && typeof p.fingerprint === 'string',
  );
}

function failed(verdict: Extract<PluginVerdict, { state: 'failed' }>): Outcome {
  const detail = verdict.errors.join('; ');
  return { phase: 'Failed', reason: verdict.reason, message: verdict.reason === 'ValidationFailed' ? `Validation failed: ${detail}` : detail };
}

/** What the plugin's state is, given its verdict and the target's status. */
function progress(verdict: PluginVerdict, target: Target): Outcome {
  const where = `${target.kind} ${target.name}`;
  if (verdict.state === 'failed') return failed(verdict);
  const listed = targetPluginStatus(target).find((p) => p.name === verdict.plugin.cr);
  const settled = targetSettled(target);
  const targetPhase = typeof target.status.phase === 'string' ? `phase ${target.status.phase}` : 'no status yet';
  if (verdict.state === 'disabled') {
    return listed
      ? { phase: 'Installing', reason: 'Removing', message: `Plugin is disabled: removing it from ${where}` }
      : { phase: 'Disabled', reason: 'Disabled', message: `Plugin is disabled: not installed on ${where}` };
  }
  if (target.status.phase === 'Failed') {
    return { phase: 'Waiting', reason: 'TargetFailed', message: `Waiting for ${where}: it is Failed, its changes are held until its spec is fixed` };
  }
  if (listed?.fingerprint === verdict.plugin.fingerprint && settled) {
    const notes = verdict.notes.length > 0 ? ` (${verdict.notes.join('; ')})` : '';
    return { phase: 'Ready', reason: 'Installed', message: `${PLUGIN_READY_MESSAGE}${notes}` };
  }
  if (listed?.fingerprint === verdict.plugin.fingerprint) {
    return { phase: 'Installing', reason: 'Installing', message: `Installing ${verdict.name}: ${where} is rolling its servers (${targetPhase})` };
  }
  if (isTargetReady(target)) {
    return { phase: 'Installing', reason: 'Installing', message: `Installing ${verdict.name}: waiting for ${where} to apply it` };
  }
  return { phase: 'Waiting', reason: 'TargetNotReady', message: `Waiting for ${where} to be ready (${targetPhase})` };
}

function outcome(request: HookRequest<Plugin>): Outcome {
  const plugin = request.parent;
  const namespace = plugin.metadata.namespace!;
  const clusterRef = record(plugin.spec).clusterRef;
  const ref = typeof clusterRef === 'string' ? clusterRef : '';
  // Every Neo4jPlugin of the namespace, with the parent as this request has it (the freshest copy).
  const objects: K8sObject[] = [...relatedPlugins(request.related).filter((o) => o.metadata.name !== plugin.metadata.name), plugin];
  const target = ref ? findTarget(request.related, ref, namespace) : undefined;
  if (!target) {
    // Without a target there is no version: only what the CR alone decides can fail.
    const { plugin: read, errors } = readPlugin(plugin);
    if (errors.length > 0) return { phase: 'Failed', reason: 'ValidationFailed', message: `Validation failed: ${errors.join('; ')}` };
    if (!read.enabled) return { phase: 'Disabled', reason: 'Disabled', message: `Plugin is disabled: not installed (no target ${quote(ref)} in namespace ${namespace})` };
    return { phase: 'Waiting', reason: 'TargetNotFound', message: `Waiting for Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone ${quote(ref)} in namespace ${namespace}: not found` };
  }
  const where = `${target.kind} ${target.name}`;
  if (target.object.metadata.deletionTimestamp) return { phase: 'Waiting', reason: 'TargetDeleting', message: `${where} is being deleted` };
  const image = record(target.spec.image);
  const parsed = parseNeo4jVersion(typeof image.tag === 'string' ? image.tag : '');
  if (!parsed.ok) return { phase: 'Waiting', reason: 'TargetInvalid', message: `Waiting for ${where}: its image tag is not a Neo4j version (${parsed.reason})` };
  const verdicts = pluginVerdicts(objects, { kind: target.kind, name: target.name, namespace, version: parsed.version });
  const verdict = verdicts.find((v) => v.plugin.cr === plugin.metadata.name);
  if (!verdict) return { phase: 'Waiting', reason: 'Deleting', message: 'Plugin is being deleted' };
  return progress(verdict, target);
}

function syncPlugin(request: HookRequest<Plugin>): Desired {
  const plugin = request.parent;
  const result = outcome(request);
  const generation = plugin.metadata.generation;
  const status: Record<string, unknown> = {
    phase: result.phase,
    message: result.message,
    conditions: buildConditions(
      [{ type: 'Ready', status: result.phase === 'Ready' || result.phase === 'Disabled' ? 'True' : 'False', reason: result.reason, message: result.message }],
      plugin.status,
      generation,
      request.now,
    ),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const waiting = result.phase === 'Waiting' || result.phase === 'Installing';
  return { status, children: [], ...(waiting ? { resyncAfterSeconds: PLUGIN_RESYNC_SECONDS } : {}) };
}

/** The registered reconciler of Neo4jPlugin: status only, no children, nothing to finalize. */
export const pluginReconciler: Reconciler<Plugin> = {
  kind: pluginKind,
  children: [],
  related: PLUGIN_RELATED_TYPES,
  sync: syncPlugin,
  customize: customizePlugin,
};
