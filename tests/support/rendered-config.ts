/**
 * The neo4j.conf keys a cluster ConfigMap (`<c>-config`) makes a server run with. startup.sh
 * builds the server's neo4j.conf from: the shared `neo4j.conf`, the per-server lines it echoes
 * (advertised addresses, and the role lines derived from `server-roles`), then `initial.conf`.
 * Keys under the `# spec.config` header of neo4j.conf are the user's, not the hook's.
 */

/** Where a hook-written key comes from. */
export type KeySource = 'neo4j.conf' | 'initial.conf' | 'startup.sh';

/** The keys of one rendered ConfigMap. */
export interface RenderedKeys {
  /** Every key the hook writes, sorted and unique (user keys excluded). */
  keys: string[];
  /** The file(s) each hook key is written by. */
  sources: Record<string, KeySource[]>;
  /** Each hook key as often as it is written: a key other than server.jvm.additional must appear once. */
  occurrences: Record<string, number>;
  /** Keys of the `# spec.config` section of neo4j.conf, in file order: the user's settings. */
  userKeys: string[];
  /** ConfigMap files startup.sh concatenates into the server's neo4j.conf (`cat <mount>/<file>`). */
  includedFiles: string[];
}

/** The section header of neo4j.conf above the user's settings. */
export const USER_SECTION_HEADER = '# spec.config';

/** `key=value` lines of a conf file, comments and blank lines skipped, with the section each is under. */
export function confEntries(text: string): Array<{ key: string; value: string; section: string | undefined }> {
  const entries: Array<{ key: string; value: string; section: string | undefined }> = [];
  let section: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      section = line;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a key=value line: ${JSON.stringify(raw)}`);
    entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1), section });
  }
  return entries;
}

/** Keys startup.sh echoes into the conf (`echo "key=…"`), including the ones inside `if` blocks. */
export function echoedKeys(script: string): string[] {
  return [...script.matchAll(/^\s*echo\s+"([A-Za-z0-9_.-]+)=/gmu)].map((m) => m[1]!);
}

/** ConfigMap files startup.sh `cat`s into the conf. */
export function catFiles(script: string): string[] {
  return [...script.matchAll(/^\s*cat\s+\S*\/([A-Za-z0-9_.-]+)\s*$/gmu)].map((m) => m[1]!);
}

/** Every key a cluster ConfigMap writes; throws when a conf file or startup.sh is missing. */
export function renderedKeys(data: Readonly<Record<string, string>>): RenderedKeys {
  const conf = data['neo4j.conf'];
  const initial = data['initial.conf'];
  const script = data['startup.sh'];
  if (conf === undefined || initial === undefined || script === undefined) {
    throw new Error(`ConfigMap data lacks neo4j.conf, initial.conf or startup.sh (has ${Object.keys(data).join(', ')})`);
  }
  const sources: Record<string, KeySource[]> = {};
  const occurrences: Record<string, number> = {};
  const add = (key: string, source: KeySource) => {
    const list = (sources[key] ??= []);
    if (!list.includes(source)) list.push(source);
    occurrences[key] = (occurrences[key] ?? 0) + 1;
  };
  const userKeys: string[] = [];
  for (const { key, section } of confEntries(conf)) {
    if (section === USER_SECTION_HEADER) userKeys.push(key);
    else add(key, 'neo4j.conf');
  }
  for (const { key } of confEntries(initial)) add(key, 'initial.conf');
  for (const key of echoedKeys(script)) add(key, 'startup.sh');
  return { keys: Object.keys(sources).sort(), sources, occurrences, userKeys, includedFiles: catFiles(script) };
}
