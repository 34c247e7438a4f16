/**
 * Golden fixture cases: `fixtures/<plural>/<case>/` holds `parent.yaml` (the CR as a user
 * writes it), optionally `observed.yaml` (observed children and related objects), optionally
 * `case.yaml` (`description`, `now`, `finalizing`), and `expected.json` (the hook response).
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readYamlDocuments } from '../../hooks/commands.js';
import type { K8sObject } from '../../lib/k8s/object.js';

/** The project root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the fixtures live. */
export const FIXTURES = join(ROOT, 'fixtures');
/** Fixed clock of every case unless `case.yaml` says otherwise. */
export const DEFAULT_NOW = '2026-01-01T00:00:00Z';
/** True when expectations should be rewritten instead of compared. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** One golden case. */
export interface FixtureCase {
  plural: string;
  name: string;
  dir: string;
  description: string;
  parent: unknown;
  observed: K8sObject[];
  now: Date;
  finalizing: boolean;
  expectedPath: string;
}

function readYaml(path: string): unknown[] {
  return existsSync(path) ? readYamlDocuments(readFileSync(path, 'utf8'), path) : [];
}

/** Every case under fixtures/, sorted by plural then name. */
export function loadCases(): FixtureCase[] {
  if (!existsSync(FIXTURES)) return [];
  const cases: FixtureCase[] = [];
  for (const plural of readdirSync(FIXTURES).sort()) {
    const pluralDir = join(FIXTURES, plural);
    if (!statSync(pluralDir).isDirectory()) continue;
    for (const name of readdirSync(pluralDir).sort()) {
      const dir = join(pluralDir, name);
      if (!statSync(dir).isDirectory()) continue;
      const [parent, ...extra] = readYaml(join(dir, 'parent.yaml'));
      if (parent === undefined || extra.length > 0) throw new Error(`${dir}/parent.yaml must hold exactly one document`);
      const meta = (existsSync(join(dir, 'case.yaml')) ? parse(readFileSync(join(dir, 'case.yaml'), 'utf8')) : {}) as {
        description?: string;
        now?: string;
        finalizing?: boolean;
      };
      cases.push({
        plural,
        name,
        dir,
        description: meta.description ?? name,
        parent,
        observed: readYaml(join(dir, 'observed.yaml')) as K8sObject[],
        now: new Date(meta.now ?? DEFAULT_NOW),
        finalizing: meta.finalizing ?? false,
        expectedPath: join(dir, 'expected.json'),
      });
    }
  }
  return cases;
}

/** Stable JSON text of a golden file. */
export function goldenText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The expected value of a case, or undefined when it has none yet. */
export function readExpected(path: string): unknown {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** Writes an expectation (only ever called under UPDATE_GOLDEN=1). */
export function writeExpected(path: string, value: unknown): void {
  writeFileSync(path, goldenText(value));
}
