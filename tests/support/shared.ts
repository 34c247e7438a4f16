/**
 * Access to ../shared (the compatibility corpus and Neo4j's documented settings), which CI
 * provides next to the project. Tests that need it skip when it is absent, unless
 * REQUIRE_SHARED=1 (as .ci/run sets), where its absence fails them.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './fixtures.js';
import { readYamlDocuments } from '../../hooks/commands.js';

/** The shared folder beside the project. */
export const SHARED = join(ROOT, '..', 'shared');
/** Whether ../shared is there. */
export const HAS_SHARED = existsSync(join(SHARED, 'compat'));

if (!HAS_SHARED && process.env.REQUIRE_SHARED === '1') {
  throw new Error(`REQUIRE_SHARED=1 but ${SHARED}/compat does not exist`);
}

/** One YAML document of the operator's examples, with where it came from. */
export interface ExampleDoc {
  /** `clusters/minimal-cluster.yaml#0`: file relative to operator-examples, document index. */
  id: string;
  doc: Record<string, unknown>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/u.test(entry) ? [path] : [];
    });
}

/** Every document in ../shared/compat/operator-examples, in a stable order. */
export function operatorExamples(): ExampleDoc[] {
  const base = join(SHARED, 'compat', 'operator-examples');
  return yamlFiles(base).flatMap((file) =>
    readYamlDocuments(readFileSync(file, 'utf8'), file).map((doc, i) => ({ id: `${relative(base, file)}#${i}`, doc: doc as Record<string, unknown> })),
  );
}
