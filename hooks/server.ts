/**
 * Runs the app on HOST:PORT with graceful shutdown: on SIGTERM or SIGINT the service reports
 * not-ready, stops accepting connections, finishes in-flight calls and exits 0.
 */
import { pino } from 'pino';
import { buildApp } from './app.js';

/** Settings read from the environment (the shell's job; the core never reads it). */
export interface ServeSettings {
  host: string;
  port: number;
  logLevel: string;
  hookToken?: string;
}

/** Reads PORT, HOST, LOG_LEVEL and HOOK_TOKEN with their documented defaults. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServeSettings {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    host: env.HOST || '0.0.0.0',
    port,
    logLevel: env.LOG_LEVEL || 'info',
    hookToken: env.HOOK_TOKEN || undefined,
  };
}

/** Starts listening; resolves once the server is up and returns a function that stops it. */
export async function serve(settings: ServeSettings): Promise<() => Promise<void>> {
  const logger = pino({ level: settings.logLevel, redact: ['req.headers.authorization'] });
  const app = buildApp({ logger, hookToken: settings.hookToken });
  await app.listen({ host: settings.host, port: settings.port });
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
  return stop;
}
