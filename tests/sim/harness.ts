/**
 * The lifecycle every scenario file shares: one hook server for the file, and simulators that are
 * stopped after each test. Registers the vitest hooks; call it once at the top of a file.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { KubeOptions } from './kube.js';
import { Simulator, startHookServer, type HookServer } from './simulator.js';

/** Returns `start(kube)`: a simulator on the file's hook server, with `defaults` under `kube`. */
export function useSimulators(defaults: KubeOptions = {}): (kube?: KubeOptions) => Promise<Simulator> {
  let server: HookServer;
  let sims: Simulator[] = [];
  beforeAll(async () => {
    server = await startHookServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    sims = [];
  });
  return async (kube = {}) => {
    const sim = await Simulator.start({ server, kube: { ...defaults, ...kube } });
    sims.push(sim);
    return sim;
  };
}
