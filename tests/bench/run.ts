/**
 * `npm run bench`: in-process cost of each hook beside the JSON floor, HTTP throughput and
 * latency on loopback beside a bare Fastify route, peak memory and start-up time. Prints
 * Markdown tables. Not part of `npm test`: figures are measured, never asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../support/fixtures.js';
import { benchInputs, type BenchInput } from './inputs.js';

// Time the compiled code the service runs (dist/, built by `npm run bench`), not tsx's transpilation.
const { runSync } = (await import(pathToFileURL(join(ROOT, 'dist/lib/hook/run.js')).href)) as typeof import('../../lib/hook/run.js');
const { reconcilerFor } = (await import(pathToFileURL(join(ROOT, 'dist/lib/registry.js')).href)) as typeof import('../../lib/registry.js');

const QUICK = process.argv.includes('--quick');
const HTTP_SECONDS = QUICK ? 2 : 8;
const CONNECTIONS = [1, 8, 64];
const now = new Date('2026-01-01T00:00:00Z');

function timeIt(fn: () => void, minMs = QUICK ? 150 : 1000): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs * 1e6) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / n / 1000;
}

function inProcess(inputs: BenchInput[]): string {
  const rows = inputs.map((input) => {
    const reconciler = reconcilerFor(input.plural)!;
    const requestText = JSON.stringify(input.body);
    const response = runSync(reconciler, JSON.parse(requestText), now);
    const responseText = JSON.stringify(response);
    const parsed = JSON.parse(requestText);
    const core = timeIt(() => runSync(reconciler, parsed, now));
    const floor = timeIt(() => JSON.stringify(JSON.parse(requestText)) && JSON.stringify(response));
    const full = timeIt(() => JSON.stringify(runSync(reconciler, JSON.parse(requestText), now)));
    return `| ${input.label} | ${(requestText.length / 1024).toFixed(1)} | ${(responseText.length / 1024).toFixed(1)} | ${core.toFixed(1)} | ${floor.toFixed(1)} | ${(core / floor).toFixed(2)} | ${full.toFixed(1)} |`;
  });
  return [
    '| input | request KiB | response KiB | core µs/sync | JSON floor µs (parse + stringify) | core / floor | parse + core + stringify µs |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

interface Server {
  child: ChildProcess;
  url: string;
  startMs: number;
}

async function startServer(args: string[], env: Record<string, string>, readyPath: string): Promise<Server> {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}${readyPath}`, readyPath === '/echo' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } : {}).then((r) => r.ok, () => false);
    if (ok) return { child, url, startMs: Number(process.hrtime.bigint() - started) / 1e6 };
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  throw new Error(`server ${args.join(' ')} did not start`);
}

function peakRssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/u.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function load(url: string, body: string, connections: number) {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: HTTP_SECONDS });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

async function http(inputs: BenchInput[]): Promise<string> {
  const hooks = await startServer([join(ROOT, 'dist/hooks/cli.js'), 'serve'], {}, '/readyz');
  const lines = [
    '| input | connections | hook req/s | bare req/s | hook / bare | hook p50 ms | hook p99 ms | bare p99 ms | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const input of inputs) {
      const body = JSON.stringify(input.body);
      const responseBytes = JSON.stringify(runSync(reconcilerFor(input.plural)!, input.body, now)).length;
      const bare = await startServer([join(ROOT, 'tests/bench/bare-server.mjs')], { RESPONSE_BYTES: String(responseBytes) }, '/echo');
      try {
        for (const connections of CONNECTIONS) {
          const hook = await load(`${hooks.url}/hooks/${input.plural}/sync`, body, connections);
          const floor = await load(`${bare.url}/echo`, body, connections);
          lines.push(
            `| ${input.label} | ${connections} | ${hook.rps.toFixed(0)} | ${floor.rps.toFixed(0)} | ${(hook.rps / floor.rps).toFixed(2)} | ${hook.p50} | ${hook.p99} | ${floor.p99} | ${hook.errors} |`,
          );
        }
      } finally {
        bare.child.kill();
      }
    }
    lines.push('', `Hook service: peak RSS ${peakRssMiB(hooks.child).toFixed(0)} MiB; process start to /readyz ${hooks.startMs.toFixed(0)} ms.`);
  } finally {
    hooks.child.kill();
  }
  return lines.join('\n');
}

const inputs = benchInputs();
process.stdout.write(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${QUICK ? ' (quick run)' : ''}\n\n`);
process.stdout.write(`## In-process\n\n${inProcess(inputs)}\n\n`);
if (!process.argv.includes('--no-http')) process.stdout.write(`## HTTP on loopback (${HTTP_SECONDS} s per cell)\n\n${await http(inputs)}\n`);
