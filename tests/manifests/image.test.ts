/**
 * The Dockerfile and .dockerignore against the rest of the project (no Docker engine here;
 * .ci/image-check runs the runtime stage's layout for real): the build context holds what tsc
 * compiles, the runtime stage runs the CLI's serve command as the user, on the port, that the
 * Deployment expects, and the Node.js major satisfies package.json's engines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fixtures.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = lines.join('\n').split(/^FROM /mu).slice(1).map((s) => `FROM ${s}`);
const instruction = (stage: string, name: string) =>
  stage.split('\n').filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
const deployment = parse(readFileSync(join(ROOT, 'manifests', 'deploy', 'deployment.yaml'), 'utf8')) as {
  spec: { template: { spec: { securityContext: { runAsUser: number }; containers: { ports: { containerPort: number }[] }[] } } };
};

describe('Dockerfile', () => {
  const [build, runtime] = stages as [string, string];

  it('has a build stage and a runtime stage on the same Node.js LTS image', () => {
    expect(stages).toHaveLength(2);
    const image = /^ARG NODE_IMAGE=node:(\d+)-[a-z]+-slim$/mu.exec(dockerfile);
    expect(image, 'ARG NODE_IMAGE=node:<major>-<debian>-slim').not.toBeNull();
    const major = Number(image![1]);
    expect(major % 2, 'an even (LTS) Node.js major').toBe(0);
    const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    expect(major).toBeGreaterThanOrEqual(Number(/>=\s*(\d+)/u.exec(engines)![1]));
    expect(build.split('\n')[0]).toBe('FROM ${NODE_IMAGE} AS build');
    expect(runtime.split('\n')[0]).toBe('FROM ${NODE_IMAGE}');
  });

  it('builds with tsc in the build stage, installs only production dependencies without scripts at run time', () => {
    expect(instruction(build, 'RUN')).toContain('npm run build');
    const install = instruction(runtime, 'RUN').join(' ');
    expect(install).toContain('npm ci --omit=dev --ignore-scripts');
    expect(instruction(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
  });

  it('runs `node dist/hooks/cli.js serve` as the non-root user and port of the Deployment', () => {
    expect(instruction(runtime, 'ENTRYPOINT')).toEqual(['["node", "dist/hooks/cli.js"]']);
    expect(instruction(runtime, 'CMD')).toEqual(['["serve"]']);
    const pod = deployment.spec.template.spec;
    expect(instruction(runtime, 'EXPOSE')).toEqual([String(pod.containers[0]!.ports[0]!.containerPort)]);
    expect(instruction(runtime, 'USER')).toEqual([`${pod.securityContext.runAsUser}:${pod.securityContext.runAsUser}`]);
  });
});

describe('.dockerignore', () => {
  it('lets in exactly what the build stage copies: what tsc compiles, the manifests and the lockfile', () => {
    const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const included = rules.slice(1).map((r) => r.replace(/^!/u, ''));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    expect(included.sort()).toEqual([...tsconfig.include, 'package.json', 'package-lock.json', 'tsconfig.json'].sort());
    const copied = instruction(stages[0]!, 'COPY').flatMap((c) => c.split(/\s+/u).slice(0, -1));
    expect(copied.sort()).toEqual(included.sort());
  });
});
