/**
 * Every neo4j.conf key the cluster hook writes must be a documented Neo4j setting of the image's
 * version line (../shared/compat/neo4j-settings, Neo4j Operations Manual): Neo4j 5 and calver
 * validate neo4j.conf strictly, so an unknown key is a defect. Keys come from the ConfigMap the
 * hook renders through `preview` (the HTTP hook's code path) for every cluster fixture and every
 * operator cluster example: neo4j.conf and initial.conf (minus the user's `# spec.config`
 * section) and the per-server lines startup.sh echoes.
 *
 * The user's own keys are not the hook's to fix, but the undocumented ones the operator examples
 * use are pinned below, and the hook must tell the user about each of them in status.
 */
import { describe, expect, it } from 'vitest';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../../lib/neo4j/version.js';
import { DEFAULT_NOW, loadCases } from '../support/fixtures.js';
import {
  checkSetting,
  introducedIn,
  isDocumented,
  isInternalSetting,
  isPluginSetting,
  loadSettings,
  matchesSetting,
  removedInCalver,
  settingPattern,
} from '../support/neo4j-settings.js';
import { renderedKeys, type RenderedKeys } from '../support/rendered-config.js';
import { HAS_SHARED, operatorExamples } from '../support/shared.js';

/**
 * spec.config keys of the operator's cluster examples (those the API server admits) that neither
 * settings list documents for the example's line, and that are neither `internal.*` nor plugin
 * settings. Almost all are Neo4j 4.x names that 5.x renamed (`dbms.logs.query.*` →
 * `db.logs.query.*`, `dbms.transaction.timeout` → `db.transaction.timeout`, `metrics.*` →
 * `server.metrics.*`, `dbms.checkpoint.*` → `db.checkpoint.*`, `dbms.connector.bolt.*` →
 * `server.bolt.*`, `dbms.lock.acquisition.timeout` → `db.lock.acquisition.timeout`;
 * `dbms.logs.debug.level` has no counterpart in either list); the two discovery v2 timeouts are
 * not documented on either line. Schema-rejected examples (ingress, loadbalancer and nodeport
 * clusters) never reach the hook and are not counted here.
 */
const UNDOCUMENTED_USER_KEYS = [
  'dbms.checkpoint.interval.time',
  'dbms.checkpoint.interval.tx',
  'dbms.cluster.discovery.v2.initial_timeout',
  'dbms.cluster.discovery.v2.retry_timeout',
  'dbms.connector.bolt.thread_pool_max_size',
  'dbms.lock.acquisition.timeout',
  'dbms.logs.debug.level',
  'dbms.logs.query.enabled',
  'dbms.logs.query.page_logging_enabled',
  'dbms.logs.query.threshold',
  'dbms.transaction.timeout',
  'metrics.enabled',
];

/**
 * Undocumented user keys the hook does NOT name in the example's status (neither a warning nor,
 * for a refused spec, the Failed message). These are gaps in the hook's validation, recorded here
 * rather than fixed by this test. Empty: the hook names every undocumented key of the corpus. The
 * test fails when an entry is no longer needed.
 */
const KNOWN_UNWARNED: string[] = [];

/** What one cluster document renders to. */
type Outcome =
  | { kind: 'rendered'; parent: K8sObject; status: Record<string, unknown>; version: Neo4jVersion; keys: RenderedKeys }
  /** Refused by validation: status phase Failed, children (if any) frozen as last applied. */
  | { kind: 'failed'; parent: K8sObject; status: Record<string, unknown> }
  /** The API server would reject it (PreviewError): the hook never sees it. */
  | { kind: 'rejected'; reason: string }
  /** Anything else is a hook defect. */
  | { kind: 'crashed'; error: string };

interface ClusterCase {
  label: string;
  outcome: Outcome;
}

function specOf(parent: K8sObject): { image: { tag: string }; config?: Record<string, string> } {
  return (parent as unknown as { spec: { image: { tag: string }; config?: Record<string, string> } }).spec;
}

function render(doc: unknown, observed: readonly K8sObject[], now: Date): Outcome {
  try {
    const { parent, response } = preview(doc, observed, { now });
    // A refused spec freezes the children as last applied: a ConfigMap then is an earlier
    // rendering (possibly for another image), not this spec's, so there is nothing to judge.
    if (response.status.phase === 'Failed') return { kind: 'failed', parent, status: response.status };
    const configMap = response.children.find((c) => c.kind === 'ConfigMap' && c.metadata.name.endsWith('-config'));
    if (!configMap) return { kind: 'crashed', error: `phase ${String(response.status.phase)} but no <c>-config ConfigMap among the children` };
    const tag = specOf(parent).image.tag;
    const parsed = parseNeo4jVersion(tag);
    if (!parsed.ok) return { kind: 'crashed', error: `rendered a ConfigMap for unparsable image tag ${tag}` };
    const data = (configMap as unknown as { data?: Record<string, string> }).data ?? {};
    return { kind: 'rendered', parent, status: response.status, version: parsed.version, keys: renderedKeys(data) };
  } catch (error) {
    if (error instanceof PreviewError) return { kind: 'rejected', reason: error.message };
    return { kind: 'crashed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

const FIXTURE_CASES: ClusterCase[] = loadCases()
  .filter((c) => c.plural === 'neo4jenterpriseclusters')
  .map((c) => ({ label: `fixtures/${c.plural}/${c.name}`, outcome: render(c.parent, c.observed, c.now) }));

const EXAMPLE_CASES: ClusterCase[] = HAS_SHARED
  ? operatorExamples()
      .filter((e) => e.doc.kind === 'Neo4jEnterpriseCluster')
      .map((e) => ({ label: `operator-examples/${e.id}`, outcome: render(e.doc, [], new Date(DEFAULT_NOW)) }))
  : [];

const count = (cases: ClusterCase[], kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;

/** Whether `text` names `key` as a whole setting name (not as a prefix of a longer one). */
function mentions(text: string, key: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.])${escaped}(?![A-Za-z0-9_]|\\.[A-Za-z0-9_])`, 'u').test(text);
}

function undocumentedHookKeys(keys: RenderedKeys, version: Neo4jVersion): string[] {
  return keys.keys.flatMap((key) => {
    // Settings of installed plugins (the Neo4jPlugin block) belong to the plugin, not to these lists.
    if (isPluginSetting(key)) return [];
    const verdict = checkSetting(key, version);
    return verdict.documented ? [] : [`${key} (written by ${(keys.sources[key] ?? []).join(', ')}): ${verdict.why}`];
  });
}

function checkRenderedCase({ label, outcome }: ClusterCase): void {
  if (outcome.kind !== 'rendered') return;
  const { keys, version, parent } = outcome;
  const where = `${label} (image ${version.raw}, line ${version.line})`;

  // startup.sh must assemble the server's conf from exactly the files parsed here.
  expect(keys.includedFiles, `${where}: files startup.sh concatenates`).toEqual(['neo4j.conf', 'initial.conf']);

  // (b) every hook-written key is documented for the image's version.
  expect(undocumentedHookKeys(keys, version), `${where}: hook-written keys that are not documented Neo4j ${version.line} settings`).toEqual([]);

  // The user section holds exactly the user's keys the hook did not take over (memory settings).
  const config = specOf(parent).config ?? {};
  expect(keys.userKeys.filter((k) => !(k in config)), `${where}: # spec.config keys not in spec.config`).toEqual([]);
  expect(Object.keys(config).filter((k) => !keys.userKeys.includes(k) && !keys.keys.includes(k)), `${where}: spec.config keys missing from neo4j.conf`).toEqual([]);

  // Strict validation refuses duplicates; only server.jvm.additional may repeat.
  const duplicated = [
    ...Object.entries(keys.occurrences).filter(([k, n]) => n > 1 && k !== 'server.jvm.additional').map(([k, n]) => `${k} written ${n} times by the hook`),
    ...keys.userKeys.filter((k) => keys.keys.includes(k) && k !== 'server.jvm.additional').map((k) => `${k} written by the hook and by spec.config`),
  ];
  expect(duplicated, `${where}: duplicated keys`).toEqual([]);
}

describe('settings template matching (README rules)', () => {
  it('turns a template into an anchored, escaped, one-segment-per-placeholder pattern', () => {
    const pattern = settingPattern('dbms.ssl.policy.<scope>.enabled');
    expect(pattern.source).toBe('^dbms\\.ssl\\.policy\\.[^.]+\\.enabled$');
    expect(pattern.test('dbms.ssl.policy.bolt.enabled')).toBe(true);
    expect(pattern.test('dbms.ssl.policy.enabled')).toBe(false);
    expect(pattern.test('dbms.ssl.policy.a.b.enabled')).toBe(false);
    expect(pattern.test('dbms.ssl.policy..enabled')).toBe(false);
    expect(pattern.test('dbms.ssl.policy.bolt.ENABLED')).toBe(false);
    expect(pattern.test('dbmsXssl.policy.bolt.enabled')).toBe(false);
    expect(pattern.test('dbms.ssl.policy.bolt.enabled.extra')).toBe(false);
    expect(settingPattern('server.bolt.enabled').test('server.bolt.enabled')).toBe(true);
  });
});

describe('rendered-config key extraction', () => {
  const data = {
    'neo4j.conf': '# header\n\n# Network\nserver.a=1\nserver.jvm.additional=-Xa\nserver.jvm.additional=-Xb\n\n# spec.config\nuser.one=x=y\nuser.two=\n',
    'initial.conf': '# comment\ninitial.x=3\n\n',
    'startup.sh': [
      '{',
      '  cat /mnt/neo4j.conf',
      '  echo',
      '  echo "# This server"',
      '  echo "server.adv=${ADDRESS}"',
      '  if [ "$MODE" != "NONE" ]; then',
      '    echo "initial.mode=${MODE}"',
      '  fi',
      '  cat /mnt/initial.conf',
      '} > "$CONF"',
    ].join('\n'),
  };

  it('separates hook keys from the # spec.config section and reads echoed keys', () => {
    const keys = renderedKeys(data);
    expect(keys.keys).toEqual(['initial.mode', 'initial.x', 'server.a', 'server.adv', 'server.jvm.additional']);
    expect(keys.userKeys).toEqual(['user.one', 'user.two']);
    expect(keys.sources).toMatchObject({ 'server.a': ['neo4j.conf'], 'initial.x': ['initial.conf'], 'server.adv': ['startup.sh'] });
    expect(keys.occurrences['server.jvm.additional']).toBe(2);
    expect(keys.includedFiles).toEqual(['neo4j.conf', 'initial.conf']);
  });

  it('refuses a ConfigMap without the conf files', () => {
    expect(() => renderedKeys({ 'neo4j.conf': '' })).toThrow(/initial.conf/u);
  });
});

describe.skipIf(!HAS_SHARED)('neo4j.conf keys against the documented Neo4j settings', () => {
  describe('(d) the settings lists', () => {
    it('are non-trivial and consistent', () => {
      const v526 = loadSettings('5.26');
      const calver = loadSettings('calver');
      expect(v526.entries.length).toBeGreaterThanOrEqual(300);
      expect(calver.entries.length).toBeGreaterThanOrEqual(300);
      expect(v526.templates.length).toBeGreaterThan(0);
      expect(calver.templates.length).toBeGreaterThan(0);
      for (const name of removedInCalver()) {
        expect(v526.entries.some((e) => e.name === name), `${name} in 5.26.txt`).toBe(true);
        expect(calver.entries.some((e) => e.name === name), `${name} not in calver.txt`).toBe(false);
      }
    });
  });

  describe('(a) matcher and version rules', () => {
    const calver = (raw: string) => ({ line: 'calver' as const, raw });
    const lts = (raw: string) => ({ line: '5.26' as const, raw });

    it('matches dbms.ssl.policy.<scope>.enabled as the README says', () => {
      for (const line of ['5.26', 'calver'] as const) {
        expect(matchesSetting('dbms.ssl.policy.bolt.enabled', line)?.name).toBe('dbms.ssl.policy.<scope>.enabled');
        expect(matchesSetting('dbms.ssl.policy.enabled', line)).toBeUndefined();
        expect(matchesSetting('dbms.ssl.policy.a.b.enabled', line)).toBeUndefined();
      }
      expect(isDocumented('dbms.ssl.policy.https.private_key', lts('5.26.0-enterprise'))).toBe(true);
      expect(isDocumented('dbms.security.oidc.okta.client_id', calver('2025.01.0'))).toBe(true);
      expect(isDocumented('db.cluster.raft.leader_transfer.priority_tag.neo4j', calver('2025.01.0'))).toBe(true);
      expect(isDocumented('db.cluster.raft.leader_transfer.priority_tag.my.db', calver('2025.01.0'))).toBe(false);
    });

    it('compares names case-sensitively and literally', () => {
      expect(matchesSetting('server.bolt.enabled', '5.26')?.name).toBe('server.bolt.enabled');
      expect(matchesSetting('Server.bolt.enabled', '5.26')).toBeUndefined();
      expect(matchesSetting('server.bolt', '5.26')).toBeUndefined();
    });

    it('reads new-<version> labels', () => {
      const entry = matchesSetting('server.bolt.unix_socket_enabled', 'calver')!;
      expect(introducedIn(entry)?.raw).toBe('2025.08');
      expect(introducedIn(matchesSetting('server.bolt.enabled', 'calver')!)).toBeUndefined();
      expect(introducedIn(matchesSetting('dbms.integrations.cloud_storage.azb.authority_endpoint', '5.26')!)?.raw).toBe('5.26.4');
    });

    it('rejects a new-2025.08 setting for 2025.01–2025.07 images', () => {
      const key = 'server.bolt.unix_socket_enabled';
      expect(isDocumented(key, calver('2025.01.0-enterprise'))).toBe(false);
      expect(checkSetting(key, calver('2025.07.2')).documented).toBe(false);
      expect(checkSetting(key, calver('2025.01.0'))).toMatchObject({ documented: false, why: expect.stringMatching(/new in 2025\.08/u) });
      expect(isDocumented(key, calver('2025.08'))).toBe(true);
      expect(isDocumented(key, calver('2025.08.0-enterprise'))).toBe(true);
      expect(isDocumented(key, calver('2026.01.0'))).toBe(true);
    });

    it('rejects a new-5.26.4 setting for 5.26.0 images', () => {
      const key = 'dbms.integrations.cloud_storage.azb.authority_endpoint';
      expect(isDocumented(key, lts('5.26-enterprise'))).toBe(false);
      expect(isDocumented(key, lts('5.26.3'))).toBe(false);
      expect(isDocumented(key, lts('5.26.4-enterprise'))).toBe(true);
    });

    it('judges each key against its own version line', () => {
      expect(isDocumented('dbms.cluster.discovery.version', lts('5.26.0'))).toBe(true);
      expect(isDocumented('dbms.cluster.discovery.version', calver('2025.01.0'))).toBe(false);
      expect(isDocumented('dbms.cluster.endpoints', calver('2025.01.0'))).toBe(true);
      expect(isDocumented('dbms.cluster.endpoints', lts('5.26.0'))).toBe(false);
      expect(isDocumented('server.bolt.enabled', { line: 'other', raw: '4.4.0' })).toBe(false);
    });

    it('always allows internal.* and never accepts plugin settings as documented', () => {
      expect(isInternalSetting('internal.dbms.anything')).toBe(true);
      expect(isDocumented('internal.dbms.anything', lts('5.26.0'))).toBe(true);
      expect(isDocumented('internal.dbms.anything', calver('2025.01.0'))).toBe(true);
      for (const key of ['apoc.export.file.enabled', 'gds.enterprise.license_file', 'dbms.bloom.license_file', 'genai.openai.key']) {
        expect(isPluginSetting(key), key).toBe(true);
        expect(isDocumented(key, lts('5.26.0')), key).toBe(false);
      }
      expect(isPluginSetting('dbms.security.procedures.unrestricted')).toBe(false);
    });
  });

  describe('(b) every key the hook writes is documented for the image', () => {
    it(`covers the cluster fixtures (${count(FIXTURE_CASES, 'rendered')} of ${FIXTURE_CASES.length} render a ConfigMap)`, () => {
      expect(FIXTURE_CASES.length).toBeGreaterThan(0);
      expect(FIXTURE_CASES.filter((c) => c.outcome.kind === 'crashed').map((c) => `${c.label}: ${(c.outcome as { error: string }).error}`)).toEqual([]);
      expect(count(FIXTURE_CASES, 'rendered')).toBeGreaterThan(0);
    });

    it(
      `covers the operator cluster examples (${count(EXAMPLE_CASES, 'rendered')} of ${EXAMPLE_CASES.length} render a ConfigMap; ` +
        `${count(EXAMPLE_CASES, 'rejected')} rejected by the CRD schema, ${count(EXAMPLE_CASES, 'failed')} refused by validation)`,
      () => {
        // 21 Neo4jEnterpriseCluster documents in the corpus (README).
        expect(EXAMPLE_CASES).toHaveLength(21);
        expect(EXAMPLE_CASES.filter((c) => c.outcome.kind === 'crashed').map((c) => `${c.label}: ${(c.outcome as { error: string }).error}`)).toEqual([]);
        const lines = new Set(EXAMPLE_CASES.flatMap((c) => (c.outcome.kind === 'rendered' ? [c.outcome.version.line] : [])));
        // Both version lines must be exercised, or the check proves nothing for one of them.
        expect([...lines].sort()).toEqual(['5.26', 'calver']);
      },
    );

    it('extracts the role settings startup.sh derives from server-roles', () => {
      const rendered = [...FIXTURE_CASES, ...EXAMPLE_CASES].find((c) => c.outcome.kind === 'rendered')?.outcome;
      if (rendered?.kind !== 'rendered') throw new Error('no case renders a ConfigMap');
      const fromScript = rendered.keys.keys.filter((k) => rendered.keys.sources[k]?.includes('startup.sh'));
      expect(fromScript).toContain('initial.server.mode_constraint');
      expect(fromScript).toContain('server.cluster.system_database_mode');
    });

    for (const c of [...FIXTURE_CASES, ...EXAMPLE_CASES]) {
      const { outcome } = c;
      const title =
        outcome.kind === 'rendered'
          ? `${c.label} (Neo4j ${outcome.version.raw}, line ${outcome.version.line})`
          : `${c.label} (not rendered: ${outcome.kind})`;
      it.skipIf(outcome.kind !== 'rendered')(title, () => checkRenderedCase(c));
    }
  });

  describe('(c) undocumented user keys of the operator examples', () => {
    /** Each admitted example's undocumented spec.config keys, with its status. */
    const findings = EXAMPLE_CASES.flatMap(({ label, outcome }) => {
      if (outcome.kind !== 'rendered' && outcome.kind !== 'failed') return [];
      const tag = specOf(outcome.parent).image.tag;
      const parsed = parseNeo4jVersion(tag);
      if (!parsed.ok) return [];
      return Object.keys(specOf(outcome.parent).config ?? {})
        .filter((key) => !isDocumented(key, parsed.version) && !isInternalSetting(key) && !isPluginSetting(key))
        .map((key) => ({ label, key, status: outcome.status, failed: outcome.kind === 'failed' }));
    });

    it('are exactly the expected list', () => {
      expect(EXAMPLE_CASES.length).toBeGreaterThan(0);
      expect([...new Set(findings.map((f) => f.key))].sort()).toEqual(UNDOCUMENTED_USER_KEYS);
      expect([...UNDOCUMENTED_USER_KEYS].sort()).toEqual(UNDOCUMENTED_USER_KEYS);
    });

    it('are each named in the status (a warning, or the Failed message when the spec is refused over it), except KNOWN_UNWARNED', () => {
      const named = (f: (typeof findings)[number]) => {
        const warnings = Array.isArray(f.status.warnings) ? (f.status.warnings as unknown[]).map(String) : [];
        if (warnings.some((w) => mentions(w, f.key))) return true;
        return f.failed && typeof f.status.message === 'string' && mentions(f.status.message, f.key);
      };
      const unwarned = findings.filter((f) => !named(f));
      expect(
        unwarned.filter((f) => !KNOWN_UNWARNED.includes(f.key)).map((f) => `${f.label}: ${f.key}`),
        'undocumented spec.config keys the status does not mention',
      ).toEqual([]);
      const stillUnwarned = new Set(unwarned.map((f) => f.key));
      expect(KNOWN_UNWARNED.filter((k) => !stillUnwarned.has(k)), 'KNOWN_UNWARNED entries the hook now warns about: remove them').toEqual([]);
      expect(KNOWN_UNWARNED.filter((k) => !UNDOCUMENTED_USER_KEYS.includes(k))).toEqual([]);
    });
  });
});
