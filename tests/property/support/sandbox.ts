/**
 * Hook calls with a deadline. Generated input can make a reconciler loop for minutes (a raw
 * `topology.servers` of 2^53), and synchronous code cannot be interrupted in-process, so the
 * property tests run the real app (`buildApp` + `inject`, as in production) in a child process
 * (tsx, from the sources) and kill it when a call misses its deadline: the call is reported as
 * hung and a fresh child takes the next call.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isRecord } from '../../../lib/k8s/object.js';
import { ROOT } from '../../support/fixtures.js';
import type { Answer, Hook } from './kinds.js';

/** An answer, or the fact that none came before the deadline. */
export type SandboxAnswer = (Answer & { hung?: false }) | { hung: true; statusCode: 0; body: Record<string, never>; text: '' };

/** A child process serving hook calls. */
export interface Sandbox {
  post(plural: string, hook: Hook, body: unknown, options?: { now?: Date; deadlineMs?: number }): Promise<SandboxAnswer>;
  /** How many calls hung (each cost a child). */
  readonly hung: number;
  close(): void;
}

const WORKER = fileURLToPath(new URL('./sandbox-worker.ts', import.meta.url));

interface Reply {
  id: number;
  statusCode: number;
  text: string;
}

function spawnChild(): Promise<ChildProcess> {
  const child = fork(WORKER, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`sandbox child exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', () => {
      child.off('exit', onExit);
      resolve(child);
    });
  });
}

/** Starts a sandbox; `deadlineMs` is the default time a call may take. */
export async function startSandbox(deadlineMs = 5000): Promise<Sandbox> {
  let child: ChildProcess | undefined = await spawnChild();
  let nextId = 1;
  let hung = 0;
  const post = async (plural: string, hook: Hook, body: unknown, options: { now?: Date; deadlineMs?: number } = {}): Promise<SandboxAnswer> => {
    const deadline = options.deadlineMs ?? deadlineMs;
    const id = nextId++;
    // A child killed for a hang is replaced on the next call, not before (a respawn costs seconds).
    child ??= await spawnChild();
    const current = child;
    const reply = await new Promise<Reply | undefined>((resolve) => {
      const timer = setTimeout(() => {
        current.off('message', onMessage);
        resolve(undefined);
      }, deadline);
      const onMessage = (message: unknown) => {
        if (!isRecord(message) || message.id !== id) return;
        clearTimeout(timer);
        current.off('message', onMessage);
        resolve(message as unknown as Reply);
      };
      current.on('message', onMessage);
      current.send({ id, url: `/hooks/${plural}/${hook}`, payload: JSON.stringify(body), now: options.now?.toISOString() });
    });
    if (!reply) {
      hung++;
      current.kill('SIGKILL');
      child = undefined;
      return { hung: true, statusCode: 0, body: {}, text: '' };
    }
    let parsed: Record<string, unknown>;
    try {
      const value: unknown = reply.text === '' ? {} : JSON.parse(reply.text);
      parsed = isRecord(value) ? value : { value };
    } catch {
      parsed = { unparsable: reply.text.slice(0, 200) };
    }
    return { statusCode: reply.statusCode, body: parsed, text: reply.text };
  };
  return {
    post,
    get hung() {
      return hung;
    },
    close: () => {
      child?.kill('SIGKILL');
    },
  };
}
