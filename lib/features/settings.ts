/**
 * neo4j.conf blocks of optional features (TLS, monitoring), shared by every kind that renders a
 * neo4j.conf. A feature derives its settings from one spec block; the user's `spec.config` wins
 * for a tunable key (neo4j.conf must never repeat a key), while the keys the feature's children
 * depend on (certificate paths, the metrics endpoint the Service points at) are refused.
 */

/**
 * What a shared feature serves: a cluster's several servers or a standalone's one. Decides what
 * differs between the kinds (TLS: whether there is cluster traffic to protect) and how findings
 * name the servers; everything else about a feature is the same for both.
 */
export type DeploymentShape = 'cluster' | 'standalone';

/** The neo4j.conf settings one optional feature derives from the spec. */
export interface FeatureSettings {
  /** Section title in neo4j.conf. */
  title: string;
  /** The spec block the settings come from, for messages (`spec.tls`). */
  source: string;
  /** Settings in file order; every key must be a documented setting of the image's version line. */
  entries: Array<[string, string]>;
  /** Keys the user may not set while the feature is on: the feature's children rely on their values. */
  owned: readonly string[];
}

/** What the user's spec.config does to the features' settings. */
export interface FeatureConflicts {
  /** spec.config keys a feature owns. */
  errors: string[];
  /** spec.config keys that replace a value a feature derives (the user wins). */
  warnings: string[];
}

/**
 * Errors for spec.config keys the enabled features own, warnings for those that replace a
 * derived value. Keys in spec.config order of sorted names, so the result is deterministic.
 */
export function featureConflicts(features: readonly FeatureSettings[], userConfig: Readonly<Record<string, string>>): FeatureConflicts {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const key of Object.keys(userConfig).sort()) {
    for (const feature of features) {
      if (feature.owned.includes(key)) {
        errors.push(`spec.config key ${key} is managed by neo4j-hooks while ${feature.source} is enabled; remove it`);
        continue;
      }
      const derived = feature.entries.find(([k]) => k === key);
      if (derived && derived[1] !== userConfig[key]) {
        warnings.push(`spec.config ${key}=${userConfig[key]} replaces the value ${derived[1]} that neo4j-hooks derives from ${feature.source}`);
      }
    }
  }
  return { errors, warnings };
}

/**
 * The features' sections of neo4j.conf (`\n# title\nkey=value…` per non-empty section), without
 * the keys the user sets in spec.config: the user's line is the one Neo4j reads.
 */
export function renderFeatureSections(features: readonly FeatureSettings[], userConfig: Readonly<Record<string, string>>): string {
  return features
    .map((f): [string, Array<[string, string]>] => [f.title, f.entries.filter(([k]) => !Object.hasOwn(userConfig, k))])
    .filter(([, entries]) => entries.length > 0)
    .map(([title, entries]) => `\n# ${title}\n${entries.map(([k, v]) => `${k}=${v}`).join('\n')}\n`)
    .join('');
}
