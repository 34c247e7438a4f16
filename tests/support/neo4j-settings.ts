/**
 * Neo4j's documented configuration settings, per version line, read at test time from
 * ../shared/compat/neo4j-settings (see ../shared/compat/README.md, section neo4j-settings).
 * The lists are never copied into the project.
 *
 * A list entry is a literal name or a template such as `dbms.ssl.policy.<scope>.enabled`; a key
 * matches a template segment by segment, each placeholder standing for exactly one non-empty
 * segment. A setting labelled `new-X` exists only from Neo4j X on, so it is not documented for an
 * older image of the same line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, parseNeo4jVersion, type Neo4jVersion } from '../../lib/neo4j/version.js';
import { SHARED } from './shared.js';

/** The version lines the manual documents separately. */
export type SettingsLine = '5.26' | 'calver';

/** Where the lists live. */
export const SETTINGS_DIR = join(SHARED, 'compat', 'neo4j-settings');

/** One documented setting (or setting template) with the manual's labels. */
export interface SettingEntry {
  /** The name as listed, placeholders included (`dbms.ssl.policy.<scope>.enabled`). */
  name: string;
  /** The manual's labels: `enterprise-edition`, `dynamic`, `new-5.22`, `deprecated-5.26`, … */
  labels: string[];
  /** `reference-heading`, `reference-text` or `ssl-framework-page`. */
  source: string;
  /** Whether the name contains a placeholder segment. */
  template: boolean;
}

/** The settings of one version line. */
export interface SettingsList {
  line: SettingsLine;
  entries: SettingEntry[];
  /** Literal entries by name (templates are matched through {@link settingPattern}). */
  literal: ReadonlyMap<string, SettingEntry>;
  templates: ReadonlyArray<{ entry: SettingEntry; pattern: RegExp }>;
}

const PLACEHOLDER = /^<[^<>.]+>$/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/**
 * The README's regular expression for a list entry: split on `.`, escape literal segments, replace
 * each placeholder segment with `[^.]+`, join with `\.`, anchor with `^…$`.
 */
export function settingPattern(name: string): RegExp {
  const segments = name.split('.').map((segment) => (PLACEHOLDER.test(segment) ? '[^.]+' : escapeRegExp(segment)));
  return new RegExp(`^${segments.join('\\.')}$`, 'u');
}

function readLines(file: string): string[] {
  return readFileSync(join(SETTINGS_DIR, file), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/u, ''))
    .filter((line) => line !== '');
}

const cache = new Map<SettingsLine, SettingsList>();

/**
 * The list of a version line (`5.26.txt` or `calver.txt`) with the labels of `<line>-labels.tsv`.
 * Throws when the two files disagree on the names, or a name is duplicated.
 */
export function loadSettings(line: SettingsLine): SettingsList {
  const cached = cache.get(line);
  if (cached) return cached;
  const names = readLines(`${line}.txt`);
  const [header, ...rows] = readLines(`${line}-labels.tsv`);
  if (header !== 'setting\tlabels\tsource') throw new Error(`${line}-labels.tsv: unexpected header ${JSON.stringify(header)}`);
  const labelled = new Map<string, { labels: string[]; source: string }>();
  for (const row of rows) {
    const [name = '', labels = '', source = ''] = row.split('\t');
    if (labelled.has(name)) throw new Error(`${line}-labels.tsv lists ${name} twice`);
    labelled.set(name, { labels: labels === '' ? [] : labels.split(','), source });
  }
  const entries: SettingEntry[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${line}.txt lists ${name} twice`);
    seen.add(name);
    const info = labelled.get(name);
    if (!info) throw new Error(`${line}.txt lists ${name}, which ${line}-labels.tsv does not`);
    entries.push({ name, labels: info.labels, source: info.source, template: name.split('.').some((s) => PLACEHOLDER.test(s)) });
  }
  const extra = [...labelled.keys()].filter((name) => !seen.has(name));
  if (extra.length > 0) throw new Error(`${line}-labels.tsv lists names missing from ${line}.txt: ${extra.join(', ')}`);
  const list: SettingsList = {
    line,
    entries,
    literal: new Map(entries.filter((e) => !e.template).map((e) => [e.name, e])),
    templates: entries.filter((e) => e.template).map((entry) => ({ entry, pattern: settingPattern(entry.name) })),
  };
  cache.set(line, list);
  return list;
}

/** The names of `removed-in-calver.txt` (in 5.26.txt, not in calver.txt). */
export function removedInCalver(): string[] {
  return readLines('removed-in-calver.txt');
}

/**
 * The list entry `key` matches on `line` (README "Template matching": same number of segments,
 * literal segments equal case-sensitively, each placeholder exactly one non-empty segment), or
 * undefined. A literal entry wins over a template.
 */
export function matchesSetting(key: string, line: SettingsLine | SettingsList): SettingEntry | undefined {
  const list = typeof line === 'string' ? loadSettings(line) : line;
  return list.literal.get(key) ?? list.templates.find((t) => t.pattern.test(key))?.entry;
}

/** The version an entry first appears in, from its `new-X` label, or undefined when it has none. */
export function introducedIn(entry: SettingEntry): Neo4jVersion | undefined {
  const versions = entry.labels
    .filter((label) => label.startsWith('new-'))
    .map((label) => {
      const parsed = parseNeo4jVersion(label.slice('new-'.length));
      if (!parsed.ok) throw new Error(`${entry.name}: label ${label} names no version: ${parsed.reason}`);
      return parsed.version;
    });
  // Several `new-` labels would be odd; the earliest is when the setting first appeared.
  return versions.sort(compareVersions)[0];
}

/** Settings outside the lists that neo4j.conf may always contain: undocumented internals. */
export function isInternalSetting(key: string): boolean {
  return key.startsWith('internal.');
}

/** Prefixes of settings registered by plugins (APOC, GDS, Bloom, GenAI); matched per plugin, not against the lists. */
export const PLUGIN_PREFIXES = ['apoc.', 'gds.', 'dbms.bloom.', 'genai.'] as const;

/** Whether `key` is a plugin's setting (see {@link PLUGIN_PREFIXES}). */
export function isPluginSetting(key: string): boolean {
  return PLUGIN_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** The image version a key is judged for: its line and the image tag (`5.26.0-enterprise`). */
export interface ImageVersion {
  line: Neo4jVersion['line'];
  raw: string;
}

/** The verdict on one key. */
export type SettingVerdict =
  | { documented: true; why: 'internal' | 'listed'; entry?: SettingEntry }
  | { documented: false; why: string; entry?: SettingEntry };

/**
 * Whether `key` is a documented setting of the image's version: an `internal.*` key, or a key that
 * matches an entry of the line's list whose `new-X` label (if any) is not later than the image.
 * Plugin settings are not accepted here (see {@link isPluginSetting}).
 */
export function checkSetting(key: string, version: ImageVersion): SettingVerdict {
  if (isInternalSetting(key)) return { documented: true, why: 'internal' };
  if (version.line !== '5.26' && version.line !== 'calver') {
    return { documented: false, why: `image ${version.raw} is on no documented version line (${version.line})` };
  }
  const parsed = parseNeo4jVersion(version.raw);
  if (!parsed.ok) return { documented: false, why: parsed.reason };
  if (parsed.version.line !== version.line) {
    throw new Error(`image ${version.raw} is on line ${parsed.version.line}, not ${version.line}`);
  }
  const entry = matchesSetting(key, version.line);
  if (!entry) return { documented: false, why: `not in ${version.line === '5.26' ? '5.26.txt' : 'calver.txt'}` };
  const since = introducedIn(entry);
  if (since && compareVersions(since, parsed.version) > 0) {
    return { documented: false, why: `${entry.name} is new in ${since.raw}, later than image ${version.raw}`, entry };
  }
  return { documented: true, why: 'listed', entry };
}

/** {@link checkSetting} as a boolean. */
export function isDocumented(key: string, version: ImageVersion): boolean {
  return checkSetting(key, version).documented;
}
