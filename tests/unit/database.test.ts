/**
 * Field-level rules of the Neo4jDatabase reconciler, on top of the goldens: related rules, Job
 * shape and safety, validation (operator.md §7.3 and Neo4j's rules), version gates, the Job state
 * machine (create, init once, topology per hash), status facts and deletion.
 */
import { describe, expect, it } from 'vitest';
import type { Container, EnvVar, PodSpec } from 'kubernetes-types/core/v1.js';
import { buildApp } from '../../hooks/app.js';
import { preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { customizeDatabase, databaseReconciler } from '../../lib/database/reconciler.js';
import { databaseJobNames, MAX_JOB_NAME } from '../../lib/database/names.js';
import { databaseNameError } from '../../lib/database/validate.js';
import type { Database } from '../../lib/database/model.js';
import { CYPHER_SHELL_SCRIPT, MAX_SCRIPT_BYTES, resolveTarget } from '../../lib/targets/connection.js';
import { tlsServed } from '../../lib/standalone/model.js';
import type { StandaloneSpec } from '../../lib/schemas/standalone.js';
import { asObserved } from '../support/invariants.js';
import { schemaError } from '../support/k8s-schemas.js';

const now = new Date('2026-01-01T00:00:00Z');
type Obj = Record<string, any>;

function cluster(tag = '2025.06.0-enterprise', servers = 3, extra: Obj = {}, status: Obj = { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }] }): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'prod', namespace: 'ns' },
    spec: { image: { repo: 'neo4j', tag }, topology: { servers }, storage: { className: 's', size: '1Gi' }, ...extra },
    status,
  };
}

function standalone(tag = '2025.06.0-enterprise', status: Obj = { phase: 'Ready', ready: true }, extra: Obj = {}): K8sObject {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name: 'prod', namespace: 'ns' },
    spec: { image: { repo: 'neo4j', tag }, storage: { className: 's', size: '1Gi' }, ...extra },
    status,
  };
}

function secret(name: string, keys: string[]): K8sObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' }, data: Object.fromEntries(keys.map((k) => [k, 'eA=='])) };
}

function db(spec: Obj = {}, status?: Obj, name = 'orders'): Obj {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jDatabase',
    metadata: { name, namespace: 'ns', uid: 'db-uid', generation: 1 },
    spec: { clusterRef: 'prod', name: 'orders', ...spec },
    ...(status ? { status } : {}),
  };
}

function render(parent: Obj, observed: K8sObject[] = [], finalizing = false) {
  return preview(parent, observed, { now, finalizing }).response;
}

function jobs(children: K8sObject[]): string[] {
  return children.map((c) => c.metadata.name);
}

function container(job: K8sObject): Container {
  return ((job.spec as Obj).template.spec as PodSpec).containers[0]!;
}

function env(job: K8sObject, name: string): EnvVar | undefined {
  return container(job).env!.find((e) => e.name === name);
}

function cypher(job: K8sObject): string {
  return env(job, 'NEO4J_HOOKS_CYPHER')!.value!;
}

function status(response: { status: Obj }): Obj {
  return response.status;
}

const COMPLETE = { completionTime: '2025-12-31T00:01:10Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
const FAILED = { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] };

/** The Job `name` that `parent` emits given `observed`, observed back with `jobStatus`. */
function observedJob(parent: Obj, observed: K8sObject[], name: string, jobStatus?: Obj, finalizing = false): K8sObject {
  const response = render(parent, observed, finalizing);
  const job = response.children.find((c) => c.metadata.name === name);
  if (!job) throw new Error(`no Job ${name} in ${jobs(response.children).join(', ')}`);
  return { ...asObserved(job, parent as K8sObject, 0), ...(jobStatus ? { status: jobStatus } : {}) };
}

describe('customize', () => {
  it('asks for the target by name as cluster and as standalone, in the parent namespace', () => {
    expect(customizeDatabase(db() as Database)).toEqual([
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jenterpriseclusters', namespace: 'ns', names: ['prod'] },
      { apiVersion: 'neo4j.neo4j.com/v1alpha1', resource: 'neo4jenterprisestandalones', namespace: 'ns', names: ['prod'] },
    ]);
  });

  it('adds the seedCredentials Secret only when seeding with credentials', () => {
    const seeded = db({ seedURI: 's3://b/x.backup', seedCredentials: { secretRef: 'creds' } }) as Database;
    expect(customizeDatabase(seeded).at(-1)).toEqual({ apiVersion: 'v1', resource: 'secrets', namespace: 'ns', names: ['creds'] });
    expect(customizeDatabase(db({ seedCredentials: { secretRef: 'creds' } }) as Database)).toHaveLength(2);
  });

  it('is served at /hooks/neo4jdatabases/customize', async () => {
    const app = buildApp({ now: () => now, processMetrics: false });
    const reply = await app.inject({ method: 'POST', url: '/hooks/neo4jdatabases/customize', payload: { parent: db() } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json().relatedResources).toHaveLength(2);
    await app.close();
  });

  it('never selects everything: no rule for an empty clusterRef', () => {
    expect(customizeDatabase(db({ clusterRef: '' }) as Database)).toEqual([]);
  });

  it('declares the target kinds and Secret as related, Jobs as OnDelete children', () => {
    expect(databaseReconciler.related.map((r) => r.kind)).toEqual(['Neo4jEnterpriseCluster', 'Neo4jEnterpriseStandalone', 'Secret']);
    expect(databaseReconciler.children).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' }]);
  });
});

describe('the create Job', () => {
  const response = render(db({ topology: { primaries: 2, secondaries: 1 } }), [cluster()]);
  const job = response.children[0]!;

  it('is the only child, named <db>-create, and schema-valid', () => {
    expect(jobs(response.children)).toEqual(['orders-create']);
    expect(schemaError(job)).toBeUndefined();
  });

  it('runs cypher-shell from the target image on system, as the neo4j user, without a token', () => {
    const pod = (job.spec as Obj).template.spec as PodSpec;
    expect(container(job).image).toBe('neo4j:2025.06.0-enterprise');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474 });
    expect(container(job).securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(env(job, 'NEO4J_DATABASE')?.value).toBe('system');
    expect(env(job, 'NEO4J_ADDRESS')?.value).toBe('neo4j://prod-client.ns.svc.cluster.local:7687');
    expect((job.spec as Obj).backoffLimit).toBe(2);
  });

  it('reads the admin credentials from the Secret, never from a command line', () => {
    expect(env(job, 'NEO4J_USERNAME')?.valueFrom?.secretKeyRef).toEqual({ name: 'neo4j-admin-secret', key: 'username' });
    expect(env(job, 'NEO4J_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'neo4j-admin-secret', key: 'password' });
    expect(container(job).command).toEqual(['/bin/bash', '-c', CYPHER_SHELL_SCRIPT]);
    expect(container(job).args).toBeUndefined();
  });

  it('honours spec.auth.adminSecret, the pull policy and pull secrets of the target', () => {
    const target = cluster('2025.06.0-enterprise', 3, {
      image: { repo: 'r.example.com/neo4j', tag: '2025.06.0-enterprise', pullPolicy: 'Always', pullSecrets: ['b', 'a', 'b'] },
      auth: { adminSecret: 'prod-admin' },
    });
    const created = render(db(), [target]).children[0]!;
    expect(container(created).image).toBe('r.example.com/neo4j:2025.06.0-enterprise');
    expect(container(created).imagePullPolicy).toBe('Always');
    expect(((created.spec as Obj).template.spec as PodSpec).imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(env(created, 'NEO4J_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('prod-admin');
  });

  it('keeps the shell script fixed whatever the spec says: hostile values only reach the Cypher, quoted', () => {
    const hostile = "s3://bucket/x'; DROP DATABASE neo4j; //$(reboot)`id`.backup";
    const created = render(db({ seedURI: hostile }), [cluster()]).children[0]!;
    expect(container(created).command).toEqual(['/bin/bash', '-c', CYPHER_SHELL_SCRIPT]);
    expect(CYPHER_SHELL_SCRIPT).not.toContain('reboot');
    expect(cypher(created)).toContain("seedURI: 's3://bucket/x\\'\\u003B DROP DATABASE neo4j\\u003B //$(reboot)`id`.backup'");
    expect(cypher(created).match(/;/gu)).toHaveLength(1);
  });

  it('uses IF NOT EXISTS, WAIT and no retries exactly as the spec says', () => {
    const created = render(db({ ifNotExists: false, wait: false }), [cluster()]).children[0]!;
    expect(cypher(created)).toBe('CREATE DATABASE `orders` NOWAIT\n;\n');
    expect((created.spec as Obj).backoffLimit).toBe(0);
  });

  it('talks neo4j+ssc to a cluster with cert-manager TLS (cypher-shell cannot pin a CA)', () => {
    const tls = cluster('2025.06.0-enterprise', 3, { tls: { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } } });
    expect(env(render(db(), [tls]).children[0]!, 'NEO4J_ADDRESS')?.value).toBe('neo4j+ssc://prod-client.ns.svc.cluster.local:7687');
    const state = resolveTarget({ 'Neo4jEnterpriseCluster.neo4j.neo4j.com/v1alpha1': { prod: tls } }, 'prod', 'ns');
    expect(state.state === 'ready' && state.connection.caSecret).toEqual({ name: 'prod-tls-secret', key: 'ca.crt' });
  });

  it('talks bolt straight to <s>-service on a standalone (no routing table to follow)', () => {
    const spec = { tls: { mode: 'cert-manager', issuerRef: { name: 'ca' } } };
    const created = render(db(), [standalone('2025.06.0-enterprise', { phase: 'Ready', ready: true }, spec)]).children[0]!;
    const scheme = tlsServed(spec as unknown as StandaloneSpec) ? 'bolt+ssc' : 'bolt';
    expect(env(created, 'NEO4J_ADDRESS')?.value).toBe(`${scheme}://prod-service.ns.svc.cluster.local:7687`);
  });

  it('prefers a cluster over a standalone of the same name', () => {
    const created = render(db(), [standalone(), cluster()]).children[0]!;
    expect(env(created, 'NEO4J_ADDRESS')?.value).toContain('prod-client');
  });

  it('shortens long resource names so Job names fit 63 characters, deterministically', () => {
    const long = `orders-${'x'.repeat(70)}`;
    const names = databaseJobNames(long);
    for (const name of [names.create, names.init, names.drop, names.topology({ primaries: 3, secondaries: 1 })]) {
      expect(name.length).toBeLessThanOrEqual(MAX_JOB_NAME);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/u);
    }
    expect(databaseJobNames(long).create).toBe(names.create);
    expect(names.create.endsWith('-create')).toBe(true);
    const response = render(db({}, undefined, long), [cluster()]);
    expect(jobs(response.children)).toEqual([names.create]);
  });
});

describe('DEFAULT LANGUAGE', () => {
  const language = (tag: string) => {
    const response = render(db({ defaultCypherLanguage: '25' }), [cluster(tag)]);
    return { statement: cypher(response.children[0]!), warnings: (status(response).warnings ?? []) as string[] };
  };

  it('is written from Neo4j 2025.06 on', () => {
    expect(language('2025.06.0-enterprise').statement).toContain('DEFAULT LANGUAGE CYPHER 25');
    expect(language('2026.01.2').statement).toContain('DEFAULT LANGUAGE CYPHER 25');
  });

  it('is left out with a warning before 2025.06', () => {
    for (const tag of ['5.26.12-enterprise', '2025.05.0-enterprise']) {
      const { statement, warnings } = language(tag);
      expect(statement, tag).not.toContain('DEFAULT LANGUAGE');
      expect(warnings.some((w) => w.startsWith('defaultCypherLanguage needs Neo4j 2025.06 or later')), tag).toBe(true);
    }
  });

  it('warns about Cypher 5', () => {
    const response = render(db({ defaultCypherLanguage: '5' }), [cluster()]);
    expect((status(response).warnings as string[]).some((w) => w.includes('Cypher 5 is frozen'))).toBe(true);
  });
});

describe('database names', () => {
  it('accepts Neo4j names', () => {
    for (const name of ['abc', 'orders', 'main-db', 'a1.b2', 'x'.repeat(63), 'Orders']) expect(databaseNameError(name), name).toBeUndefined();
  });

  it('refuses names Neo4j refuses or reserves', () => {
    const cases: Record<string, string> = {
      ab: 'not 3 to 63',
      ['x'.repeat(64)]: 'not 3 to 63',
      '1abc': 'start with an ASCII letter',
      '-abc': 'start with an ASCII letter',
      abc_d: 'only ASCII letters, digits, dots and dashes',
      'ab c': 'only ASCII letters, digits, dots and dashes',
      'ab`c': 'only ASCII letters, digits, dots and dashes',
      'abc-': 'must not end with a dot or a dash',
      'abc.': 'must not end with a dot or a dash',
      système: 'only ASCII',
      system: 'reserved',
      systemdb: 'reserved',
      'System-2': 'reserved',
    };
    for (const [name, reason] of Object.entries(cases)) expect(databaseNameError(name), name).toContain(reason);
  });

  it('reports an invalid name as ValidationFailed and creates nothing', () => {
    const response = render(db({ name: "x'; DROP DATABASE neo4j; //" }), [cluster()]);
    expect(status(response).phase).toBe('ValidationFailed');
    expect(response.children).toEqual([]);
  });

  it('warns about upper case and dots', () => {
    const warnings = status(render(db({ name: 'Sales.v2' }), [cluster()])).warnings as string[];
    expect(warnings).toContain('Neo4j stores database names in lower case: "Sales.v2" is created as "sales.v2"');
    expect(warnings.some((w) => w.includes('contains a dot'))).toBe(true);
  });

  it('refuses a change of spec.name or spec.clusterRef after creation', () => {
    const created = observedJob(db(), [cluster()], 'orders-create', COMPLETE);
    const renamed = status(render(db({ name: 'invoices' }), [cluster(), created]));
    expect(renamed.phase).toBe('ValidationFailed');
    expect(renamed.message).toContain('spec.name cannot change after the database was created: this resource created "orders"');
    const moved = render(db({ clusterRef: 'other' }), [{ ...cluster(), metadata: { name: 'other', namespace: 'ns' } }, created]);
    expect(status(moved).message).toContain('spec.clusterRef cannot change after the database was created on Neo4jEnterpriseCluster/prod');
    expect(jobs(moved.children)).toEqual(['orders-create']);
  });
});

describe('topology validation', () => {
  const message = (spec: Obj, target: K8sObject = cluster()) => status(render(db(spec), [target]));

  it("gives the operator's error when the topology exceeds the cluster", () => {
    expect(message({ topology: { primaries: 3, secondaries: 1 } }).message).toContain('database topology requires 4 servers but cluster only has 3 servers available');
  });

  it('requires a primary', () => {
    expect(message({ topology: { secondaries: 1 } }).message).toContain('at least 1 primary is required');
  });

  it('counts the servers that may host primaries and secondaries (serverRoles)', () => {
    const roles = cluster('2025.06.0-enterprise', 3, { topology: { servers: 3, serverRoles: [{ serverIndex: 1, modeConstraint: 'SECONDARY' }, { serverIndex: 2, modeConstraint: 'SECONDARY' }] } });
    expect(message({ topology: { primaries: 2 } }, roles).message).toContain('database topology requires 2 primaries but only 1 servers of cluster prod may host primaries');
    const primaryOnly = cluster('2025.06.0-enterprise', 3, { topology: { servers: 3, serverModeConstraint: 'PRIMARY' } });
    expect(message({ topology: { primaries: 1, secondaries: 1 } }, primaryOnly).message).toContain('requires 1 secondaries but only 0 servers');
  });

  it("gives the operator's warnings", () => {
    const five = cluster('2025.06.0-enterprise', 5);
    expect(message({ topology: { primaries: 3, secondaries: 2 } }, five).warnings).toContain(
      'database topology uses all 5 servers of cluster prod: no spare server is left to take over a failed allocation',
    );
    const six = cluster('2025.06.0-enterprise', 6);
    const warnings = message({ topology: { primaries: 1, secondaries: 4 } }, six).warnings as string[];
    expect(warnings.some((w) => w.startsWith('database topology has more than twice as many secondaries (4) as primaries (1)'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('database topology has a single primary with 4 secondaries'))).toBe(true);
    expect(message({ topology: { primaries: 1 } }, five).warnings).toContain(
      'database topology uses 1 of 5 servers. Consider utilizing remaining servers for additional primaries or secondaries',
    );
  });

  it('ignores topology on a standalone, with the operator warning', () => {
    const response = render(db({ topology: { primaries: 1, secondaries: 1 } }), [standalone()]);
    expect(cypher(response.children[0]!)).not.toContain('TOPOLOGY');
    expect(status(response).warnings).toContain('database topology is not required for standalone deployments and will be ignored');
  });

  it('refuses an automatic move to a single primary (Neo4j cannot do it)', () => {
    const five = cluster('2025.06.0-enterprise', 5);
    const created = observedJob(db({ topology: { primaries: 3 } }), [five], 'orders-create', COMPLETE);
    const single = status(render(db({ topology: { primaries: 1 } }), [five, created]));
    expect(single.phase).toBe('ValidationFailed');
    expect(single.message).toContain('topology cannot change from 3 primaries, 0 secondaries to a single primary');
  });
});

describe('seeding', () => {
  const check = (spec: Obj, observed: K8sObject[] = [cluster()]) => {
    const response = render(db(spec), observed);
    return { status: status(response), statement: response.children[0] ? cypher(response.children[0]) : '' };
  };

  it('writes the documented OPTIONS form, with existingData use', () => {
    const { statement } = check({ seedURI: 's3://bucket/path/x.backup', seedConfig: { restoreUntil: 'txId:42', config: { region: 'eu-west-1' } } });
    expect(statement).toContain("OPTIONS {existingData: 'use', seedURI: 's3://bucket/path/x.backup', seedConfig: 'region=eu-west-1', seedRestoreUntil: 42}");
  });

  it('keeps an explicit existingData option', () => {
    expect(check({ seedURI: 's3://b/x.backup', options: { existingData: 'use' } }).statement).toContain("{existingData: 'use', seedURI:");
  });

  it('needs 2025.01+ for restoreUntil', () => {
    const { status: s } = check({ seedURI: 's3://b/x.backup', seedConfig: { restoreUntil: '2025-01-15T10:30:00Z' } }, [cluster('5.26.0-enterprise')]);
    expect(s.phase).toBe('ValidationFailed');
    expect(s.message).toContain('seedConfig.restoreUntil needs Neo4j 2025.01 or later');
  });

  it('refuses malformed restoreUntil values, and transaction ids beyond a Cypher integer', () => {
    for (const value of ['txId:', 'txId:12a', 'txId:9223372036854775808', '2025-01-15', '2025-13-45T99:99:99Z', '2025-01-15T10:30:00']) {
      expect(check({ seedURI: 's3://b/x.backup', seedConfig: { restoreUntil: value } }).status.phase, value).toBe('ValidationFailed');
    }
  });

  it('refuses URIs Neo4j cannot seed from', () => {
    const cases: Record<string, string> = {
      'file:///backups/x.backup': 'scheme "file" is not supported',
      's3://bucket': 'has no path',
      's3://bucket/': 'has no path',
      'not a uri': 'is not a valid URI',
    };
    for (const [uri, reason] of Object.entries(cases)) expect(check({ seedURI: uri }).status.message, uri).toContain(reason);
  });

  it('checks the seedCredentials Secret: present, with the keys of the scheme', () => {
    const spec = { seedURI: 's3://b/x.backup', seedCredentials: { secretRef: 'creds' } };
    expect(check(spec).status.message).toContain('seed credentials Secret "creds" not found in namespace ns');
    expect(check(spec, [cluster(), secret('creds', ['AWS_ACCESS_KEY_ID'])]).status.message).toContain('lacks key AWS_SECRET_ACCESS_KEY, required for s3:// seeds');
    const ok = check(spec, [cluster(), secret('creds', ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])]).status;
    expect(ok.phase).toBe('Creating');
    expect(ok.warnings).toContain('seed credentials Secret "creds" has no optional key AWS_REGION');
    const azure = { seedURI: 'azb://acct/container/x.backup', seedCredentials: { secretRef: 'creds' } };
    expect(check(azure, [cluster(), secret('creds', ['AZURE_STORAGE_ACCOUNT'])]).status.message).toContain('needs AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN');
  });

  it('never puts credentials into the Cypher', () => {
    const spec = { seedURI: 's3://b/x.backup', seedCredentials: { secretRef: 'creds' } };
    const { statement } = check(spec, [cluster(), secret('creds', ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])]);
    expect(statement).not.toContain('seedCredentials');
    expect(statement).not.toContain('eA==');
  });

  it('warns when URLConnectionSeedProvider is not enabled on the target, not when it is', () => {
    const warning = (target: K8sObject) => ((check({ seedURI: 'https://h/x.backup' }, [target]).status.warnings ?? []) as string[]).some((w) => w.includes('URLConnectionSeedProvider'));
    expect(warning(cluster())).toBe(true);
    expect(warning(cluster('2025.06.0-enterprise', 3, { config: { 'dbms.databases.seed_from_uri_providers': 'CloudSeedProvider,URLConnectionSeedProvider' } }))).toBe(false);
  });

  it('refuses seedURI with initialData, and seedConfig values that break the key=value list', () => {
    expect(check({ seedURI: 's3://b/x.backup', initialData: { cypherStatements: ['RETURN 1'] } }).status.message).toContain('seedURI and initialData cannot be used together');
    expect(check({ seedURI: 's3://b/x.backup', seedConfig: { config: { region: 'a,b' } } }).status.message).toContain('must not contain ","');
    expect(check({ seedURI: 's3://b/x.backup', seedConfig: { config: { compression: 'zip' } } }).status.message).toContain('seedConfig.config.compression must be gzip, lz4 or none');
  });
});

describe('options', () => {
  const check = (options: Record<string, string>) => {
    const response = render(db({ options }), [cluster()]);
    return { status: status(response), statement: response.children[0] ? cypher(response.children[0]) : '' };
  };

  it('normalises documented values (txLogEnrichment FULL|DIFF|OFF, storeFormat incl. aligned)', () => {
    expect(check({ txLogEnrichment: 'full', storeFormat: 'Aligned' }).statement).toContain("OPTIONS {storeFormat: 'aligned', txLogEnrichment: 'FULL'}");
  });

  it('reads keys as the operator did: quotes dropped, dots to underscores, case ignored', () => {
    expect(check({ '"STOREFORMAT"': 'block' }).statement).toContain("storeFormat: 'block'");
    const dotted = check({ 'store.format': 'block' }).status;
    expect(dotted.warnings).toContain('option key "store.format" contains dots, which are converted to underscores ("store_format")');
    expect(dotted.message).toContain('unsupported option "store.format"');
  });

  it('refuses empty values, bad enums, and both spellings of one option', () => {
    expect(check({ storeFormat: '' }).status.message).toContain('option "storeFormat" has an empty value');
    expect(check({ txLogEnrichment: 'ALL' }).status.message).toContain('option txLogEnrichment must be FULL, DIFF or OFF');
    expect(check({ storeFormat: 'block', STOREFORMAT: 'block' }).status.message).toContain('both set storeFormat');
  });

  it('warns about deprecated options', () => {
    expect((check({ existingDataSeedInstance: 'abc' }).status.warnings as string[]).some((w) => w.includes('use existingDataSeedServer'))).toBe(true);
    expect((check({ storeFormat: 'high_limit' }).status.warnings as string[]).some((w) => w.includes('deprecated since Neo4j 5.23'))).toBe(true);
  });
});

describe('initial data', () => {
  const statements = ['CREATE (:A)', 'CREATE (:B)'];
  const spec = { initialData: { cypherStatements: statements } };
  const created = observedJob(db(spec), [cluster()], 'orders-create', COMPLETE);

  it('runs after the create Job succeeded, once, in the new database, without retries', () => {
    const response = render(db(spec), [cluster(), created]);
    const init = response.children.find((c) => c.metadata.name === 'orders-init')!;
    expect(env(init, 'NEO4J_DATABASE')?.value).toBe('orders');
    expect(env(init, 'NEO4J_HOOKS_PROBE')?.value).toBe('RETURN 1');
    expect(cypher(init)).toBe('CREATE (:A)\n;\nCREATE (:B)\n;\n');
    expect((init.spec as Obj).backoffLimit).toBe(0);
    expect(status(response)).toMatchObject({ phase: 'Creating', dataImported: false, creationTime: '2025-12-31T00:01:10Z' });
  });

  it('waits for the create Job', () => {
    const running = observedJob(db(spec), [cluster()], 'orders-create');
    expect(jobs(render(db(spec), [cluster(), running]).children)).toEqual(['orders-create']);
  });

  it('is never emitted again once dataImported is recorded', () => {
    const response = render(db(spec, { dataImported: true, creationTime: '2025-12-31T00:01:10Z' }), [cluster(), created]);
    expect(jobs(response.children)).toEqual(['orders-create']);
    expect(status(response)).toMatchObject({ phase: 'Ready', dataImported: true });
  });

  it('reports a failed import and keeps the Job', () => {
    const init = observedJob(db(spec), [cluster(), created], 'orders-init', FAILED);
    const response = render(db(spec), [cluster(), created, init]);
    expect(jobs(response.children)).toEqual(['orders-create', 'orders-init']);
    expect(status(response)).toMatchObject({ phase: 'Failed', dataImported: false });
    expect(status(response).conditions[0]).toMatchObject({ status: 'False', reason: 'DataImportFailed' });
  });

  it('refuses a script that cannot fit one Job', () => {
    const big = ['x'.repeat(MAX_SCRIPT_BYTES)];
    expect(status(render(db({ initialData: { cypherStatements: big } }), [cluster()])).message).toContain(`at most ${MAX_SCRIPT_BYTES} fit in one Job`);
  });
});

describe('status and target', () => {
  it("is Pending with the operator's message and a resync when the target is missing", () => {
    const response = render(db(), []);
    expect(status(response)).toMatchObject({ phase: 'Pending', message: 'Referenced cluster prod not found' });
    expect(response.resyncAfterSeconds).toBe(30);
  });

  it('does not trust a Ready condition while the phase says otherwise', () => {
    const forming = cluster('2025.06.0-enterprise', 3, {}, { phase: 'Forming', conditions: [{ type: 'Ready', status: 'True' }] });
    expect(status(render(db(), [forming])).phase).toBe('Pending');
    const conditionOnly = cluster('2025.06.0-enterprise', 3, {}, { conditions: [{ type: 'Ready', status: 'True' }] });
    expect(status(render(db(), [conditionOnly])).phase).toBe('Creating');
    const notReady = standalone('2025.06.0-enterprise', { phase: 'Pending', ready: false });
    expect(status(render(db(), [notReady])).phase).toBe('Pending');
  });

  it('waits for a target being deleted', () => {
    const deleting = { ...cluster(), metadata: { name: 'prod', namespace: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(status(render(db(), [deleting]))).toMatchObject({ phase: 'Pending', message: 'Database orders waits: Neo4jEnterpriseCluster prod is being deleted' });
  });

  it('keeps a running create Job while the target is not ready', () => {
    const running = observedJob(db(), [cluster()], 'orders-create');
    const forming = cluster('2025.06.0-enterprise', 3, {}, { phase: 'Forming' });
    expect(jobs(render(db(), [forming, running]).children)).toEqual(['orders-create']);
  });

  it('is Ready with creationTime from the Job, and keeps the first creationTime', () => {
    const created = observedJob(db(), [cluster()], 'orders-create', COMPLETE);
    expect(status(render(db(), [cluster(), created]))).toMatchObject({ phase: 'Ready', creationTime: '2025-12-31T00:01:10Z' });
    expect(status(render(db({}, { creationTime: '2025-01-01T00:00:00Z' }), [cluster(), created])).creationTime).toBe('2025-01-01T00:00:00Z');
    expect(status(render(db(), [cluster(), created])).conditions[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'DatabaseReady' });
  });

  it('marks a seeded database as imported once created', () => {
    const spec = { seedURI: 's3://b/x.backup' };
    const created = observedJob(db(spec), [cluster()], 'orders-create', COMPLETE);
    expect(status(render(db(spec), [cluster(), created]))).toMatchObject({ phase: 'Ready', dataImported: true });
  });

  it('freezes the Jobs as they are on an invalid spec', () => {
    const running = observedJob(db(), [cluster()], 'orders-create');
    const response = render(db({ name: 'ab' }), [cluster(), running]);
    expect(status(response).phase).toBe('ValidationFailed');
    expect(response.children).toEqual([JSON.parse(running.metadata.annotations!['metacontroller.k8s.io/last-applied-configuration']!)]);
  });

  it('never answers finalized from sync', () => {
    expect(render(db({ deletionPolicy: 'Drop' }), [cluster()])).not.toHaveProperty('finalized');
  });
});

describe('topology changes', () => {
  const five = cluster('2025.06.0-enterprise', 5);
  const created = observedJob(db({ topology: { primaries: 2, secondaries: 1 } }), [five], 'orders-create', COMPLETE);
  const names = databaseJobNames('orders');

  it('runs nothing while the topology is the one created', () => {
    expect(jobs(render(db({ topology: { primaries: 2, secondaries: 1 } }), [five, created]).children)).toEqual(['orders-create']);
  });

  it('runs one Job per desired topology, named by its hash, with an explicit ALTER', () => {
    const wanted = { primaries: 3, secondaries: 0 };
    const response = render(db({ topology: wanted }), [five, created]);
    expect(jobs(response.children)).toEqual(['orders-create', names.topology(wanted)]);
    expect(cypher(response.children[1]!)).toBe('ALTER DATABASE `orders` SET TOPOLOGY 3 PRIMARIES 0 SECONDARIES WAIT\n;\n');
    expect(names.topology(wanted)).not.toBe(names.topology({ primaries: 3, secondaries: 1 }));
  });

  it('applies the creation topology again after a change, and drops the superseded Job', () => {
    const changed = observedJob(db({ topology: { primaries: 3, secondaries: 1 } }), [five, created], names.topology({ primaries: 3, secondaries: 1 }), {
      ...COMPLETE,
      completionTime: '2025-12-31T01:00:00Z',
    });
    const back = render(db({ topology: { primaries: 2, secondaries: 1 } }), [five, created, changed]);
    expect(jobs(back.children)).toEqual(['orders-create', names.topology({ primaries: 2, secondaries: 1 })]);
  });

  it('keeps a finished topology Job instead of running it again', () => {
    const wanted = { primaries: 3, secondaries: 1 };
    const done = observedJob(db({ topology: wanted }), [five, created], names.topology(wanted), COMPLETE);
    const response = render(db({ topology: wanted }), [five, created, done]);
    expect(response.children[1]).toEqual(JSON.parse(done.metadata.annotations!['metacontroller.k8s.io/last-applied-configuration']!));
    expect(status(response).phase).toBe('Ready');
  });

  it('reports a failed topology change', () => {
    const wanted = { primaries: 3, secondaries: 1 };
    const failed = observedJob(db({ topology: wanted }), [five, created], names.topology(wanted), FAILED);
    expect(status(render(db({ topology: wanted }), [five, created, failed])).conditions[0]).toMatchObject({ reason: 'TopologyChangeFailed' });
  });

  it('waits for the target before a change, with a resync', () => {
    const forming = cluster('2025.06.0-enterprise', 5, {}, { phase: 'Forming' });
    const response = render(db({ topology: { primaries: 3, secondaries: 1 } }), [forming, created]);
    expect(jobs(response.children)).toEqual(['orders-create']);
    expect(response.resyncAfterSeconds).toBe(30);
  });
});

describe('deletion', () => {
  const deleting = (spec: Obj, status?: Obj) => {
    const parent = db(spec, status);
    parent.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    return parent;
  };
  const created = observedJob(db({ deletionPolicy: 'Drop' }), [cluster()], 'orders-create', COMPLETE);

  it('Retain lets the resource go at once and touches nothing in Neo4j', () => {
    const response = render(deleting({}), [cluster(), created], true);
    expect(response).toMatchObject({ finalized: true, children: [] });
  });

  it('Drop runs DROP DATABASE for the name the create Job used', () => {
    const response = render(deleting({ deletionPolicy: 'Drop' }), [cluster(), created], true);
    expect(response.finalized).toBe(false);
    expect(jobs(response.children)).toEqual(['orders-drop']);
    expect(cypher(response.children[0]!)).toBe('DROP DATABASE `orders` IF EXISTS WAIT\n;\n');
  });

  it('Drop finalizes when the drop Job succeeded, and not when it failed', () => {
    const parent = deleting({ deletionPolicy: 'Drop' });
    const dropped = observedJob(parent, [cluster(), created], 'orders-drop', COMPLETE, true);
    expect(render(parent, [cluster(), created, dropped], true).finalized).toBe(true);
    const failed = observedJob(parent, [cluster(), created], 'orders-drop', FAILED, true);
    const response = render(parent, [cluster(), created, failed], true);
    expect(response.finalized).toBe(false);
    expect(status(response).message).toContain('set spec.deletionPolicy to Retain');
  });

  it('Drop finalizes at once when the target is gone or the database was never created', () => {
    expect(render(deleting({ deletionPolicy: 'Drop' }), [created], true).finalized).toBe(true);
    expect(render(deleting({ deletionPolicy: 'Drop' }), [cluster()], true).finalized).toBe(true);
    const failedCreate = observedJob(db({ deletionPolicy: 'Drop' }), [cluster()], 'orders-create', FAILED);
    expect(render(deleting({ deletionPolicy: 'Drop' }), [cluster(), failedCreate], true).finalized).toBe(true);
  });

  it('Drop waits for a running create Job, and for the target to be ready', () => {
    const running = observedJob(db({ deletionPolicy: 'Drop' }), [cluster()], 'orders-create');
    const waiting = render(deleting({ deletionPolicy: 'Drop' }), [cluster(), running], true);
    expect(waiting).toMatchObject({ finalized: false });
    expect(jobs(waiting.children)).toEqual(['orders-create']);
    const forming = cluster('2025.06.0-enterprise', 3, {}, { phase: 'Forming' });
    const later = render(deleting({ deletionPolicy: 'Drop' }), [forming, created], true);
    expect(later).toMatchObject({ finalized: false, resyncAfterSeconds: 30 });
  });
});

describe('the admin Secret of a target', () => {
  it('follows the pods: adminSecret, else the auth ExternalSecret target, else neo4j-admin-secret', async () => {
    const { targetConnection } = await import('../../lib/targets/connection.js');
    const target = (auth: Record<string, unknown> | undefined) =>
      targetConnection({
        kind: 'Neo4jEnterpriseCluster',
        name: 'g',
        namespace: 'ns',
        spec: { image: { repo: 'neo4j', tag: '2025.06.0' }, topology: { servers: 3 }, ...(auth ? { auth } : {}) },
        status: {},
      } as never)?.adminSecret;
    expect(target(undefined)).toBe('neo4j-admin-secret');
    expect(target({ adminSecret: 'mine' })).toBe('mine');
    expect(target({ externalSecrets: { enabled: true } })).toBe('g-auth-secret');
    expect(target({ adminSecret: 'mine', externalSecrets: { enabled: true } })).toBe('mine');
  });
});
