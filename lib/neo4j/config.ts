/**
 * neo4j.conf for a cluster server, per version line. The hook owns discovery, listen and
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

type Owner = 'discovery' | 'addresses' | 'directories' | 'formation';

const OWNED_EXACT: Record<string, Owner> = {
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

/**
 * Why the hook refuses a user setting (it would clash with what the hook derives), or undefined
 * when the user may set it.
 */
export function ownedKeyReason(key: string): string | undefined {
  let owner: Owner | undefined = OWNED_EXACT[key];
  if (!owner && (/^dbms\.cluster\.discovery\./u.test(key) || key === 'dbms.cluster.endpoints' || /^dbms\.kubernetes\./u.test(key))) owner = 'discovery';
  if (!owner && /^server\.[a-z_.]+\.(listen|advertised)_address$/u.test(key)) owner = 'addresses';
  if (!owner && /^server\.discovery\./u.test(key)) owner = 'discovery';
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

/** The neo4j.conf shared by all servers of a cluster (per-server addresses come from startup.sh). */
export function renderClusterConf(input: ClusterConfInput): string {
  const { version, memory, userConfig } = input;
  const consumed = new Set<string>(memory.consumed);
  const jvmFlags = userConfig['server.jvm.additional'] === undefined ? DEFAULT_JVM_FLAGS : [];
  const user = Object.keys(userConfig)
    .filter((k) => !consumed.has(k) && !Object.values(MEMORY_CONFIG_KEYS).includes(k as never))
    .sort()
    .map((k): [string, string] => [k, userConfig[k]!]);
  const sections: Array<[string, Array<[string, string]>]> = [
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
    [
      'Storage',
      [
        ['server.directories.data', '/data'],
        ['server.directories.logs', '/logs'],
        ['server.directories.plugins', '/plugins'],
        ['db.format', 'block'],
      ],
    ],
    [
      'JVM and validation',
      [
        ...jvmFlags.map((flag): [string, string] => ['server.jvm.additional', flag]),
        // Plugin settings (apoc.*, gds.*) fail strict validation, as the operator found.
        ['server.config.strict_validation.enabled', 'false'],
      ],
    ],
  ];
  // A user value replaces the hook's default for the same key (neo4j.conf must not repeat a key);
  // the keys the hook owns never get here, validation refuses them.
  const defaults = sections.map(([title, entries]): [string, Array<[string, string]>] => [title, entries.filter(([k]) => !(k in userConfig))]);
  defaults.splice(defaults.length - 1, 0, ['Memory, sized from the container memory limit (spec.config overrides win)', memoryConfEntries(memory)]);
  if (user.length > 0) defaults.push(['spec.config', user]);
  const header = `# neo4j.conf generated by neo4j-hooks for Neo4j ${version.raw}. Change spec.config, not this file.`;
  return `${header}\n${defaults
    .filter(([, entries]) => entries.length > 0)
    .map(([title, entries]) => `\n# ${title}\n${lines(entries)}`)
    .join('\n')}\n`;
}

/** Settings Neo4j reads only when a cluster first forms or a server is first enabled. */
export function renderInitialConf(systemPrimaries: number): string {
  const majority = Math.floor(systemPrimaries / 2) + 1;
  const defaultPrimaries = systemPrimaries >= 3 ? 3 : 1;
  return [
    '# Read only at first formation; changing it does not restart running servers.',
    `# Formation needs a majority of the ${systemPrimaries} system primaries, so two groups can never both form.`,
    `dbms.cluster.minimum_initial_system_primaries_count=${majority}`,
    `initial.dbms.default_primaries_count=${defaultPrimaries}`,
    '',
  ].join('\n');
}
