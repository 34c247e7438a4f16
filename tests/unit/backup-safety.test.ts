/**
 * Hostile values in every backup and restore field that reaches a command stay inert: they are
 * refused by validation, or they reach the process only as one whole argv element or environment
 * value (never inside a shell script), and inside Cypher only as a quoted identifier or string
 * literal that decodes back to exactly the value. The scripts themselves are constants, and they
 * are run here under bash with stand-ins for neo4j-admin and cypher-shell to prove the values come
 * out the other side unchanged and nothing they contain is executed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import { backupReconciler } from '../../lib/backup/reconciler.js';
import { restoreReconciler } from '../../lib/restore/reconciler.js';
import { backupArgs, BACKUP_SCRIPT } from '../../lib/backup/command.js';
import { validateBackup } from '../../lib/backup/validate.js';
import { CYPHER_HOOK_SCRIPT, restoreQueries, RESTORE_SCRIPT, REFUSED_EXIT_CODE, type RestoreModel } from '../../lib/restore/children.js';
import { validateRestore } from '../../lib/restore/validate.js';
import type { Target } from '../../lib/backup/target.js';
import type { BackupSpec } from '../../lib/schemas/backup.js';
import type { RestoreSpec } from '../../lib/schemas/restore.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const API = 'neo4j.neo4j.com/v1alpha1';
const WORK = mkdtempSync(join(tmpdir(), 'neo4j-hooks-safety-'));
const SENTINEL = join(WORK, 'PWNED');

/** Values that would do something if a shell or a Cypher parser ever interpreted them. */
const HOSTILE = [
  `'; touch ${SENTINEL}; echo '`,
  `$(touch ${SENTINEL})`,
  `\`touch ${SENTINEL}\``,
  `a\ntouch ${SENTINEL}`,
  `x" ; touch ${SENTINEL} ; "`,
  '${IFS}$HOME',
  '; rm -rf /',
  "foo`) DROP DATABASE neo4j; //",
  "bar') } DROP DATABASE neo4j WAIT; CREATE DATABASE x OPTIONS {seedURI: 'y",
  'back\\slash\\\'',
  '--from=evil:6362',
  '*',
  '\u2028line\u2029sep\r\n',
];

/** Characters a storage path may hold (lib/backup/storage.ts). */
const PLAIN_PATH = /^[A-Za-z0-9._~+=,@:%/-]*$/u;

const hasBash = spawnSync('bash', ['-c', 'exit 0']).status === 0;

function version(tag: string) {
  const parsed = parseNeo4jVersion(tag);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.version;
}

/**
 * A stand-in command (bash) that records each call's argv in its own NUL-separated file
 * `<WORK>/calls/<name>.<n>`, then runs `body`.
 */
function fake(name: string, body = ''): void {
  mkdirSync(join(WORK, 'bin'), { recursive: true });
  mkdirSync(join(WORK, 'calls'), { recursive: true });
  const path = join(WORK, 'bin', name);
  writeFileSync(
    path,
    `#!/bin/bash\nn=0; while [ -e "${join(WORK, 'calls')}/${name}.$n" ]; do n=$((n + 1)); done\nprintf '%s\\0' "$@" > "${join(WORK, 'calls')}/${name}.$n"\n${body}\n`,
  );
  chmodSync(path, 0o755);
}

function calls(name: string): string[][] {
  const dir = join(WORK, 'calls');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.startsWith(`${name}.`)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
  return files.map((f) => readFileSync(join(dir, f), 'utf8').split('\u0000').slice(0, -1));
}

function runScript(script: string, argv0: string, args: string[], env: Record<string, string>) {
  rmSync(join(WORK, 'calls'), { recursive: true, force: true });
  mkdirSync(join(WORK, 'calls'), { recursive: true });
  return spawnSync('bash', ['-c', script, argv0, ...args], {
    env: { PATH: `${join(WORK, 'bin')}:${process.env.PATH ?? ''}`, ...env },
    encoding: 'utf8',
    cwd: WORK,
  });
}

/** Cypher split into its quoted identifiers, its string literals (decoded), and the rest. */
function cypherTokens(cypher: string): { skeleton: string; identifiers: string[]; strings: string[] } {
  let skeleton = '';
  const identifiers: string[] = [];
  const strings: string[] = [];
  const escapes: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
  let i = 0;
  while (i < cypher.length) {
    const ch = cypher[i]!;
    if (ch === '`') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= cypher.length) throw new Error(`unterminated identifier in ${cypher}`);
        if (cypher[j] === '`') {
          if (cypher[j + 1] === '`') {
            value += '`';
            j += 2;
            continue;
          }
          break;
        }
        value += cypher[j];
        j++;
      }
      identifiers.push(value);
      skeleton += '`?`';
      i = j + 1;
    } else if (ch === "'") {
      let j = i + 1;
      let value = '';
      while (cypher[j] !== "'") {
        if (j >= cypher.length) throw new Error(`unterminated string in ${cypher}`);
        if (cypher[j] === '\\') {
          const next = cypher[j + 1]!;
          if (next === 'u') {
            value += String.fromCharCode(parseInt(cypher.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          if (!(next in escapes)) throw new Error(`unknown escape \\${next}`);
          value += escapes[next];
          j += 2;
          continue;
        }
        value += cypher[j];
        j++;
      }
      strings.push(value);
      skeleton += "'?'";
      i = j + 1;
    } else {
      skeleton += ch;
      i++;
    }
  }
  return { skeleton, identifiers, strings };
}

function target(tag: string): Target {
  return {
    kind: 'Neo4jEnterpriseCluster',
    name: 'orders',
    namespace: 'shop',
    image: `neo4j:${tag}`,
    pullPolicy: 'IfNotPresent',
    pullSecrets: [],
    version: version(tag),
    backupAddresses: ['orders-server-0.orders-headless.shop.svc.cluster.local:6362'],
    boltUri: 'neo4j://orders-client.shop.svc.cluster.local:7687',
    adminSecret: 'orders-admin',
    ready: true,
    notReadyReason: '',
  };
}

function restoreModel(tag: string, databaseName: string, seedUri: string, pointInTime?: string): RestoreModel {
  return {
    name: 'r',
    namespace: 'shop',
    target: target(tag),
    seedUri,
    spec: { targetCluster: 'orders', databaseName, source: { type: 'backup', backupRef: 'b', ...(pointInTime ? { pointInTime } : {}) } } as RestoreSpec,
  };
}

/** Every container of every Job/CronJob child. */
function containers(children: K8sObject[]): Container[] {
  return children.flatMap((c) => {
    const spec = c.spec as any;
    if (c.kind === 'Job') return spec.template.spec.containers as Container[];
    if (c.kind === 'CronJob') return spec.jobTemplate.spec.template.spec.containers as Container[];
    return [];
  });
}

describe('validation keeps hostile names and locations out', () => {
  for (const value of HOSTILE) {
    it(`refuses ${JSON.stringify(value)} wherever a name, path or schedule is expected`, () => {
      const base: BackupSpec = { target: { kind: 'Cluster', name: 'orders' }, storage: { type: 'pvc', pvc: { size: '1Gi' } } };
      const specs: BackupSpec[] = [
        { ...base, target: { kind: 'Cluster', name: value } },
        { ...base, target: { kind: 'Database', name: `orders/${value}` } },
        { ...base, target: { kind: 'Cluster', name: 'orders', namespace: value } },
        // A path of plain path characters is accepted as a literal folder name (it is one argv element).
        ...(PLAIN_PATH.test(value) ? [] : [{ ...base, storage: { type: 'pvc' as const, path: value, pvc: { size: '1Gi' } } }]),
        { ...base, storage: { type: 'pvc', pvc: { name: value } } },
        { ...base, storage: { type: 's3', bucket: value } },
        { ...base, storage: { type: 's3', bucket: 'bkt', cloud: { credentialsSecretRef: value } } },
        { ...base, storage: { type: 's3', bucket: 'bkt', cloud: { identity: { provider: 'aws', serviceAccount: value } } } },
      ];
      if (value !== '*') specs.push({ ...base, schedule: value });
      for (const spec of specs) expect(validateBackup(spec, 'shop').errors, JSON.stringify(spec)).not.toEqual([]);
      const restore: RestoreSpec = { targetCluster: 'orders', databaseName: 'sales', source: { type: 'backup', backupRef: 'b' } };
      const restores: RestoreSpec[] = [
        { ...restore, targetCluster: value },
        { ...restore, databaseName: value },
        { ...restore, source: { type: 'backup', backupRef: value } },
        ...(PLAIN_PATH.test(value) ? [] : [{ ...restore, source: { type: 'storage' as const, storage: { type: 's3' as const, bucket: 'bkt' }, backupPath: value } }]),
        { ...restore, source: { type: 'backup', backupRef: 'b', pointInTime: value } },
      ];
      for (const spec of restores) expect(validateRestore(spec).errors, JSON.stringify(spec)).not.toEqual([]);
    });
  }
});

describe('backup argv: each value is one whole argument', () => {
  for (const value of HOSTILE) {
    it(`keeps ${JSON.stringify(value)} inside one argv element`, () => {
      const args = backupArgs({
        version: version('2025.11.0'),
        from: [value],
        toPath: value,
        database: value,
        cluster: true,
        options: { pageCache: value, additionalArgs: [`--verbose=${value}`, value] },
      });
      expect(args).toContain(`--from=${value}`);
      expect(args).toContain(`--to-path=${value}`);
      expect(args).toContain(`--pagecache=${value}`);
      expect(args).toContain(`--verbose=${value}`);
      expect(args.at(-1)).toBe(value);
    });
  }

  it.skipIf(!hasBash)('the wrapper hands every argument to neo4j-admin unchanged and executes none of them', () => {
    fake('neo4j-admin', 'exit 0');
    for (const value of HOSTILE) {
      const args = ['neo4j-admin', 'database', 'backup', `--to-path=${value}`, `--verbose=${value}`, value];
      const dir = join(WORK, 'backups', value.replace(/\//gu, '_'));
      const result = runScript(BACKUP_SCRIPT, 'neo4j-backup', args, { BACKUP_DIR: dir, AWS_ENDPOINT_URL_S3: value, RETENTION_MAX_COUNT: '1' });
      expect(result.status, result.stderr).toBe(0);
      const received = calls('neo4j-admin');
      expect(received[0]).toEqual(args.slice(1));
      expect(existsSync(dir), `BACKUP_DIR ${JSON.stringify(dir)} created literally`).toBe(true);
      expect(existsSync(SENTINEL), `${JSON.stringify(value)} was executed`).toBe(false);
    }
  }, 60_000);
});

describe('backup reconciler: hostile values that pass validation only reach argv and env', () => {
  it('renders a constant script and puts the values in whole arguments', () => {
    const reconciler = backupReconciler as unknown as Reconciler;
    const cluster: K8sObject = {
      apiVersion: API,
      kind: 'Neo4jEnterpriseCluster',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: { image: { repo: 'neo4j', tag: '2025.11.0-enterprise' }, topology: { servers: 3 }, storage: { className: 'x', size: '1Gi' } },
      status: { phase: 'Ready' },
    };
    for (const value of HOSTILE) {
      for (const schedule of [undefined, '@daily']) {
        const parent: K8sObject = {
          apiVersion: API,
          kind: 'Neo4jBackup',
          metadata: { name: 'b', namespace: 'shop', uid: 'u' },
          spec: {
            target: { kind: 'Cluster', name: 'orders' },
            ...(schedule ? { schedule } : {}),
            storage: { type: 'pvc', pvc: { size: '1Gi' } },
            options: { additionalArgs: [`--verbose=${value}`, `--include-metadata=${value}`] },
          },
        };
        const response = runSync(reconciler, buildSyncRequest(reconciler, parent, [cluster]), NOW);
        if (/[\u0000-\u001f\u007f]/u.test(value)) {
          expect(response.status.message).toMatch(/contains a control character/u);
          expect(response.children).toEqual([]);
          continue;
        }
        const [container] = containers(response.children);
        expect(container, JSON.stringify(response.status)).toBeDefined();
        expect(container!.command).toEqual(['/bin/bash', '-c', BACKUP_SCRIPT, 'neo4j-backup']);
        expect(container!.args).toContain(`--verbose=${value}`);
        expect(container!.args).toContain(`--include-metadata=${value}`);
        expect(container!.args!.filter((a) => a.includes(value.trim() || '\u0000')).every((a) => a === `--verbose=${value}` || a === `--include-metadata=${value}` || value === '*')).toBe(true);
      }
    }
  });
});

describe('restore Cypher: values are quoted literals that decode to themselves', () => {
  const reference = (tag: string) => restoreQueries(restoreModel(tag, 'sales', 's3://b/p/', '2025-01-01T00:00:00Z'));
  for (const tag of ['5.26.12', '2025.06.0']) {
    for (const value of HOSTILE) {
      it(`${tag}: ${JSON.stringify(value)} as seed URI and point in time`, () => {
        const queries = restoreQueries(restoreModel(tag, 'sales', value, value));
        for (const key of ['exists', 'create', 'replace', 'drop', 'status', 'detail'] as const) {
          const text = queries[key];
          if (text === undefined) continue;
          // No raw statement separator or line break: cypher-shell cannot cut the statement.
          expect(text).not.toMatch(/[\n\r\u2028\u2029;]/u);
          expect(cypherTokens(text).skeleton, key).toBe(cypherTokens(reference(tag)[key]!).skeleton);
        }
        expect(cypherTokens(queries.create).strings).toEqual(['use', value, value]);
      });
    }
  }

  it('quotes identifiers so that they decode to the name (names themselves are validated first)', () => {
    for (const value of HOSTILE.filter((v) => !v.includes('\\'))) {
      const queries = restoreQueries(restoreModel('2025.06.0', value, 's3://b/p/'));
      const tokens = cypherTokens(queries.create);
      expect(tokens.identifiers).toEqual([value]);
      expect(tokens.skeleton).toBe(cypherTokens(restoreQueries(restoreModel('2025.06.0', 'sales', 's3://b/p/')).create).skeleton);
      expect(cypherTokens(queries.exists).strings).toEqual([value.toLowerCase()]);
    }
  });
});

describe('restore scripts run under bash: queries and statements are single arguments', () => {
  it.skipIf(!hasBash)('the restore script passes each query whole and reports a collision without executing the name', () => {
    // cypher-shell stand-in: the query is its last argument.
    fake(
      'cypher-shell',
      'q="${@: -1}"; if [ "$q" = "$EXISTS_QUERY" ]; then printf \'n\\n%s\\n\' "${FAKE_COUNT:-0}"; elif [ "$q" = "$STATUS_QUERY" ]; then printf \'state\\n"online"\\n\'; else echo ok; fi',
    );
    for (const value of HOSTILE) {
      const queries = restoreQueries(restoreModel('2025.06.0', 'sales', value, value));
      const env = {
        NEO4J_URI: 'neo4j://x:7687',
        DATABASE_NAME: value,
        EXISTS_QUERY: queries.exists,
        CREATE_QUERY: queries.create,
        REPLACE_QUERY: queries.replace!,
        STATUS_QUERY: queries.status,
        DETAIL_QUERY: queries.detail,
        WAIT_TIMEOUT_SECONDS: '5',
      };
      const created = runScript(RESTORE_SCRIPT, 'neo4j-restore', [], { ...env, REPLACE_EXISTING: 'false' });
      expect(created.status, created.stderr).toBe(0);
      expect(calls('cypher-shell').map((c) => c.at(-1))).toEqual([queries.exists, queries.create, queries.status]);
      const refused = runScript(RESTORE_SCRIPT, 'neo4j-restore', [], { ...env, REPLACE_EXISTING: 'false', FAKE_COUNT: '3' });
      expect(refused.status).toBe(REFUSED_EXIT_CODE);
      expect(refused.stderr).toContain(`database ${value} already exists. Use replaceExisting option or force flag to overwrite`);
      const replaced = runScript(RESTORE_SCRIPT, 'neo4j-restore', [], { ...env, REPLACE_EXISTING: 'true', FAKE_COUNT: '3' });
      expect(replaced.status, replaced.stderr).toBe(0);
      expect(calls('cypher-shell').map((c) => c.at(-1))).toEqual([queries.exists, queries.replace, queries.status]);
      expect(existsSync(SENTINEL), `${JSON.stringify(value)} was executed`).toBe(false);
    }
  }, 60_000);

  it.skipIf(!hasBash)('the Cypher hook script runs each statement as one argument, in order', () => {
    fake('cypher-shell', 'exit 0');
    const result = runScript(CYPHER_HOOK_SCRIPT, 'neo4j-restore-hook', HOSTILE, { NEO4J_URI: 'neo4j://x:7687', HOOK_DATABASE: HOSTILE[1]! });
    expect(result.status, result.stderr).toBe(0);
    const received = calls('cypher-shell');
    expect(received.map((c) => c.at(-1))).toEqual(HOSTILE);
    expect(received.every((c) => c.includes(`${HOSTILE[1]}`))).toBe(true);
    expect(existsSync(SENTINEL)).toBe(false);
  }, 60_000);
});

describe('restore reconciler: hostile hook statements and the restored name stay data', () => {
  it('puts statements in args of a constant script, and never builds a shell line for a user hook container', () => {
    const reconciler = restoreReconciler as unknown as Reconciler;
    const related: K8sObject[] = [
      {
        apiVersion: API,
        kind: 'Neo4jEnterpriseCluster',
        metadata: { name: 'orders', namespace: 'shop' },
        spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, topology: { servers: 3 }, storage: { className: 'x', size: '1Gi' } },
        status: { phase: 'Ready' },
      },
    ];
    const parent: K8sObject = {
      apiVersion: API,
      kind: 'Neo4jRestore',
      metadata: { name: 'r', namespace: 'shop', uid: 'u' },
      spec: {
        targetCluster: 'orders',
        databaseName: 'sales',
        source: { type: 'storage', storage: { type: 's3', bucket: 'bkt' }, backupPath: 'a.backup' },
        options: {
          preRestore: {
            cypherStatements: HOSTILE,
            job: { template: { container: { image: 'alpine:3.20', command: HOSTILE, args: HOSTILE, env: [{ name: 'X', value: HOSTILE[0] }] } } },
          },
        },
      },
    };
    const first = runSync(reconciler, buildSyncRequest(reconciler, parent, related), NOW);
    const [cypher] = containers(first.children);
    expect(cypher!.command).toEqual(['/bin/bash', '-c', CYPHER_HOOK_SCRIPT, 'neo4j-restore-hook']);
    expect(cypher!.args).toEqual(HOSTILE);
    const observed = first.children.map((c) => ({
      ...c,
      metadata: { ...c.metadata, annotations: { 'metacontroller.k8s.io/last-applied-configuration': JSON.stringify(c) } },
      status: { succeeded: 1, startTime: '2025-12-31T23:00:00Z', completionTime: '2025-12-31T23:01:00Z', conditions: [{ type: 'Complete', status: 'True' }] },
    }));
    const second = runSync(reconciler, buildSyncRequest(reconciler, parent, [...related, ...observed]), NOW);
    const hook = containers(second.children).find((c) => c.name === 'hook')!;
    expect(hook).toEqual({ name: 'hook', image: 'alpine:3.20', command: HOSTILE, args: HOSTILE, env: [{ name: 'X', value: HOSTILE[0] }] });
  });
});
