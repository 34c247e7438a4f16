/**
 * The child side of the sandbox (./sandbox.ts): the real app (`buildApp` + `inject`) in its own
 * process, so a hook call that never returns can be killed instead of freezing the test run.
 */
import { buildApp } from '../../../hooks/app.js';

interface Call {
  id: number;
  url: string;
  payload: string;
  /** The clock of this call (ISO), so answers can be compared with in-process runs. */
  now?: string;
}

let now = new Date();
const app = buildApp({ processMetrics: false, maxEventLoopDelayMs: 0, now: () => now });
await app.ready();

process.on('message', (message: Call) => {
  now = message.now ? new Date(message.now) : new Date();
  void app
    .inject({ method: 'POST', url: message.url, payload: message.payload, headers: { 'content-type': 'application/json' } })
    .then(
      (reply) => process.send?.({ id: message.id, statusCode: reply.statusCode, text: reply.body }),
      (error: unknown) => process.send?.({ id: message.id, statusCode: -1, text: String(error) }),
    );
});
process.send?.({ ready: true });
