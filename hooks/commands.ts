/**
 * The `neo4j-hooks` commands: `serve` runs the hook service, `render` previews what the hooks
 * return for custom resources in a YAML file, `crds` prints (or writes) the generated CRDs,
 * `controllers` prints (or writes) the CompositeControllers and the integration components.
 */
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ALL_KINDS } from '../lib/schemas/index.js';
import { GROUP } from '../lib/schemas/kind.js';
import { crdFileName, crdFor } from '../lib/crd/generate.js';
import { preview, PreviewError } from '../lib/hook/preview.js';
import type { Reconciler } from '../lib/hook/reconciler.js';
import { compositeControllerFor } from '../lib/manifests/controllers.js';
import { INTEGRATIONS, integrationChildren, integrationComponent, type Integration } from '../lib/manifests/components.js';
import { RECONCILERS } from '../lib/registry.js';
import type { K8sObject } from '../lib/k8s/object.js';
import { isRecord } from '../lib/k8s/object.js';
import { serve, settingsFromEnv } from './server.js';

const USAGE = `usage:
  neo4j-hooks serve                      run the hook service (PORT, HOST, LOG_LEVEL, HOOK_TOKEN)
  neo4j-hooks render <file.yaml|-> [--observed <file|dir>] [--output yaml|json] [--now <RFC3339>]
                                         print the children and status the hooks return for each CR
  neo4j-hooks crds [--out-dir <dir>]     print the generated CRDs, or write one file per kind
  neo4j-hooks controllers [--out-dir <dir>] [--components-dir <dir>]
                                         print the CompositeControllers (one per implemented kind), or
                                         write one file per kind plus kustomization.yaml; with
                                         --components-dir also write the integration components`;

/** A command-line mistake: usage is printed with it. */
class UsageError extends Error {}

/** Parses a YAML stream into its non-empty documents; throws with the file name and position. */
export function readYamlDocuments(text: string, source: string): unknown[] {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const problem = doc.errors[0];
    if (problem) throw new Error(`${source}: invalid YAML: ${problem.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function readSource(path: string): string {
  return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
}

function readObserved(path: string): K8sObject[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.(ya?ml|json)$/u.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  return files.flatMap((file) => readYamlDocuments(readFileSync(file, 'utf8'), file)).flatMap((doc) =>
    isRecord(doc) && doc.kind === 'List' && Array.isArray(doc.items) ? doc.items : [doc],
  ) as K8sObject[];
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

/** An object of another API (a Secret next to the CRs): not ours to preview. */
function isForeign(doc: unknown): doc is K8sObject {
  if (!isRecord(doc) || typeof doc.apiVersion !== 'string') return false;
  return !doc.apiVersion.startsWith(`${GROUP}/`) && !ALL_KINDS.some((k) => k.kind === doc.kind);
}

function render(args: string[]): number {
  const observedPath = option(args, '--observed');
  const output = option(args, '--output') ?? 'yaml';
  const nowText = option(args, '--now');
  if (output !== 'yaml' && output !== 'json') throw new UsageError(`--output must be yaml or json, got ${output}`);
  const [file, ...extra] = args;
  if (!file || extra.length > 0) throw new UsageError('render needs exactly one input file (or - for stdin)');
  const now = nowText ? new Date(nowText) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now is not a timestamp: ${nowText}`);
  const observed = observedPath ? readObserved(observedPath) : [];
  const results: unknown[] = [];
  let yamlOut = '';
  for (const doc of readYamlDocuments(readSource(file), file === '-' ? 'stdin' : file)) {
    if (isForeign(doc)) {
      process.stderr.write(`skipping ${doc.kind} ${doc.metadata?.name}: not a ${GROUP} resource\n`);
      continue;
    }
    const result = preview(doc, observed, { now });
    const { parent, pruned, response } = result;
    const id = `${parent.kind} ${parent.metadata.namespace}/${parent.metadata.name}`;
    for (const path of pruned) process.stderr.write(`warning: ${id}: unknown field ${path} (the API server drops it)\n`);
    results.push({ parent: id, ...response });
    const statusLines = stringify(response.status).trimEnd().split('\n').map((l) => `#   ${l}`);
    yamlOut += `# ${id}\n# status:\n${statusLines.join('\n')}\n`;
    if (response.resyncAfterSeconds) yamlOut += `# resyncAfterSeconds: ${response.resyncAfterSeconds}\n`;
    for (const child of response.children) yamlOut += `---\n${stringify(child, { lineWidth: 0 })}`;
  }
  process.stdout.write(output === 'json' ? `${JSON.stringify(results, null, 2)}\n` : yamlOut);
  return 0;
}

function crds(args: string[]): number {
  const outDir = option(args, '--out-dir');
  if (args.length > 0) throw new UsageError(`unexpected arguments: ${args.join(' ')}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    for (const def of ALL_KINDS) writeFileSync(join(outDir, crdFileName(def)), renderCrd(def));
  } else {
    process.stdout.write(ALL_KINDS.map((def) => renderCrd(def)).join(''));
  }
  return 0;
}

/** The committed YAML form of one kind's CRD. */
export function renderCrd(def: (typeof ALL_KINDS)[number]): string {
  return `---\n# Generated by \`neo4j-hooks crds\` from lib/schemas; do not edit.\n${stringify(crdFor(def), { lineWidth: 0 })}`;
}

const GENERATED_FROM_REGISTRY = '# Generated by `neo4j-hooks controllers` from lib/registry.ts; do not edit.';

/** The committed YAML form of one reconciler's CompositeController. */
export function renderController(reconciler: Reconciler): string {
  return `---\n${GENERATED_FROM_REGISTRY}\n${stringify(compositeControllerFor(reconciler), { lineWidth: 0 })}`;
}

/** Every file of manifests/controllers, by file name: one CompositeController per reconciler and the kustomization listing them. */
export function controllerFiles(registry: readonly Reconciler[] = RECONCILERS): Record<string, string> {
  const files: Record<string, string> = {};
  for (const reconciler of registry) files[`${reconciler.kind.plural}.yaml`] = renderController(reconciler);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: registry.map((reconciler) => `${reconciler.kind.plural}.yaml`),
  };
  files['kustomization.yaml'] = `${GENERATED_FROM_REGISTRY}\n${stringify(kustomization, { lineWidth: 0 })}`;
  return files;
}

/** The committed YAML form of one integration's kustomize component. */
export function renderComponent(integration: Integration, registry: readonly Reconciler[] = RECONCILERS): string {
  const users = integrationChildren(integration, registry).map(({ reconciler }) => reconciler.kind.kind);
  const header = [
    GENERATED_FROM_REGISTRY,
    `# Component ${integration}: adds the child types that need ${integration} to the CompositeControllers.`,
    `# Install ${integration} (its CRDs) first: Metacontroller cannot watch a type the API server does not serve.`,
    users.length > 0
      ? `# Used by: ${users.join(', ')}.`
      : `# No reconciler emits ${integration} objects yet, so this component changes nothing today.`,
  ];
  return `${header.join('\n')}\n${stringify(integrationComponent(integration, registry), { lineWidth: 0 })}`;
}

/** The generated integration components, by path below manifests/components (`<integration>/kustomization.yaml`). */
export function componentFiles(registry: readonly Reconciler[] = RECONCILERS): Record<string, string> {
  return Object.fromEntries(INTEGRATIONS.map((integration) => [`${integration}/kustomization.yaml`, renderComponent(integration, registry)]));
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

function controllers(args: string[]): number {
  const outDir = option(args, '--out-dir');
  const componentsDir = option(args, '--components-dir');
  if (args.length > 0) throw new UsageError(`unexpected arguments: ${args.join(' ')}`);
  if (outDir) writeFiles(outDir, controllerFiles());
  if (componentsDir) writeFiles(componentsDir, componentFiles());
  if (!outDir && !componentsDir) process.stdout.write(RECONCILERS.map((reconciler) => renderController(reconciler)).join(''));
  return 0;
}

/** Runs the command line; returns the exit code (serve never returns while serving). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve(settingsFromEnv());
        return -1;
      case 'render':
        return render(args);
      case 'crds':
        return crds(args);
      case 'controllers':
        return controllers(args);
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`neo4j-hooks: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    const message = error instanceof PreviewError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`neo4j-hooks: ${message}\n`);
    return 1;
  }
}

