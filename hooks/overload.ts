/**
 * Load shedding: when the event loop lags, hook calls get 429 with Retry-After, which
 * Metacontroller treats as "requeue after that many seconds" (no error, no backoff), instead of
 * piling up until its 10-second webhook timeout fires.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** A started monitor: `overloaded()` is cheap enough to call on every request. */
export interface LoadMonitor {
  overloaded(): boolean;
  stop(): void;
}

/**
 * Samples event-loop delay; the service counts as overloaded while the worst delay seen in the
 * last window exceeds `maxDelayMs`.
 */
export function startLoadMonitor(maxDelayMs: number, windowMs = 1000): LoadMonitor {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let worstMs = 0;
  const timer = setInterval(() => {
    worstMs = histogram.max / 1e6;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    overloaded: () => worstMs > maxDelayMs || histogram.max / 1e6 > maxDelayMs,
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
