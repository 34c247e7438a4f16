/**
 * The service process: environment settings, HTTPS, and graceful shutdown of the real
 * command (`node dist/hooks/cli.js serve`, built by `npm test` first).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../../hooks/server.js';
import { buildApp } from '../../hooks/app.js';
import { ROOT } from '../support/fixtures.js';

describe('settingsFromEnv', () => {
  it('has the documented defaults', () => {
    expect(settingsFromEnv({})).toEqual({ host: '0.0.0.0', port: 8080, logLevel: 'info', hookToken: undefined, maxEventLoopDelayMs: 1000, tlsCertFile: undefined, tlsKeyFile: undefined });
  });

  it('reads every variable', () => {
    expect(settingsFromEnv({ PORT: '9000', HOST: '127.0.0.1', LOG_LEVEL: 'debug', HOOK_TOKEN: 't', MAX_EVENT_LOOP_DELAY_MS: '0', TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k' })).toEqual({
      host: '127.0.0.1', port: 9000, logLevel: 'debug', hookToken: 't', maxEventLoopDelayMs: 0, tlsCertFile: 'c', tlsKeyFile: 'k',
    });
  });

  it('refuses nonsense with a clear message', () => {
    expect(() => settingsFromEnv({ PORT: 'http' })).toThrow(/PORT must be a port number/u);
    expect(() => settingsFromEnv({ PORT: '70000' })).toThrow(/PORT/u);
    expect(() => settingsFromEnv({ MAX_EVENT_LOOP_DELAY_MS: '-1' })).toThrow(/MAX_EVENT_LOOP_DELAY_MS/u);
    expect(() => settingsFromEnv({ TLS_CERT_FILE: 'c' })).toThrow(/set together/u);
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!haveOpenssl())('HTTPS', () => {
  it('serves the hooks over TLS with the given certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neo4j-hooks-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const app = buildApp({ https: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) }, processMetrics: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    expect(url.startsWith('https://')).toBe(true);
    const reply = await app.inject({ method: 'GET', url: '/readyz' });
    expect(reply.statusCode).toBe(200);
    await app.close();
  });
});

describe('the serve command', () => {
  it('becomes ready, answers a hook, and exits 0 on SIGTERM', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [join(ROOT, 'dist/hooks/cli.js'), 'serve'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    const parent = { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jEnterpriseCluster', metadata: { name: 'g', namespace: 'ns', generation: 1 }, spec: { image: { repo: 'neo4j', tag: '5.26.0' }, topology: { servers: 3 }, storage: { className: 's', size: '1Gi' } } };
    const reply = await fetch(`${base}/hooks/neo4jenterpriseclusters/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parent, children: {} }) });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { children: unknown[] }).children.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20000);
});
