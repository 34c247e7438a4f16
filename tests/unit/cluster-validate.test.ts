import { describe, it, expect } from 'vitest';
import { validateCluster } from '../../lib/cluster/validate.js';
import { isGoDuration, parseGoDuration } from '../../lib/k8s/duration.js';
import { UNSUPPORTED_VERSION_MESSAGE } from '../../lib/neo4j/version.js';
import type { ClusterSpec } from '../../lib/schemas/cluster.js';

// Deliberately untyped: the cases write values the schema's types forbid, as a user's YAML can.
type LooseSpec = any;

/** A valid 3-server spec (odd, so no topology warnings), optionally changed by `mutate`. */
function spec(mutate?: (s: LooseSpec) => void): ClusterSpec {
  const s: ClusterSpec = {
    image: { repo: 'neo4j', tag: '5.26.0-enterprise', pullPolicy: 'IfNotPresent' },
    topology: { servers: 3 },
    storage: { className: 'standard', size: '10Gi' },
    resources: { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '1', memory: '4Gi' } },
  };
  mutate?.(s);
  return s;
}

const DURATION_HINT =
  'is not a non-negative Go duration (for example 2160h, 1h30m or 90s; units are ns, us, ms, s, m and h, there is no d)';
const SERVERS_MESSAGE =
  'servers must be at least 2 for clustering. For single-node deployments, use Neo4jEnterpriseStandalone instead';
const USAGES =
  'digital signature, key encipherment, key agreement, server auth, client auth, code signing, email protection, s/mime, ' +
  'ipsec end system, ipsec tunnel, ipsec user, timestamping, ocsp signing, microsoft sgc, netscape sgc';

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['2160h', 2160 * 3_600_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['5s', 5000],
    ['+5s', 5000],
    ['.5s', 500],
    ['1.s', 1000],
    ['2h45m30.5s', (2 * 3600 + 45 * 60 + 30.5) * 1000],
    ['1h1h', 7_200_000],
    ['1us', 0.001],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['100ns', 0.0001],
    ['0', 0],
    ['0s', 0],
    ['-0', 0],
    ['2562047h', 2562047 * 3_600_000],
  ])('%s → %d ms', (input, ms) => {
    expect(parseGoDuration(input)).toBeCloseTo(ms, 9);
    expect(isGoDuration(input)).toBe(true);
  });

  it.each([
    '',
    '90d',
    '1',
    '00',
    'h',
    '.h',
    '.',
    '1 h',
    ' 1h',
    '1h ',
    '1H',
    '1.5.5h',
    '-',
    '+',
    '1e3s',
    '-1h',
    '-1.5s',
    '2562048h',
    '9223372037s',
  ])('rejects %j', (input) => {
    expect(parseGoDuration(input)).toBeUndefined();
    expect(isGoDuration(input)).toBe(false);
  });
});

describe('validateCluster', () => {
  it('accepts a valid baseline spec without errors or warnings', () => {
    expect(validateCluster(spec())).toEqual({ errors: [], warnings: [] });
  });

  it('accepts a full valid spec using every validated block', () => {
    const result = validateCluster(
      spec((s) => {
        s.topology = {
          servers: 3,
          serverModeConstraint: 'NONE',
          serverRoles: [
            { serverIndex: 0, modeConstraint: 'PRIMARY' },
            { serverIndex: 2, modeConstraint: 'SECONDARY' },
          ],
          availabilityZones: ['a', 'b', 'c'],
          enforceDistribution: true,
          placement: {
            topologySpread: { enabled: true, whenUnsatisfiable: 'ScheduleAnyway' },
            antiAffinity: { enabled: true, type: 'required' },
          },
        };
        s.storage.retentionPolicy = 'Retain';
        s.tls = {
          mode: 'cert-manager',
          issuerRef: { name: 'ca', kind: 'Issuer' },
          duration: '2160h',
          renewBefore: '360h',
          usages: ['server auth', 'client auth'],
          externalSecrets: {
            enabled: true,
            secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
            refreshInterval: '1h',
            data: [{ secretKey: 'tls.crt', remoteRef: { key: 'neo4j/tls' } }],
          },
        };
        s.auth = { provider: 'ldap', secretRef: 'ldap-config' };
        s.backups = {
          cloud: {
            provider: 'aws',
            identity: { provider: 'aws', autoCreate: { enabled: true, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r' } } },
          },
        };
        s.config = { 'server.memory.heap.max_size': '1g', 'db.logs.query.enabled': 'INFO' };
        s.env = [{ name: 'JAVA_OPTS', value: '-Dx=y' }];
        s.upgradeStrategy = {
          strategy: 'Recreate',
          upgradeTimeout: '30m',
          healthCheckTimeout: '5m',
          stabilizationTimeout: '3m',
          maxUnavailableDuringUpgrade: 0,
        };
      }),
    );
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  describe('image version', () => {
    it.each(['2026.03.0', '2026.03.0-enterprise', '2025.01.0', '5.26.12-enterprise-ubi9', '2031.12'])('accepts %s', (tag) => {
      expect(validateCluster(spec((s) => (s.image.tag = tag))).errors).toEqual([]);
    });

    it.each<[string, string]>([
      ['4.4', 'image tag "4.4" is Neo4j 4.4.0, which is neither 5.26.x nor a calendar version from 2025.01'],
      ['4.4.30-enterprise', 'image tag "4.4.30-enterprise" is Neo4j 4.4.30, which is neither 5.26.x nor a calendar version from 2025.01'],
      ['5.25', 'image tag "5.25" is Neo4j 5.25.0, which is neither 5.26.x nor a calendar version from 2025.01'],
      ['latest', 'image tag "latest" is not a Neo4j version (expected 5.26[.P] or YYYY.MM[.P], optionally with a -suffix)'],
    ])('rejects %s with the operator message and the detail', (tag, detail) => {
      expect(validateCluster(spec((s) => (s.image.tag = tag))).errors).toEqual([`${UNSUPPORTED_VERSION_MESSAGE}: ${detail}`]);
    });
  });

  it.each<[string, (s: LooseSpec) => void, string[]]>([
    // topology
    ['servers below 2', (s) => (s.topology.servers = 1), [SERVERS_MESSAGE]],
    [
      'invalid serverModeConstraint',
      (s) => (s.topology.serverModeConstraint = 'LEADER'),
      ['spec.topology.serverModeConstraint must be NONE, PRIMARY or SECONDARY, got "LEADER"'],
    ],
    [
      'server role hint index out of range',
      (s) => (s.topology.serverRoles = [{ serverIndex: 3, modeConstraint: 'PRIMARY' }]),
      ['server role hint index 3 is out of range (0-2)'],
    ],
    [
      'negative server role hint index',
      (s) => (s.topology.serverRoles = [{ serverIndex: -1, modeConstraint: 'PRIMARY' }]),
      ['server role hint index -1 is out of range (0-2)'],
    ],
    [
      'duplicate server role hint index',
      (s) =>
        (s.topology.serverRoles = [
          { serverIndex: 1, modeConstraint: 'PRIMARY' },
          { serverIndex: 1, modeConstraint: 'SECONDARY' },
        ]),
      ['duplicate server role hint for server index 1: each server may have one hint only'],
    ],
    [
      'invalid server role hint mode',
      (s) => (s.topology.serverRoles = [{ serverIndex: 0, modeConstraint: 'FOLLOWER' }]),
      ['server role hint for server index 0 has an invalid modeConstraint "FOLLOWER": it must be NONE, PRIMARY or SECONDARY'],
    ],
    [
      'role hints making every server SECONDARY',
      (s) => (s.topology.serverRoles = [0, 1, 2].map((i) => ({ serverIndex: i, modeConstraint: 'SECONDARY' }))),
      ['all servers are constrained to SECONDARY mode - cluster would have no primary servers available'],
    ],
    [
      'a cluster-wide SECONDARY constraint with no server hinted otherwise',
      (s) => (s.topology.serverModeConstraint = 'SECONDARY'),
      ['all servers are constrained to SECONDARY mode - cluster would have no primary servers available'],
    ],
    // image
    ['empty image repo', (s) => (s.image.repo = ''), ['image repository must be specified']],
    ['empty image tag', (s) => (s.image.tag = ''), ['image tag must be specified']],
    [
      'invalid pullPolicy',
      (s) => (s.image.pullPolicy = 'Sometimes'),
      ['spec.image.pullPolicy must be Always, Never or IfNotPresent, got "Sometimes"'],
    ],
    // storage
    [
      'empty storage className',
      (s) => (s.storage.className = ''),
      ['spec.storage.className must be specified: the StorageClass of the data volumes is required'],
    ],
    ['empty storage size', (s) => (s.storage.size = ''), ['spec.storage.size must be specified, for example 100Gi']],
    ['storage size with a decimal', (s) => (s.storage.size = '1.5Gi'), ["storage size must be in format like '100Gi', '1Ti'"]],
    ['storage size with a lowercase unit', (s) => (s.storage.size = '100gi'), ["storage size must be in format like '100Gi', '1Ti'"]],
    [
      'invalid retentionPolicy',
      (s) => (s.storage.retentionPolicy = 'Keep'),
      ['spec.storage.retentionPolicy must be Delete or Retain, got "Keep"'],
    ],
    // TLS
    ['invalid TLS mode', (s) => (s.tls = { mode: 'manual' }), ['spec.tls.mode must be cert-manager or disabled, got "manual"']],
    ['cert-manager without issuerRef', (s) => (s.tls = { mode: 'cert-manager' }), ['issuer name must be specified when using cert-manager']],
    ['tls block defaulting to cert-manager without issuer', (s) => (s.tls = {}), ['issuer name must be specified when using cert-manager']],
    [
      'cert-manager with an empty issuer name',
      (s) => (s.tls = { mode: 'cert-manager', issuerRef: { name: '', kind: 'ClusterIssuer' } }),
      ['issuer name must be specified when using cert-manager'],
    ],
    [
      'invalid issuer kind',
      (s) => (s.tls = { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'VaultIssuer' } }),
      ['spec.tls.issuerRef.kind must be Issuer or ClusterIssuer, got "VaultIssuer"'],
    ],
    [
      'TLS duration in days',
      (s) => (s.tls = { issuerRef: { name: 'ca' }, duration: '90d' }),
      [`invalid duration format for spec.tls.duration: "90d" ${DURATION_HINT}`],
    ],
    [
      'negative TLS renewBefore',
      (s) => (s.tls = { issuerRef: { name: 'ca' }, renewBefore: '-1h' }),
      [`invalid duration format for spec.tls.renewBefore: "-1h" ${DURATION_HINT}`],
    ],
    [
      'unknown TLS usage',
      (s) => (s.tls = { issuerRef: { name: 'ca' }, usages: ['server auth', 'serverAuth'] }),
      [`spec.tls.usages[1] "serverAuth" is not a cert-manager key usage; use one of: ${USAGES}`],
    ],
    ['disabled TLS ignores cert-manager fields', (s) => (s.tls = { mode: 'disabled', duration: '90d', usages: ['x'] }), []],
    // external secrets, under tls and auth
    ...(['tls', 'auth'] as const).flatMap((block): Array<[string, (s: LooseSpec) => void, string[]]> => {
      const path = `spec.${block}.externalSecrets`;
      const put = (s: LooseSpec, externalSecrets: unknown): void => {
        s[block] = block === 'tls' ? { mode: 'disabled', externalSecrets } : { externalSecrets };
      };
      return [
        [
          `${block} external secrets without store or data`,
          (s) => put(s, { enabled: true }),
          [
            `${path}.secretStoreRef is required when external secrets are enabled`,
            `${path}.data must have at least one data mapping when external secrets are enabled`,
          ],
        ],
        [
          `${block} external secrets with a bad store, interval and entries`,
          (s) =>
            put(s, {
              enabled: true,
              secretStoreRef: { name: '', kind: 'Vault' },
              refreshInterval: '1d',
              data: [{ secretKey: '' }, { secretKey: 'k', remoteRef: { key: '' } }],
            }),
          [
            `${path}.secretStoreRef.name is required: the name of the SecretStore or ClusterSecretStore`,
            `${path}.secretStoreRef.kind must be SecretStore or ClusterSecretStore, got "Vault"`,
            `invalid duration format for ${path}.refreshInterval: "1d" ${DURATION_HINT}`,
            `${path}.data[0].secretKey is required`,
            `${path}.data[1].remoteRef.key is required`,
          ],
        ],
        [`${block} external secrets disabled are not checked`, (s) => put(s, { enabled: false, refreshInterval: '1d' }), []],
      ];
    }),
    // auth
    ['invalid auth provider', (s) => (s.auth = { provider: 'saml' }), ['spec.auth.provider must be native, ldap, kerberos or jwt, got "saml"']],
    ['ldap without secretRef', (s) => (s.auth = { provider: 'ldap' }), ['secretRef is required for ldap auth provider']],
    ['jwt with an empty secretRef', (s) => (s.auth = { provider: 'jwt', secretRef: '' }), ['secretRef is required for jwt auth provider']],
    ['native without secretRef', (s) => (s.auth = { provider: 'native' }), []],
    // memory
    [
      'memory limit below 1Gi',
      (s) => (s.resources.limits.memory = '512Mi'),
      [
        'Neo4j Enterprise requires at least 1.0Gi of memory',
        'Memory allocation is below minimum operational requirement. Current: 512.0Mi, Required minimum: 1.0Gi',
      ],
    ],
    [
      'heap above the limit',
      (s) => (s.config = { 'server.memory.heap.max_size': '8g' }),
      [
        'Neo4j memory configuration (heap: 8.0Gi, pagecache: 0b) plus system overhead exceeds container memory limit (4.0Gi). ' +
          'Consider reducing memory settings or increasing container limits.',
      ],
    ],
    // cloud
    [
      'invalid cloud provider',
      (s) => (s.backups = { cloud: { provider: 'oracle' } }),
      ['spec.backups.cloud.provider must be aws, gcp or azure, got "oracle"'],
    ],
    [
      'identity provider different from the cloud provider',
      (s) => (s.backups = { cloud: { provider: 'aws', identity: { provider: 'gcp' } } }),
      ['identity provider must match cloud provider: spec.backups.cloud.identity.provider is "gcp" but spec.backups.cloud.provider is "aws"'],
    ],
    [
      'autoCreate without annotations',
      (s) => (s.backups = { cloud: { provider: 'aws', identity: { provider: 'aws', autoCreate: { enabled: true } } } }),
      ['annotations are required for auto-created service accounts: set spec.backups.cloud.identity.autoCreate.annotations'],
    ],
    [
      'autoCreate defaulting to enabled without annotations',
      (s) => (s.backups = { cloud: { provider: 'gcp', identity: { provider: 'gcp', autoCreate: {} } } }),
      ['annotations are required for auto-created service accounts: set spec.backups.cloud.identity.autoCreate.annotations'],
    ],
    ['autoCreate disabled without annotations', (s) => (s.backups = { cloud: { provider: 'aws', identity: { provider: 'aws', autoCreate: { enabled: false } } } }), []],
    ...(
      [
        ['aws', 'AWS IRSA requires the eks.amazonaws.com/role-arn annotation'],
        ['gcp', 'GCP Workload Identity requires the iam.gke.io/gcp-service-account annotation'],
        ['azure', 'Azure Workload Identity requires the azure.workload.identity/client-id annotation'],
      ] as const
    ).map(([provider, message]): [string, (s: LooseSpec) => void, string[]] => [
      `${provider} autoCreate without its identity annotation`,
      (s) => (s.backups = { cloud: { provider, identity: { provider, autoCreate: { enabled: true, annotations: { team: 'db' } } } } }),
      [`${message} in spec.backups.cloud.identity.autoCreate.annotations`],
    ]),
    // spec.config
    [
      'config key owned by the hook',
      (s) => (s.config = { 'server.directories.data': '/elsewhere' }),
      ['spec.config key server.directories.data is managed by neo4j-hooks (the data, logs and plugins directories); remove it'],
    ],
    ['empty config key', (s) => (s.config = { '': 'x' }), ['spec.config has an empty key: every neo4j.conf setting needs a name']],
    [
      'config key with =',
      (s) => (s.config = { 'a=b': 'x' }),
      ['spec.config key "a=b" is not a valid neo4j.conf setting name: it must not contain "=" or whitespace'],
    ],
    [
      'config key with whitespace',
      (s) => (s.config = { 'db.logs query': 'x' }),
      ['spec.config key "db.logs query" is not a valid neo4j.conf setting name: it must not contain "=" or whitespace'],
    ],
    [
      'config value with a newline',
      (s) => (s.config = { 'db.logs.query.enabled': 'INFO\nserver.directories.data=/tmp' }),
      ['spec.config value of "db.logs.query.enabled" contains a line break, which would corrupt neo4j.conf'],
    ],
    [
      'config value with a carriage return',
      (s) => (s.config = { 'db.logs.query.enabled': 'INFO\r' }),
      ['spec.config value of "db.logs.query.enabled" contains a line break, which would corrupt neo4j.conf'],
    ],
    // upgradeStrategy
    [
      'invalid upgrade strategy',
      (s) => (s.upgradeStrategy = { strategy: 'BlueGreen' }),
      ['spec.upgradeStrategy.strategy must be RollingUpgrade or Recreate, got "BlueGreen"'],
    ],
    [
      'invalid upgrade timeouts',
      (s) => (s.upgradeStrategy = { upgradeTimeout: '1d', healthCheckTimeout: '5 m', stabilizationTimeout: '3' }),
      [
        `invalid duration format for spec.upgradeStrategy.upgradeTimeout: "1d" ${DURATION_HINT}`,
        `invalid duration format for spec.upgradeStrategy.healthCheckTimeout: "5 m" ${DURATION_HINT}`,
        `invalid duration format for spec.upgradeStrategy.stabilizationTimeout: "3" ${DURATION_HINT}`,
      ],
    ],
    [
      'negative maxUnavailableDuringUpgrade',
      (s) => (s.upgradeStrategy = { maxUnavailableDuringUpgrade: -1 }),
      ['spec.upgradeStrategy.maxUnavailableDuringUpgrade must be 0 or more, got -1'],
    ],
    // placement
    [
      'more servers than zones with enforced distribution',
      (s) => Object.assign(s.topology, { enforceDistribution: true, availabilityZones: ['a', 'b'] }),
      ['cannot enforce distribution: 3 servers require at least 3 availability zones, but only 2 are available'],
    ],
    [
      'duplicate zones do not count twice',
      (s) => Object.assign(s.topology, { enforceDistribution: true, availabilityZones: ['a', 'b', 'b'] }),
      ['cannot enforce distribution: 3 servers require at least 3 availability zones, but only 2 are available'],
    ],
    [
      'a single zone with enforced distribution',
      (s) => Object.assign(s.topology, { servers: 1, enforceDistribution: true, availabilityZones: ['a'] }),
      [SERVERS_MESSAGE, 'enforced distribution requires at least 2 availability zones, but only 1 is available'],
    ],
    ['zones without enforced distribution', (s) => Object.assign(s.topology, { availabilityZones: ['a'] }), []],
    [
      'invalid whenUnsatisfiable',
      (s) => (s.topology.placement = { topologySpread: { enabled: true, whenUnsatisfiable: 'Wait' } }),
      ['spec.topology.placement.topologySpread.whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway, got "Wait"'],
    ],
    [
      'invalid antiAffinity type',
      (s) => (s.topology.placement = { antiAffinity: { enabled: true, type: 'hard' } }),
      ['spec.topology.placement.antiAffinity.type must be required or preferred, got "hard"'],
    ],
  ])('error: %s', (_name, mutate, expected) => {
    expect(validateCluster(spec(mutate)).errors).toEqual(expected);
  });

  it('reports an unparsable memory limit instead of checking memory settings', () => {
    const result = validateCluster(
      spec((s) => {
        s.resources.limits.memory = '4GB';
        s.config = { 'server.memory.heap.max_size': '64g' };
      }),
    );
    expect(result.errors).toEqual([
      expect.stringMatching(/^spec\.resources\.limits\.memory is not a valid memory quantity: invalid quantity "4GB": unknown suffix "GB"/u),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('passes memory warnings through', () => {
    const result = validateCluster(
      spec((s) => {
        delete s.resources;
        s.config = { 'server.memory.heap.max_size': '1g' };
      }),
    );
    expect(result).toEqual({
      errors: [],
      warnings: [
        'memory settings (server.memory.heap.max_size) are not checked against the container because spec.resources.limits.memory is not set',
      ],
    });
  });

  describe('warnings', () => {
    const even = (n: number): string =>
      `Even number of servers (${n}) may reduce fault tolerance when databases specify odd-numbered server allocations. ` +
      'Consider using an odd number of servers for optimal fault tolerance.';
    const two =
      '2 servers provide limited fault tolerance. If one server fails, databases may lose quorum. ' +
      'Consider using 3 or more servers for production deployments.';
    const many = (n: number): string =>
      `More than 10 servers (${n}) may impact cluster performance due to increased coordination overhead. ` +
      'Consider the actual database topology needs when scaling servers.';
    const primary = 'All servers are constrained to PRIMARY mode. This prevents databases from using secondary replicas for read scaling.';
    const secondary =
      'All servers are constrained to SECONDARY mode. Ensure other servers in the cluster can host primary database instances.';

    it.each<[string, (s: LooseSpec) => void, string[]]>([
      ['2 servers', (s) => (s.topology.servers = 2), [even(2), two]],
      ['4 servers', (s) => (s.topology.servers = 4), [even(4)]],
      ['5 servers', (s) => (s.topology.servers = 5), []],
      ['10 servers', (s) => (s.topology.servers = 10), [even(10)]],
      ['11 servers', (s) => (s.topology.servers = 11), [many(11)]],
      ['12 servers', (s) => (s.topology.servers = 12), [even(12), many(12)]],
      ['PRIMARY constraint', (s) => (s.topology.serverModeConstraint = 'PRIMARY'), [primary]],
      [
        'SECONDARY constraint with one server hinted PRIMARY',
        (s) => {
          s.topology.serverModeConstraint = 'SECONDARY';
          s.topology.serverRoles = [{ serverIndex: 0, modeConstraint: 'PRIMARY' }];
        },
        [secondary],
      ],
      ['NONE constraint', (s) => (s.topology.serverModeConstraint = 'NONE'), []],
      [
        'legacy config key',
        (s) => (s.config = { 'dbms.connector.bolt.enabled': 'true' }),
        ['spec.config key dbms.connector.bolt.enabled is a Neo4j 4.x setting that Neo4j 5 and later do not read; use server.bolt.*, server.http.* or server.https.*'],
      ],
      [
        'env entries the hook sets',
        (s) => (s.env = [{ name: 'NEO4J_AUTH', value: 'neo4j/x' }, { name: 'OTHER', value: '1' }, { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'no' }]),
        [
          'spec.env entry NEO4J_AUTH is ignored because neo4j-hooks sets NEO4J_AUTH itself',
          'spec.env entry NEO4J_ACCEPT_LICENSE_AGREEMENT is ignored because neo4j-hooks sets NEO4J_ACCEPT_LICENSE_AGREEMENT itself',
        ],
      ],
    ])('%s', (_name, mutate, expected) => {
      const result = validateCluster(spec(mutate));
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual(expected);
    });
  });

  it('stops after an image error, as the operator did', () => {
    const result = validateCluster(
      spec((s) => {
        s.topology.servers = 2;
        s.topology.serverModeConstraint = 'BAD';
        s.image.tag = '';
        s.storage.size = 'huge';
        s.tls = { mode: 'cert-manager' };
        s.auth = { provider: 'ldap' };
        s.config = { 'dbms.connector.bolt.enabled': 'true', 'server.directories.data': '/x' };
        s.upgradeStrategy = { strategy: 'Nope' };
      }),
    );
    expect(result).toEqual({
      errors: ['spec.topology.serverModeConstraint must be NONE, PRIMARY or SECONDARY, got "BAD"', 'image tag must be specified'],
      warnings: [
        'Even number of servers (2) may reduce fault tolerance when databases specify odd-numbered server allocations. ' +
          'Consider using an odd number of servers for optimal fault tolerance.',
        '2 servers provide limited fault tolerance. If one server fails, databases may lose quorum. ' +
          'Consider using 3 or more servers for production deployments.',
      ],
    });
  });

  it('reports all image errors together before stopping', () => {
    const result = validateCluster(
      spec((s) => {
        s.image = { repo: '', tag: '5.25.0', pullPolicy: 'Sometimes' };
        s.storage.size = 'huge';
      }),
    );
    expect(result.errors).toEqual([
      'image repository must be specified',
      `${UNSUPPORTED_VERSION_MESSAGE}: image tag "5.25.0" is Neo4j 5.25.0, which is neither 5.26.x nor a calendar version from 2025.01`,
      'spec.image.pullPolicy must be Always, Never or IfNotPresent, got "Sometimes"',
    ]);
  });

  it('orders findings by rule group, config keys sorted, and is deterministic', () => {
    const build = (configOrder: 'forward' | 'reverse'): ClusterSpec =>
      spec((s) => {
        Object.assign(s.topology, {
          servers: 4,
          serverModeConstraint: 'PRIMARY',
          enforceDistribution: true,
          availabilityZones: ['a', 'b'],
          placement: { antiAffinity: { type: 'soft' } },
        });
        s.upgradeStrategy = { maxUnavailableDuringUpgrade: -2 };
        const entries: Array<[string, string]> = [
          ['dbms.connector.http.enabled', 'true'],
          ['server.directories.logs', '/x'],
          ['dbms.cluster.endpoints', 'x:1'],
        ];
        s.config = Object.fromEntries(configOrder === 'forward' ? entries : entries.reverse());
        s.env = [{ name: 'NEO4J_AUTH', value: 'none' }];
        s.backups = { cloud: { provider: 'azure', identity: { provider: 'aws' } } };
        s.resources.limits.memory = '1Gi';
        s.auth = { provider: 'kerberos' };
        s.tls = { issuerRef: { name: 'ca' }, duration: '1y' };
        s.storage.size = '10GB';
      });
    const first = validateCluster(build('forward'));
    expect(first).toEqual({
      errors: [
        "storage size must be in format like '100Gi', '1Ti'",
        `invalid duration format for spec.tls.duration: "1y" ${DURATION_HINT}`,
        'secretRef is required for kerberos auth provider',
        'insufficient memory for cluster size (4 servers). Current: 1.0Gi, Required minimum: 2.0Gi',
        'identity provider must match cloud provider: spec.backups.cloud.identity.provider is "aws" but spec.backups.cloud.provider is "azure"',
        'spec.config key dbms.cluster.endpoints is managed by neo4j-hooks (cluster discovery); remove it',
        'spec.config key server.directories.logs is managed by neo4j-hooks (the data, logs and plugins directories); remove it',
        'spec.upgradeStrategy.maxUnavailableDuringUpgrade must be 0 or more, got -2',
        'cannot enforce distribution: 4 servers require at least 4 availability zones, but only 2 are available',
        'spec.topology.placement.antiAffinity.type must be required or preferred, got "soft"',
      ],
      warnings: [
        'Even number of servers (4) may reduce fault tolerance when databases specify odd-numbered server allocations. ' +
          'Consider using an odd number of servers for optimal fault tolerance.',
        'All servers are constrained to PRIMARY mode. This prevents databases from using secondary replicas for read scaling.',
        'spec.config key dbms.connector.http.enabled is a Neo4j 4.x setting that Neo4j 5 and later do not read; use server.bolt.*, server.http.* or server.https.*',
        'spec.env entry NEO4J_AUTH is ignored because neo4j-hooks sets NEO4J_AUTH itself',
      ],
    });
    expect(validateCluster(build('reverse'))).toEqual(first);
  });

  it('does not modify the spec', () => {
    const input = spec((s) => (s.config = { b: '1', a: '2' }));
    const copy = structuredClone(input);
    validateCluster(input);
    expect(input).toEqual(copy);
  });
});
