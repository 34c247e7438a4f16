/**
 * Prometheus metrics of the hook service, one registry per app so tests can build many apps.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics one app records. */
export interface HookMetrics {
  registry: Registry;
  duration: Histogram<'plural' | 'hook'>;
  responses: Counter<'plural' | 'hook' | 'code'>;
  children: Histogram<'plural'>;
  validationFailures: Counter<'plural'>;
  shed: Counter;
}

/** Creates the registry and metrics; `defaults` adds the process metrics (off in tests). */
export function createMetrics(defaults: boolean): HookMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    duration: new Histogram({
      name: 'neo4j_hooks_hook_duration_seconds',
      help: 'Time to answer a hook call, by resource plural and hook.',
      labelNames: ['plural', 'hook'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    responses: new Counter({
      name: 'neo4j_hooks_responses_total',
      help: 'Hook responses by resource plural, hook and HTTP status code.',
      labelNames: ['plural', 'hook', 'code'],
      registers: [registry],
    }),
    children: new Histogram({
      name: 'neo4j_hooks_children_per_response',
      help: 'Number of children in a sync or finalize response, by resource plural.',
      labelNames: ['plural'],
      buckets: [0, 1, 2, 5, 10, 15, 20, 30, 50],
      registers: [registry],
    }),
    validationFailures: new Counter({
      name: 'neo4j_hooks_validation_failures_total',
      help: 'Sync responses whose status is Failed (an invalid spec or a refused change), by resource plural.',
      labelNames: ['plural'],
      registers: [registry],
    }),
    shed: new Counter({
      name: 'neo4j_hooks_shed_total',
      help: 'Hook calls answered 429 because the event loop was overloaded.',
      registers: [registry],
    }),
  };
}
