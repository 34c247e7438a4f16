/**
 * `npm run soak [-- --seconds N]`: the built service (`node dist/hooks/cli.js serve`, production
 * settings) under 64 connections for N seconds (default 60), every registered kind's sync,
 * finalize and customize hooks in turn, with the golden fixtures as inputs (as first seen, and
 * live: children observed as applied, parent status written back, plus the If-None-Match of the
 * answer so Metacontroller's etag cache path is exercised). Passes when:
 * - no call fails: every answer is 2xx or 304 (a 4xx, 5xx, 429, connection error or timeout is a
 *   failure);
 * - the resident set (VmRSS of the service, from /proc) grows by less than --max-rss-growth MiB
 *   (default 64) between the end of a warm-up and the end of the run;
 * - afterwards, every input still gets the same status code and the same children it got before
 *   the load (no state leaks between calls; a 429 is retried after Retry-After here, as
 *   Metacontroller would);
 * - the service shuts down cleanly on SIGTERM.
 * Prints a Markdown summary; exits 1 on any failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { preview } from '../../lib/hook/preview.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { RECONCILERS, reconcilerFor } from '../../lib/registry.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { typeKey } from '../../lib/k8s/object.js';
import { asObserved } from '../support/applied.js';
import { loadCases, ROOT } from '../support/fixtures.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const SECONDS = option('seconds', 60);
const CONNECTIONS = option('connections', 64);
const MAX_RSS_GROWTH_MIB = option('max-rss-growth', 64);
const WARMUP_SECONDS = Math.min(5, Math.max(1, Math.round(SECONDS / 6)));
const ROUND_SECONDS = Math.min(10, SECONDS);

/** One call of the mix. */
interface Input {
  label: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** Every fixture of every registered kind: its hook call as first seen, its customize, and its live resync. */
function inputs(): Input[] {
  const out: Input[] = [];
  const json = { 'content-type': 'application/json' };
  const registered = new Set(RECONCILERS.map((r) => r.kind.plural));
  for (const c of loadCases().filter((x) => registered.has(x.plural))) {
    const reconciler = reconcilerFor(c.plural)!;
    let parent: K8sObject;
    let children: K8sObject[];
    let status: Record<string, unknown>;
    try {
      const result = preview(c.parent, c.observed, { now: c.now, finalizing: c.finalizing });
      parent = result.parent;
      children = result.response.children;
      status = result.response.status;
    } catch {
      continue;
    }
    const hook = c.finalizing ? 'finalize' : 'sync';
    const base = `/hooks/${c.plural}`;
    out.push({ label: `${c.plural}/${c.name} ${hook}`, path: `${base}/${hook}`, body: JSON.stringify(buildSyncRequest(reconciler, parent, c.observed, { finalizing: c.finalizing })), headers: json });
    out.push({ label: `${c.plural}/${c.name} customize`, path: `${base}/customize`, body: JSON.stringify({ parent }), headers: json });
    if (!c.finalizing) {
      const childTypes = new Set(reconciler.children.map((t) => typeKey(t.kind, t.apiVersion)));
      const related = c.observed.filter((o) => !childTypes.has(typeKey(o.kind, o.apiVersion)));
      const live = buildSyncRequest(reconciler, { ...parent, status }, [...children.map((child, i) => asObserved(child, parent, i)), ...related]);
      out.push({ label: `${c.plural}/${c.name} sync (live)`, path: `${base}/sync`, body: JSON.stringify(live), headers: json });
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function memory(child: ChildProcess): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`, 'u').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

interface Answer {
  status: number;
  etag?: string;
  children?: string;
}

async function call(url: string, input: Input): Promise<Answer> {
  let reply = await fetch(`${url}${input.path}`, { method: 'POST', headers: input.headers, body: input.body });
  // A shed call (429) is retried after Retry-After, as Metacontroller does.
  for (let attempt = 0; reply.status === 429 && attempt < 5; attempt++) {
    await reply.arrayBuffer();
    await new Promise((r) => setTimeout(r, Number(reply.headers.get('retry-after') ?? 1) * 1000));
    reply = await fetch(`${url}${input.path}`, { method: 'POST', headers: input.headers, body: input.body });
  }
  const text = await reply.text();
  let children: string | undefined;
  try {
    const parsed = JSON.parse(text) as { children?: unknown; relatedResources?: unknown };
    children = JSON.stringify(parsed.children ?? parsed.relatedResources);
  } catch {
    children = undefined;
  }
  return { status: reply.status, etag: reply.headers.get('etag') ?? undefined, children };
}

interface Round {
  label: string;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  codes: Record<string, number>;
  failures: number;
  rss: number;
}

/** A small seeded generator (mulberry32): the same mix order on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function load(url: string, mix: Input[], seconds: number, label: string, child: ChildProcess, seed: number): Promise<Round> {
  const next = random(seed);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    // Every call picks an input at random, so all connections mix all kinds and hooks.
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const m = mix[Math.floor(next() * mix.length)]!;
          // A copy: autocannon writes Content-Length into the headers object it is given.
          return { ...request, method: 'POST', path: m.path, body: m.body, headers: { ...m.headers } };
        },
      },
    ],
  });
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) codes[code] = stat.count ?? 0;
  const bad = Object.entries(codes).filter(([code]) => !(code.startsWith('2') || code === '304')).reduce((n, [, count]) => n + count, 0);
  return {
    label,
    seconds: result.duration,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    codes,
    failures: bad + result.errors + result.timeouts,
    rss: memory(child).rss,
  };
}

const mib = (n: number) => n.toFixed(1);

async function main(): Promise<number> {
  const mix = inputs();
  if (mix.length === 0) throw new Error('no inputs: are there fixtures for the registered kinds?');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, 'dist/hooks/cli.js'), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const problems: string[] = [];
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 300 || exited !== undefined) throw new Error(`the service did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Before the load: every answer, and an If-None-Match twin for each etagged one.
    const before = new Map<string, Answer>();
    for (const input of mix) before.set(input.label, await call(url, input));
    const failedBefore = [...before].filter(([, a]) => a.status !== 200);
    for (const [label, a] of failedBefore) problems.push(`${label} answered ${a.status} before the load`);
    const full = [
      ...mix,
      ...mix
        .filter((m) => before.get(m.label)?.etag)
        .map((m) => ({ ...m, label: `${m.label} (If-None-Match)`, headers: { ...m.headers, 'if-none-match': before.get(m.label)!.etag! } })),
    ];

    process.stdout.write(
      `Soak: ${SECONDS} s (after a ${WARMUP_SECONDS} s warm-up), ${CONNECTIONS} connections, ${full.length} calls in the mix ` +
        `(${RECONCILERS.map((r) => r.kind.plural).join(', ')}), service ${url}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n\n`,
    );
    const warm = await load(url, full, WARMUP_SECONDS, 'warm-up', child, 0);
    const start = memory(child);
    const rounds: Round[] = [];
    for (let elapsed = 0, n = 1; elapsed < SECONDS; n++) {
      const seconds = Math.min(ROUND_SECONDS, SECONDS - elapsed);
      rounds.push(await load(url, full, seconds, `round ${n}`, child, n));
      elapsed += seconds;
      if (exited !== undefined) throw new Error(`the service exited during the soak (${exited}): ${stderr}`);
    }
    const end = memory(child);

    const codes = (r: Round) =>
      Object.entries(r.codes)
        .sort()
        .map(([code, count]) => `${code}: ${count}`)
        .join(', ');
    const lines = [
      '| phase | seconds | requests | req/s | p50 ms | p99 ms | max ms | status codes | failures | RSS after MiB |',
      '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|',
      ...[warm, ...rounds].map((r) => `| ${r.label} | ${r.seconds.toFixed(0)} | ${r.requests} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.max} | ${codes(r)} | ${r.failures} | ${mib(r.rss)} |`),
    ];
    const total = rounds.reduce((n, r) => n + r.requests, 0);
    const failures = rounds.reduce((n, r) => n + r.failures, 0) + warm.failures;
    const growth = end.rss - start.rss;
    if (failures > 0) problems.push(`${failures} calls failed (non-2xx other than 304, connection errors or timeouts)`);
    if (growth >= MAX_RSS_GROWTH_MIB) problems.push(`RSS grew by ${mib(growth)} MiB (bound ${MAX_RSS_GROWTH_MIB} MiB)`);

    // After the load (and a moment to settle): the same answers (children; the status holds
    // timestamps of the wall clock).
    await new Promise((r) => setTimeout(r, 2000));
    let changed = 0;
    for (const input of mix) {
      const after = await call(url, input);
      const first = before.get(input.label)!;
      if (after.status !== first.status || after.children !== first.children) {
        changed++;
        if (changed <= 5) problems.push(`${input.label}: ${first.status} before the load, ${after.status} after, or other children`);
      }
    }
    if (changed > 5) problems.push(`… ${changed} inputs answered differently after the load`);

    process.stdout.write(`${lines.join('\n')}\n\n`);
    process.stdout.write(
      [
        '| result | value |',
        '|---|---|',
        `| requests (after warm-up) | ${total} in ${SECONDS} s, ${(total / SECONDS).toFixed(0)} req/s |`,
        `| failures | ${failures} |`,
        `| RSS after warm-up → end | ${mib(start.rss)} → ${mib(end.rss)} MiB (${growth >= 0 ? '+' : ''}${mib(growth)} MiB, bound +${MAX_RSS_GROWTH_MIB} MiB) |`,
        `| peak RSS (VmHWM) | ${mib(end.peak)} MiB |`,
        `| answers unchanged after the load | ${mix.length - changed} / ${mix.length} |`,
      ].join('\n') + '\n\n',
    );
  } catch (error) {
    problems.push(String(error instanceof Error ? error.message : error));
  } finally {
    if (exited === undefined) {
      const stopped = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const code = await Promise.race([stopped, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        problems.push('the service did not stop within 15 s of SIGTERM');
      } else if (code !== 0) {
        problems.push(`the service exited with ${code} on SIGTERM`);
      }
    }
  }
  if (problems.length > 0) {
    process.stdout.write(`FAIL\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('PASS\n');
  return 0;
}

process.exitCode = await main();
