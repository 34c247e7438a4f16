/**
 * Runs the app on HOST:PORT with graceful shutdown: on SIGTERM or SIGINT the service reports
 * not-ready, stops accepting connections, finishes in-flight calls and exits 0.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { buildApp } from './app.js';

/** Settings read from the environment (the shell's job; the core never reads it). */
export interface ServeSettings {
  host: string;
  port: number;
  logLevel: string;
  hookToken?: string;
  /** Event-loop lag (ms) above which hook calls are shed with 429; 0 disables. */
  maxEventLoopDelayMs: number;
  /** PEM files for HTTPS; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** Reads PORT, HOST, LOG_LEVEL, HOOK_TOKEN, MAX_EVENT_LOOP_DELAY_MS, TLS_CERT_FILE and TLS_KEY_FILE with their documented defaults. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServeSettings {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const maxEventLoopDelayMs = Number(env.MAX_EVENT_LOOP_DELAY_MS ?? 1000);
  if (!Number.isFinite(maxEventLoopDelayMs) || maxEventLoopDelayMs < 0) {
    throw new Error(`MAX_EVENT_LOOP_DELAY_MS must be a number of milliseconds, got ${env.MAX_EVENT_LOOP_DELAY_MS}`);
  }
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return {
    host: env.HOST || '0.0.0.0',
    port,
    logLevel: env.LOG_LEVEL || 'info',
    hookToken: env.HOOK_TOKEN || undefined,
    maxEventLoopDelayMs,
    tlsCertFile: env.TLS_CERT_FILE || undefined,
    tlsKeyFile: env.TLS_KEY_FILE || undefined,
  };
}

/** A listening service. */
export interface Serving {
  /** Base URL, for example http://127.0.0.1:8080. */
  url: string;
  /** Stops gracefully: not ready, no new connections, in-flight calls finish. */
  stop(): Promise<void>;
}

/** Starts listening and installs the SIGTERM/SIGINT handlers; resolves once the server is up. */
export async function serve(settings: ServeSettings): Promise<Serving> {
  const logger = pino({ level: settings.logLevel, redact: ['req.headers.authorization'] });
  const https =
    settings.tlsCertFile && settings.tlsKeyFile
      ? { cert: readFileSync(settings.tlsCertFile), key: readFileSync(settings.tlsKeyFile) }
      : undefined;
  const app = buildApp({ logger, hookToken: settings.hookToken, maxEventLoopDelayMs: settings.maxEventLoopDelayMs, https });
  const url = await app.listen({ host: settings.host, port: settings.port });
  let closing: Promise<void> | undefined;
  const stop = () => {
    closing ??= (async () => {
      app.draining = true;
      app.log.info('shutting down: finishing in-flight calls');
      await app.close();
    })();
    return closing;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stop().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { url, stop };
}
