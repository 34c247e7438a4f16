/**
 * Everything derived once from a valid standalone CR that the child builders and the status
 * share: names, version, image, resources, the rendered configuration and its hash, the volume
 * settings. Builders read this model and never re-derive facts.
 */
import type { StandaloneSpec } from '../schemas/standalone.js';
import type { Resource } from '../k8s/object.js';
import { contentHash } from '../k8s/hash.js';
import { canonicalResources, parseMemoryBytes } from '../k8s/quantity.js';
import { DEFAULT_RESOURCES } from '../cluster/model.js';
import { computeMemory } from '../neo4j/memory.js';
import { ownedKeyClass, renderStandaloneConf, standaloneNetworkEntries, storageEntries } from '../neo4j/config.js';
import { httpConnectorEnabled, renderHealthScript } from '../neo4j/scripts.js';
import { renderFeatureSections, type FeatureSettings } from '../features/settings.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../neo4j/version.js';
import { tlsModeOf } from '../tls/certificate.js';
import { standaloneFeatureSet, standaloneFeatureSettings, type StandaloneFeatureSet } from './features.js';
import { standaloneNames, type StandaloneNames } from './names.js';
import { pluginConf } from '../plugins/target.js';
import type { PluginSet } from '../plugins/merge.js';
import { renderStandaloneStartupScript } from './scripts.js';

/** A Neo4jEnterpriseStandalone as the hook receives it. */
export type Standalone = Resource<StandaloneSpec>;

/** The ConfigMap content; every key is hashed, so any change restarts the server. */
export interface StandaloneConfigFiles {
  'neo4j.conf': string;
  'startup.sh': string;
  'health.sh': string;
}

/** Keys of the ConfigMap whose change restarts the server. */
export const HASHED_CONFIG_KEYS = ['neo4j.conf', 'startup.sh', 'health.sh'] as const;

/** Derived facts of one valid standalone. */
export interface StandaloneModel {
  standalone: Standalone;
  name: string;
  namespace: string;
  names: StandaloneNames;
  spec: StandaloneSpec;
  version: Neo4jVersion;
  image: string;
  /** The Secret with the admin `username` and `password` the server reads. */
  adminSecret: string;
  resources: NonNullable<StandaloneSpec['resources']>;
  files: StandaloneConfigFiles;
  /** Hash of the hashed ConfigMap keys, stamped on the pod template. */
  configHash: string;
  /** Whether the server serves TLS (https port, TLS settings, https endpoint). */
  tls: boolean;
  /** The optional features' neo4j.conf blocks, appended after the base file as for clusters. */
  features: FeatureSettings[];
  /** Which optional features are on (TLS and its source, monitoring) and the admin Secret. */
  featureSet: StandaloneFeatureSet;
  /** What deleting the standalone does to its data volume. */
  retention: 'Delete' | 'Retain';
  accessModes: string[];
  /** What the installed Neo4jPlugins add to the server (lib/plugins); undefined without plugins. */
  plugins?: PluginSet;
}

/** The name a standalone advertises: its client Service's FQDN. */
export function advertisedAddress(names: StandaloneNames): string {
  return names.serviceFqdn(names.service);
}

/**
 * Whether the standalone serves TLS: `spec.tls.mode` is cert-manager (the CRD default of a present
 * tls block), whether cert-manager or the tls ExternalSecret supplies the Secret. Every
 * TLS-dependent field (https ports, the https endpoint, the TLS settings, other kinds' `+ssc`
 * schemes) keys off this one answer. Defensive: other kinds pass a related object's spec.
 */
export function tlsServed(spec: StandaloneSpec): boolean {
  return tlsModeOf(spec?.tls) === 'cert-manager';
}

/**
 * The neo4j.conf blocks of the standalone's optional features (lib/standalone/features.ts): the
 * TLS policies (trust from `annotations`, the CR's) and monitoring; spec.config is checked
 * against them with `featureConflicts`, exactly as the cluster does.
 */
export function standaloneFeatures(spec: StandaloneSpec, version: Neo4jVersion, annotations?: Readonly<Record<string, string>>): FeatureSettings[] {
  return standaloneFeatureSettings(spec, version, annotations);
}

/**
 * The data volume's fate when the standalone is deleted: `spec.persistence.retentionPolicy`
 * (default Delete, as the CRD says), except that `Retain` in `spec.storage.retentionPolicy` (the
 * cluster's field, which the operator ignored for standalones) also keeps it: nothing is deleted
 * that either field asked to keep.
 */
export function pvcRetention(spec: StandaloneSpec): 'Delete' | 'Retain' {
  return spec.persistence?.retentionPolicy === 'Retain' || spec.storage.retentionPolicy === 'Retain' ? 'Retain' : 'Delete';
}

/** The settings the hook owns and writes itself (addresses, directories), by key. */
export function ownedSettings(names: StandaloneNames): Map<string, string> {
  const written = [...standaloneNetworkEntries(advertisedAddress(names)), ...storageEntries()];
  return new Map(written.filter(([key]) => ownedKeyClass(key) !== undefined));
}

/** Whether a user setting repeats, value for value, an owned setting the hook writes anyway. */
export function repeatsOwnedSetting(owned: ReadonlyMap<string, string>, key: string, value: string): boolean {
  return owned.has(key) && owned.get(key) === value.trim();
}

/** Builds the model of a standalone whose spec passed validation (the tag parses). */
export function standaloneModel(standalone: Standalone, plugins?: PluginSet): StandaloneModel {
  const { spec } = standalone;
  const name = standalone.metadata.name;
  const namespace = standalone.metadata.namespace!;
  const names = standaloneNames(name, namespace);
  const parsed = parseNeo4jVersion(spec.image.tag);
  if (!parsed.ok) throw new Error(`standaloneModel needs a validated spec: ${parsed.reason}`);
  const resources = canonicalResources(spec.resources ?? structuredClone(DEFAULT_RESOURCES));
  const limit = resources.limits?.memory;
  const owned = ownedSettings(names);
  // A user key that repeats the hook's own value is written once (validation warned about it).
  const userConfig = Object.fromEntries(Object.entries(spec.config ?? {}).filter(([key, value]) => !repeatsOwnedSetting(owned, key, value)));
  const memory = computeMemory(limit === undefined ? undefined : parseMemoryBytes(limit), userConfig);
  const featureSet = standaloneFeatureSet(standalone, names, parsed.version);
  const features = featureSet.settings;
  const files: StandaloneConfigFiles = {
    'neo4j.conf':
      renderStandaloneConf({ version: parsed.version, advertisedAddress: advertisedAddress(names), memory, userConfig }) +
      renderFeatureSections(features, userConfig) +
      pluginConf(plugins, userConfig),
    'startup.sh': renderStandaloneStartupScript(),
    'health.sh': renderHealthScript({ http: httpConnectorEnabled(userConfig) }),
  };
  return {
    standalone,
    name,
    namespace,
    names,
    spec,
    version: parsed.version,
    image: `${spec.image.repo}:${spec.image.tag}`,
    adminSecret: featureSet.adminSecret,
    resources,
    files,
    configHash: contentHash(HASHED_CONFIG_KEYS.map((k) => `${k}\n${files[k]}`).join('\n')),
    tls: tlsServed(spec),
    features,
    featureSet,
    retention: pvcRetention(spec),
    accessModes: spec.persistence?.accessModes?.length ? [...spec.persistence.accessModes] : ['ReadWriteOnce'],
    ...(plugins ? { plugins } : {}),
  };
}
