/**
 * The HTTP shell: a Fastify app exposing each registered reconciler's sync, finalize and
 * customize hooks, plus health, readiness and metrics. Built separately from listening so tests
 * use `app.inject()`. Error mapping lives here and only here: a bad envelope is 400, a failure of
 * ours is 500, and neither ever turns into a 200 with a partial child set.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CustomizeRequestSchema, ErrorResponseSchema, SyncRequestSchema } from '../lib/schemas/envelope.js';
import { RECONCILERS } from '../lib/registry.js';
import type { Reconciler } from '../lib/hook/reconciler.js';
import { RequestError } from '../lib/hook/errors.js';
import { runCustomize, runSync, type HookName } from '../lib/hook/run.js';
import type { K8sObject } from '../lib/k8s/object.js';
import { createHash } from 'node:crypto';
import { bearerChecker } from './auth.js';
import { parseJsonBody } from './json-body.js';
import { createMetrics } from './metrics.js';
import { startLoadMonitor } from './overload.js';

/** Largest request body accepted: Metacontroller sends whole observed objects. */
export const BODY_LIMIT = 32 * 1024 * 1024;

/** How the app is assembled; every field has a production default. */
export interface AppOptions {
  /** Reconcilers to serve (default: the project's registry). */
  registry?: readonly Reconciler[];
  /** When set, `/hooks/*` requires `Authorization: Bearer <hookToken>`. */
  hookToken?: string;
  /** A pino logger instance, or false for none. */
  logger?: FastifyBaseLogger | false;
  /** The clock handed to the pure core (tests pin it). */
  now?: () => Date;
  /** Record process metrics too (default true). */
  processMetrics?: boolean;
  /**
   * Shed hook calls with 429 while the event loop lags more than this many milliseconds (default
   * 1000; 0 disables). `overloaded` replaces the measurement (tests).
   */
  maxEventLoopDelayMs?: number;
  overloaded?: () => boolean;
  /** Serve HTTPS with this PEM certificate and key (default plain HTTP). */
  https?: { cert: string | Buffer; key: string | Buffer };
}

/** Seconds Metacontroller should wait before retrying a shed call. */
export const RETRY_AFTER_SECONDS = 2;

/** A strong ETag of a response body: Metacontroller's etag cache sends it back as If-None-Match. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** True once shutdown started: /readyz answers 503 so no new calls are routed here. */
    draining: boolean;
  }
}

function errorStatus(error: FastifyError): number {
  if (error instanceof RequestError || error.validation) return 400;
  const code = error.statusCode ?? 500;
  return code >= 400 && code < 500 ? code : 500;
}

/** Builds the app (routes registered, not listening). */
export function buildApp(options: AppOptions = {}): FastifyInstance {
  const registry = options.registry ?? RECONCILERS;
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics(options.processMetrics ?? true);
  const app = Fastify({
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key, minVersion: 'TLSv1.2' as const } } : {}),
    loggerInstance: options.logger === false || options.logger === undefined ? undefined : options.logger,
    logger: options.logger === undefined ? false : undefined,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Hook bodies are JSON only: without its built-in text parser, text/plain gets the same 415 as
  // every other type instead of reaching the envelope check as a string (400).
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.decorate('draining', false);

  const maxDelay = options.maxEventLoopDelayMs ?? 1000;
  const monitor = options.overloaded || maxDelay <= 0 ? undefined : startLoadMonitor(maxDelay);
  const overloaded = options.overloaded ?? monitor?.overloaded ?? (() => false);
  if (monitor) app.addHook('onClose', async () => monitor.stop());
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/hooks/') && overloaded()) {
      metrics.shed.inc();
      await reply.code(429).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ message: 'overloaded, retry later' });
    }
  });

  if (options.hookToken) {
    const accepts = bearerChecker(options.hookToken);
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/hooks/') && !accepts(request.headers.authorization)) {
        await reply.code(401).header('www-authenticate', 'Bearer').send({ message: 'missing or wrong bearer token' });
      }
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = errorStatus(error);
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'hook failed');
      return reply.code(500).send({ message: `internal error: ${error.message.split('\n')[0]?.slice(0, 300)}` });
    }
    return reply.code(status).send({ message: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ message: `no route for ${request.method} ${request.url}` }));

  const observe = (plural: string, hook: HookName, started: bigint, code: number, parent: K8sObject | undefined, children?: number) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.duration.observe({ plural, hook }, seconds);
    metrics.responses.inc({ plural, hook, code: String(code) });
    if (children !== undefined) metrics.children.observe({ plural }, children);
    app.log.info(
      {
        plural,
        hook,
        namespace: parent?.metadata?.namespace,
        name: parent?.metadata?.name,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        children,
        outcome: code === 200 ? 'ok' : code < 500 ? 'rejected' : 'failed',
        statusCode: code,
      },
      'hook call',
    );
  };

  for (const reconciler of registry) {
    const plural = reconciler.kind.plural;
    for (const hook of ['sync', 'finalize'] as const) {
      app.post(
        `/hooks/${plural}/${hook}`,
        { schema: { body: SyncRequestSchema, response: { 200: Type.Unknown(), '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema } } },
        async (request, reply) => {
          const started = process.hrtime.bigint();
          const parent = request.body.parent as unknown as K8sObject;
          try {
            const response = runSync(reconciler, request.body, now());
            observe(plural, hook, started, 200, parent, response.children.length);
            if (response.status.phase === 'Failed') metrics.validationFailures.inc({ plural });
            // Serialize once: the ETag covers exactly the bytes sent.
            const body = JSON.stringify(response);
            const etag = etagOf(body);
            reply.header('etag', etag);
            if (request.headers['if-none-match'] === etag) return reply.code(304).send();
            return reply.code(200).type('application/json').send(body);
          } catch (error) {
            observe(plural, hook, started, errorStatus(error as FastifyError), parent);
            throw error;
          }
        },
      );
    }
    app.post(
      `/hooks/${plural}/customize`,
      { schema: { body: CustomizeRequestSchema, response: { 200: Type.Unknown(), '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema } } },
      async (request, reply) => {
        const started = process.hrtime.bigint();
        const parent = request.body.parent as unknown as K8sObject;
        try {
          const response = runCustomize(reconciler, parent);
          observe(plural, 'customize', started, 200, parent);
          return reply.code(200).send(response);
        } catch (error) {
          observe(plural, 'customize', started, errorStatus(error as FastifyError), parent);
          throw error;
        }
      },
    );
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    app.draining ? reply.code(503).send({ status: 'draining' }) : reply.send({ status: 'ready' }),
  );
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  return app;
}
