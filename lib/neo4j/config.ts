/**
 * neo4j.conf for a cluster server and for a standalone server, per version line: both share the
 * storage, memory, JVM and user sections and differ only in their network (and, for clusters,
 * discovery) sections. The hook owns discovery, listen and
 * advertised addresses, directories and memory; the user's `spec.config` follows, sorted. Every
 * key written here is a documented setting of the image's version line (a CI check compares them
 * with the Operations Manual's lists).
 *
 * Discovery uses the SRV resolver on the headless Service's `tcp-tx` port: Kubernetes publishes
 * one SRV record per server pod (`<pod>.<c>-headless...:6000`, ready or not), so every member is
 * found without API permissions, and adding servers changes neither the configuration nor the
 * pods of running servers.
 */
import type { Neo4jVersion } from './version.js';
import type { MemorySettings } from './memory.js';
import { memoryConfEntries, MEMORY_CONFIG_KEYS } from './memory.js';

/** Neo4j's ports (operations manual); discovery v2 and cluster traffic share 6000. */
export const PORTS = {
  bolt: 7687,
  http: 7474,
  https: 7473,
  cluster: 6000,
  raft: 7000,
  routing: 7688,
  backup: 6362,
  metrics: 2004,
} as const;

/** Name of the headless Service port whose SRV records discovery resolves. */
export const DISCOVERY_PORT_NAME = 'tcp-tx';

/** The operator's JVM flags (G1 tuning, exit on OOM), used unless the user sets server.jvm.additional. */
export const DEFAULT_JVM_FLAGS = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=200',
  '-XX:+ParallelRefProcEnabled',
  '-XX:+UnlockExperimentalVMOptions',
  '-XX:+UnlockDiagnosticVMOptions',
  '-XX:G1NewSizePercent=2',
  '-XX:G1MaxNewSizePercent=10',
  '-XX:+G1UseAdaptiveIHOP',
  '-XX:InitiatingHeapOccupancyPercent=45',
  '-XX:+UseCompressedOops',
  '-XX:+UseCompressedClassPointers',
  '-XX:+UseStringDeduplication',
  '-XX:+ExitOnOutOfMemoryError',
] as const;

/** Why the hook owns a setting: what it derives the value from. */
export type OwnedKeyClass = 'discovery' | 'addresses' | 'directories' | 'formation';

const OWNED_EXACT: Readonly<Record<string, OwnedKeyClass>> = {
  'server.default_listen_address': 'addresses',
  'server.default_advertised_address': 'addresses',
  'dbms.cluster.minimum_initial_system_primaries_count': 'formation',
  'initial.server.mode_constraint': 'formation',
  'server.cluster.system_database_mode': 'formation',
  'initial.dbms.default_primaries_count': 'formation',
  'server.directories.data': 'directories',
  'server.directories.logs': 'directories',
  'server.directories.plugins': 'directories',
};

/** The class of a setting the hook owns (the user may not set it), or undefined when the user may. */
export function ownedKeyClass(key: string): OwnedKeyClass | undefined {
  if (Object.hasOwn(OWNED_EXACT, key)) return OWNED_EXACT[key];
  if (/^dbms\.cluster\.discovery\./u.test(key) || key === 'dbms.cluster.endpoints' || /^dbms\.kubernetes\./u.test(key)) return 'discovery';
  if (/^server\.[a-z_.]+\.(listen|advertised)_address$/u.test(key)) return 'addresses';
  if (/^server\.discovery\./u.test(key)) return 'discovery';
  return undefined;
}

/**
 * Why the hook refuses a user setting (it would clash with what the hook derives), or undefined
 * when the user may set it.
 */
export function ownedKeyReason(key: string): string | undefined {
  const owner = ownedKeyClass(key);
  if (!owner) return undefined;
  const what = {
    discovery: 'cluster discovery',
    addresses: 'listen and advertised addresses',
    directories: 'the data, logs and plugins directories',
    formation: 'cluster formation and server roles (use spec.topology)',
  }[owner];
  return `spec.config key ${key} is managed by neo4j-hooks (${what}); remove it`;
}

const RENAMED_FROM_4X: Array<[RegExp, string]> = [
  [/^dbms\.memory\.heap\./u, 'server.memory.heap.*'],
  [/^dbms\.memory\.pagecache\./u, 'server.memory.pagecache.*'],
  [/^dbms\.connector\./u, 'server.bolt.*, server.http.* or server.https.*'],
  [/^dbms\.logs\.query\./u, 'db.logs.query.*'],
  [/^dbms\.logs\.debug\./u, 'server.logs.debug.enabled (log levels are set in server-logs.xml)'],
  [/^dbms\.logs\./u, 'server.logs.*'],
  [/^dbms\.lock\.acquisition\.timeout$/u, 'db.lock.acquisition.timeout'],
  [/^dbms\.tx_log\./u, 'db.tx_log.*'],
  [/^dbms\.index\./u, 'db.index.*'],
  [/^dbms\.directories\./u, 'server.directories.*'],
  [/^dbms\.jvm\.additional$/u, 'server.jvm.additional'],
  [/^dbms\.default_database$/u, 'initial.dbms.default_database'],
  [/^dbms\.checkpoint/u, 'db.checkpoint.*'],
  [/^dbms\.transaction\.timeout$/u, 'db.transaction.timeout'],
  [/^metrics\./u, 'server.metrics.*'],
  [/^dbms\.mode$/u, 'spec.topology (server roles)'],
];

/** A warning for a Neo4j 4.x setting name that 5.x and later ignore, or undefined. */
export function legacyKeyWarning(key: string): string | undefined {
  const match = RENAMED_FROM_4X.find(([pattern]) => pattern.test(key));
  return match ? `spec.config key ${key} is a Neo4j 4.x setting that Neo4j 5 and later do not read; use ${match[1]}` : undefined;
}

/** What a cluster's neo4j.conf is rendered from. */
export interface ClusterConfInput {
  version: Neo4jVersion;
  /** Fully qualified name of the headless Service. */
  headlessFqdn: string;
  memory: MemorySettings;
  /** spec.config (owned keys are refused by validation before this is called). */
  userConfig: Record<string, string>;
}

/** The discovery settings of a version line. */
export function discoveryEntries(version: Neo4jVersion, headlessFqdn: string): Array<[string, string]> {
  const srv = `_${DISCOVERY_PORT_NAME}._tcp.${headlessFqdn}:0`;
  const resolver: [string, string] = ['dbms.cluster.discovery.resolver_type', 'SRV'];
  if (version.line === '5.26') {
    // 5.26 documents V1_ONLY as the default: choose discovery v2 (port 6000) explicitly.
    return [resolver, ['dbms.cluster.discovery.version', 'V2_ONLY'], ['dbms.cluster.discovery.v2.endpoints', srv]];
  }
  return [resolver, ['dbms.cluster.endpoints', srv]];
}

function lines(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${k}=${v}`).join('\n');
}

/** One `# title` block of neo4j.conf: settings in file order. */
export type ConfSection = [title: string, entries: Array<[string, string]>];

/** Where Neo4j keeps its data, logs and plugins (the pod's volume mounts), and the store format. */
export function storageEntries(): Array<[string, string]> {
  return [
    ['server.directories.data', '/data'],
    ['server.directories.logs', '/logs'],
    ['server.directories.plugins', '/plugins'],
    ['db.format', 'block'],
  ];
}

function jvmSection(userConfig: Record<string, string>): ConfSection {
  const jvmFlags = userConfig['server.jvm.additional'] === undefined ? DEFAULT_JVM_FLAGS : [];
  return [
    'JVM and validation',
    [
      ...jvmFlags.map((flag): [string, string] => ['server.jvm.additional', flag]),
      // Plugin settings (apoc.*, gds.*) fail strict validation, as the operator found.
      ['server.config.strict_validation.enabled', 'false'],
    ],
  ];
}

/**
 * The whole file, the same for every kind: a header, the kind's own sections, then storage,
 * memory, JVM, and the user's `spec.config` (sorted, memory keys excluded: the memory section
 * already holds their values). A user value replaces the hook's default for the same key
 * (neo4j.conf must not repeat a key); the keys the hook owns never get here, validation refuses
 * them. Empty sections are left out.
 */
function renderConf(version: Neo4jVersion, kindSections: ConfSection[], memory: MemorySettings, userConfig: Record<string, string>): string {
  const consumed = new Set<string>(memory.consumed);
  const user = Object.keys(userConfig)
    .filter((k) => !consumed.has(k) && !Object.values(MEMORY_CONFIG_KEYS).includes(k as never))
    .sort()
    .map((k): [string, string] => [k, userConfig[k]!]);
  const withoutUserKeys = ([title, entries]: ConfSection): ConfSection => [title, entries.filter(([k]) => !(k in userConfig))];
  const sections: ConfSection[] = [
    ...[...kindSections, ['Storage', storageEntries()] as ConfSection].map(withoutUserKeys),
    ['Memory, sized from the container memory limit (spec.config overrides win)', memoryConfEntries(memory)],
    withoutUserKeys(jvmSection(userConfig)),
  ];
  if (user.length > 0) sections.push(['spec.config', user]);
  const header = `# neo4j.conf generated by neo4j-hooks for Neo4j ${version.raw}. Change spec.config, not this file.`;
  return `${header}\n${sections
    .filter(([, entries]) => entries.length > 0)
    .map(([title, entries]) => `\n# ${title}\n${lines(entries)}`)
    .join('\n')}\n`;
}

/** The neo4j.conf shared by all servers of a cluster (per-server addresses come from startup.sh). */
export function renderClusterConf(input: ClusterConfInput): string {
  const { version } = input;
  return renderConf(
    version,
    [
      [
        'Network: listen on all interfaces; per-server advertised addresses are appended at start',
        [
          ['server.default_listen_address', '0.0.0.0'],
          ['server.bolt.listen_address', `0.0.0.0:${PORTS.bolt}`],
          ['server.http.listen_address', `0.0.0.0:${PORTS.http}`],
          ['server.cluster.listen_address', `0.0.0.0:${PORTS.cluster}`],
          ['server.cluster.raft.listen_address', `0.0.0.0:${PORTS.raft}`],
          ['server.routing.listen_address', `0.0.0.0:${PORTS.routing}`],
          ['server.backup.enabled', 'true'],
          ['server.backup.listen_address', `0.0.0.0:${PORTS.backup}`],
          ['dbms.routing.enabled', 'true'],
          ['dbms.routing.default_router', 'SERVER'],
        ],
      ],
      [`Discovery (Neo4j ${version.line === '5.26' ? '5.26' : 'calendar versions'}): SRV records of the headless Service`, discoveryEntries(version, input.headlessFqdn)],
    ],
    input.memory,
    input.userConfig,
  );
}

/** What a standalone server's neo4j.conf is rendered from. */
export interface StandaloneConfInput {
  version: Neo4jVersion;
  /** The name the server advertises: the client Service's FQDN (`<s>-service.<ns>.svc.cluster.local`). */
  advertisedAddress: string;
  memory: MemorySettings;
  /**
   * spec.config: owned keys are refused by validation before this is called, and a user key that
   * repeats the hook's own value is dropped by the caller.
   */
  userConfig: Record<string, string>;
}

/**
 * The network settings of a standalone server: listen on all interfaces (Bolt, HTTP, and backups,
 * whose Neo4j default is localhost only), advertise the client Service's name. No discovery,
 * cluster or routing settings: a standalone never forms a cluster.
 */
export function standaloneNetworkEntries(advertisedAddress: string): Array<[string, string]> {
  return [
    ['server.default_listen_address', '0.0.0.0'],
    ['server.default_advertised_address', advertisedAddress],
    ['server.bolt.listen_address', `0.0.0.0:${PORTS.bolt}`],
    ['server.http.listen_address', `0.0.0.0:${PORTS.http}`],
    ['server.backup.enabled', 'true'],
    ['server.backup.listen_address', `0.0.0.0:${PORTS.backup}`],
  ];
}

/**
 * The neo4j.conf of a standalone server: the cluster's file without its discovery section and
 * cluster listeners, advertising the client Service (so in-cluster `neo4j://` clients are routed
 * back to a name they can resolve). Optional features' blocks (lib/features) follow it, as for
 * clusters.
 */
export function renderStandaloneConf(input: StandaloneConfInput): string {
  return renderConf(
    input.version,
    [['Network: listen on all interfaces; advertise the client Service', standaloneNetworkEntries(input.advertisedAddress)]],
    input.memory,
    input.userConfig,
  );
}

/** Setting that enables servers joining a formed cluster, so a scale-out's servers can host databases. */
export const AUTO_ENABLE_FREE_SERVERS = 'initial.dbms.automatically_enable_free_servers';

/**
 * Settings Neo4j reads only when a cluster first forms or a server is first enabled. Servers added
 * later join as `Free` and host nothing until enabled, so they are enabled automatically unless
 * `spec.config` sets {@link AUTO_ENABLE_FREE_SERVERS} itself (its value then stands in neo4j.conf).
 */
export function renderInitialConf(systemPrimaries: number, userConfig: Readonly<Record<string, string>> = {}): string {
  const majority = Math.floor(systemPrimaries / 2) + 1;
  const defaultPrimaries = systemPrimaries >= 3 ? 3 : 1;
  return [
    '# Read only at first formation; changing it does not restart running servers.',
    `# Formation needs a majority of the ${systemPrimaries} system primaries, so two groups can never both form.`,
    `dbms.cluster.minimum_initial_system_primaries_count=${majority}`,
    `initial.dbms.default_primaries_count=${defaultPrimaries}`,
    ...(Object.hasOwn(userConfig, AUTO_ENABLE_FREE_SERVERS) ? [] : ['# Servers added by a scale-out are enabled as they join, so they can host databases.', `${AUTO_ENABLE_FREE_SERVERS}=true`]),
    '',
  ].join('\n');
}
