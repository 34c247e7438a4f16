/**
 * The plugins the official Neo4j Docker image installs from `NEO4J_PLUGINS`, per version line
 * (its `neo4j-plugins.json`, shared/reference/neo4j.md §6.1), and what each needs in neo4j.conf
 * (§6.2): the procedure namespaces to allow, Bloom's extension mount and HTTP allowlist, the
 * license file setting of GDS and Bloom. A name outside the catalogue of the image's line would
 * abort the container's start (the entrypoint refuses unknown names), so only catalogue names ever
 * reach `NEO4J_PLUGINS`; everything else is refused with the reason here.
 */
import { versionAtLeast, type Neo4jVersion } from '../neo4j/version.js';

/** A name of the Docker image's plugin catalogue. */
export type CatalogueName = 'apoc' | 'apoc-extended' | 'bloom' | 'fleet-management' | 'genai' | 'graph-data-science' | 'graphql' | 'n10s';

/** The neo4j.conf settings whose value is a comma-separated list every plugin adds to. */
export const LIST_SETTINGS = {
  unrestricted: 'dbms.security.procedures.unrestricted',
  allowlist: 'dbms.security.procedures.allowlist',
  httpAuthAllowlist: 'dbms.security.http_auth_allowlist',
  extensions: 'server.unmanaged_extension_classes',
} as const;

/** One of {@link LIST_SETTINGS}' keys. */
export type ListSetting = (typeof LIST_SETTINGS)[keyof typeof LIST_SETTINGS];

const LIST_SETTING_KEYS: ReadonlySet<string> = new Set(Object.values(LIST_SETTINGS));

/** Whether `key` is one of the merged list settings. */
export function isListSetting(key: string): key is ListSetting {
  return LIST_SETTING_KEYS.has(key);
}

/** Where license files are mounted in the server pods (the Helm chart's and Docker image's place). */
export const LICENSE_DIR = '/licenses';

/** A plugin that reads a license file. */
export interface PluginLicense {
  /** Key of the license Secret that holds the file (the Helm chart's convention). */
  secretKey: string;
  /** The neo4j.conf setting naming the file. */
  setting: string;
  /** Where the file is mounted: `/licenses/<secretKey>`. */
  path: string;
}

/** One catalogue entry. */
export interface CatalogueEntry {
  name: CatalogueName;
  /** Product name, for messages. */
  title: string;
  /** Why the plugin cannot be installed on `version`, or undefined when it can. */
  unavailable(version: Neo4jVersion): string | undefined;
  /** Procedure namespaces the plugin needs unrestricted (and allowlisted, when there is an allowlist). */
  procedures(version: Neo4jVersion): string[];
  /** The plugin needs an allowlist of its own (the image sets one for it). */
  forcesAllowlist: boolean;
  /** Fixed entries of the other list settings. */
  lists: Partial<Record<ListSetting, readonly string[]>>;
  /** Prefixes of the plugin's own settings, the only keys `spec.config` may hold besides the list settings. */
  configPrefixes: readonly string[];
  license?: PluginLicense;
  /** Lowest `spec.version` accepted (the operator's PluginValidator table), per version line. */
  minimumVersion(version: Neo4jVersion): string | undefined;
  /** The image downloads the jar at every start (egress needed), instead of copying a bundled one. */
  downloaded: boolean;
}

/** Settings of APOC go to apoc.conf, not neo4j.conf: the Docker image routes `NEO4J_apoc_*` there. */
export const APOC_PREFIX = 'apoc.';

const everywhere = () => undefined;
const onlyOn526 = (title: string, name: string) => (version: Neo4jVersion) =>
  version.line === '5.26'
    ? undefined
    : `${title} (${name}) is not in the NEO4J_PLUGINS catalogue of the calendar-version Docker images (only 5.26 images have it); build an image that contains the jar instead`;

function license(secretKey: string, setting: string): PluginLicense {
  return { secretKey, setting, path: `${LICENSE_DIR}/${secretKey}` };
}

const ENTRIES: readonly CatalogueEntry[] = [
  {
    name: 'apoc',
    title: 'APOC',
    unavailable: everywhere,
    procedures: () => ['apoc.*'],
    forcesAllowlist: false,
    lists: {},
    configPrefixes: [APOC_PREFIX],
    minimumVersion: () => '5.26.0',
    downloaded: false,
  },
  {
    name: 'apoc-extended',
    title: 'APOC Extended',
    unavailable: everywhere,
    procedures: () => ['apoc.*'],
    forcesAllowlist: false,
    lists: {},
    configPrefixes: [APOC_PREFIX],
    minimumVersion: () => '5.26.0',
    downloaded: true,
  },
  {
    name: 'bloom',
    title: 'Bloom',
    unavailable: everywhere,
    procedures: () => ['bloom.*'],
    forcesAllowlist: false,
    lists: {
      [LIST_SETTINGS.httpAuthAllowlist]: ['/', '/bloom.*', '/browser.*'],
      [LIST_SETTINGS.extensions]: ['com.neo4j.bloom.server=/bloom'],
    },
    configPrefixes: ['dbms.bloom.'],
    license: license('bloom.license', 'dbms.bloom.license_file'),
    minimumVersion: () => '2.9.0',
    downloaded: false,
  },
  {
    name: 'fleet-management',
    title: 'Fleet management',
    unavailable: (version) => {
      if (version.line !== 'calver') return 'Fleet management (fleet-management) is not in the NEO4J_PLUGINS catalogue of the 5.26 Docker images';
      if (!versionAtLeast(version, '2025.08')) return 'Fleet management (fleet-management) is bundled as a plugin only from Neo4j 2025.08';
      if (versionAtLeast(version, '2026.03')) return 'Fleet management is built into Neo4j from 2026.03 and enabled by default: the plugin is no longer supported';
      return undefined;
    },
    procedures: () => ['fleetManagement.*'],
    forcesAllowlist: true,
    lists: {},
    configPrefixes: [],
    minimumVersion: () => undefined,
    downloaded: false,
  },
  {
    name: 'genai',
    title: 'GenAI',
    unavailable: everywhere,
    // The calendar-version image also allows the Cypher 25 `ai.*` namespace (GenAI from 2025.11).
    procedures: (version) => (version.line === 'calver' ? ['ai.*', 'genai.*'] : ['genai.*']),
    forcesAllowlist: false,
    lists: {},
    configPrefixes: ['genai.'],
    // The GenAI plugin is versioned with Neo4j itself: the operator's 2025.01.0 only fits calendar versions.
    minimumVersion: (version) => (version.line === 'calver' ? '2025.01.0' : '5.26.0'),
    downloaded: false,
  },
  {
    name: 'graph-data-science',
    title: 'Graph Data Science',
    unavailable: everywhere,
    procedures: () => ['gds.*'],
    forcesAllowlist: false,
    lists: {},
    configPrefixes: ['gds.'],
    license: license('gds.license', 'gds.enterprise.license_file'),
    minimumVersion: () => '2.9.0',
    downloaded: false,
  },
  {
    name: 'graphql',
    title: 'GraphQL',
    unavailable: onlyOn526('GraphQL', 'graphql'),
    procedures: () => ['graphql.*'],
    forcesAllowlist: false,
    lists: {},
    configPrefixes: ['graphql.'],
    minimumVersion: () => undefined,
    downloaded: true,
  },
  {
    name: 'n10s',
    title: 'Neosemantics',
    unavailable: onlyOn526('Neosemantics', 'n10s'),
    // The image's catalogue names the old `semantics.*`; the procedures are `n10s.*` (Operations Manual).
    procedures: () => ['n10s.*'],
    forcesAllowlist: false,
    lists: {},
    configPrefixes: ['n10s.'],
    minimumVersion: () => undefined,
    downloaded: true,
  },
];

const BY_NAME: ReadonlyMap<CatalogueName, CatalogueEntry> = new Map(ENTRIES.map((e) => [e.name, e]));

/** Other names users write for catalogue plugins (the operator's mapping, plus product names). */
const ALIASES: Readonly<Record<string, CatalogueName>> = {
  gds: 'graph-data-science',
  'neo4j-graph-data-science': 'graph-data-science',
  neosemantics: 'n10s',
  'neo4j-bloom': 'bloom',
  'neo4j-genai': 'genai',
  'apoc-core': 'apoc',
};

/** Names that are refused whatever the version, with the reason. */
const RETIRED: Readonly<Record<string, string>> = {
  'graph-algorithms': 'graph-algorithms is deprecated (replaced by graph-data-science) and has no release for Neo4j 5 or later',
  'neo4j-graph-algorithms': 'neo4j-graph-algorithms is deprecated (replaced by graph-data-science) and has no release for Neo4j 5 or later',
  streams: 'streams is not in the NEO4J_PLUGINS catalogue of the Neo4j 5.26 or calendar-version Docker images',
};

/** Every catalogue name, sorted. */
export const CATALOGUE_NAMES: readonly CatalogueName[] = ENTRIES.map((e) => e.name);

/** The catalogue entry of `name`. */
export function catalogueEntry(name: CatalogueName): CatalogueEntry {
  return BY_NAME.get(name)!;
}

/** What a user-written plugin name stands for. */
export type ResolvedName = { ok: true; name: CatalogueName } | { ok: false; reason: string };

/**
 * The catalogue name a user-written name stands for (case and surrounding blanks ignored;
 * `gds` → `graph-data-science`, `neosemantics` → `n10s`, …), or why it stands for none. The
 * reason quotes the name as JSON, so no character of it can break a status message.
 */
export function resolvePluginName(requested: string): ResolvedName {
  const key = requested.trim().toLowerCase();
  // Own keys only: a name such as `constructor` must not find an Object.prototype member.
  const direct = ENTRIES.find((e) => e.name === key)?.name ?? (Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined);
  if (direct) return { ok: true, name: direct };
  const retired = Object.hasOwn(RETIRED, key) ? RETIRED[key] : undefined;
  if (retired) return { ok: false, reason: retired };
  return {
    ok: false,
    reason: `plugin ${JSON.stringify(requested)} is not in the Docker image's NEO4J_PLUGINS catalogue (${CATALOGUE_NAMES.join(', ')}; aliases ${Object.keys(ALIASES).sort().join(', ')})`,
  };
}

const PLUGIN_VERSION = /^v?(\d{1,9}(?:\.\d{1,9}){0,3})(?:[-+][0-9A-Za-z.-]{1,64})?$/u;

/** A plugin version as numbers (`2.10.0` → [2, 10, 0]), or undefined when it is not a version. */
export function parsePluginVersion(text: string): number[] | undefined {
  const match = PLUGIN_VERSION.exec(text.trim());
  return match ? match[1]!.split('.').map(Number) : undefined;
}

/** Numeric order of two parsed plugin versions (missing parts count as 0). */
export function comparePluginVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
