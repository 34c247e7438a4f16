/**
 * The `neo4j-admin database backup` invocation of a backup Job, as an argv array, and the fixed
 * wrapper script around it. User values (database, paths, page cache, extra arguments) only ever
 * become whole argv elements; the wrapper is a constant whose inputs are environment variables,
 * and it runs the command as `"$@"`, so no value is ever parsed by a shell.
 *
 * Options per version (Operations Manual, "Back up an online database"; release notes):
 * `--from`, `--to-path` (s3:// since 5.19, gs:// 5.21, azb:// 5.24), `--type`, `--include-metadata`,
 * `--compress`, `--pagecache`, `--temp-path` (5.24), `--additional-config` exist on every supported version;
 * `--prefer-diff-as-parent` from 2025.04, `--remote-address-resolution` from 2025.09,
 * `--parallel-download` and `--skip-recovery` from 2025.11.
 */
import type { BackupSpec } from '../schemas/backup.js';
import { versionAtLeast, type Neo4jVersion } from '../neo4j/version.js';

/** Scratch directory (an emptyDir) for `--temp-path`. */
export const SCRATCH_MOUNT = '/scratch';

/** What the argv is built from. */
export interface BackupCommandInput {
  version: Neo4jVersion;
  /** `host:port` of every server. */
  from: string[];
  /**
   * A directory on the backup volume, or an object-store folder URI. Undefined when the caller
   * adds `--to-path` itself (the backup agent's script, whose folder is named at run time).
   */
  toPath?: string;
  /** `--temp-path`; default {@link SCRATCH_MOUNT}. */
  tempPath?: string;
  /** A neo4j.conf-style file with the backup SSL policy (lib/backup/tls.ts), for TLS targets. */
  additionalConfig?: string;
  /** `*` for every database, or one database name. */
  database: string;
  /** A cluster (several servers) rather than a standalone. */
  cluster: boolean;
  options: BackupSpec['options'];
}

/** One option neo4j-admin database backup accepts through `options.additionalArgs`. */
interface AllowedArg {
  name: string;
  /** First version that has it. */
  since?: string;
  /** `--name=value` required (no bare form). */
  needsValue?: boolean;
}

/** Options a user may add; everything else is refused with a reason. */
const ALLOWED_ARGS: readonly AllowedArg[] = [
  { name: '--verbose' },
  { name: '--expand-commands' },
  { name: '--keep-failed' },
  { name: '--parallel-recovery' },
  { name: '--include-metadata', needsValue: true },
  { name: '--prefer-diff-as-parent', since: '2025.04' },
  { name: '--remote-address-resolution', since: '2025.09' },
  { name: '--parallel-download', since: '2025.11' },
  { name: '--skip-recovery', since: '2025.11' },
];

/** Options set from other fields (or by the hooks), with the field to use instead. */
const OWNED_ARGS: Readonly<Record<string, string>> = {
  '--from': 'it is derived from the target (every server of the deployment)',
  '--to-path': 'it is derived from spec.storage',
  '--temp-path': 'neo4j-hooks gives the backup a scratch volume',
  '--type': 'use options.backupType',
  '--compress': 'use options.compress',
  '--pagecache': 'use options.pageCache',
  '--inspect-path': 'it lists backups instead of taking one',
  '--additional-config': 'neo4j-hooks passes its own file with the backup SSL policy when the target serves TLS',
  '-h': 'it prints the help and takes no backup',
  '--help': 'it prints the help and takes no backup',
  // The operator's list: Neo4j 4.x consistency-check options that 5.x no longer has.
  '--cc-graph': 'it is a Neo4j 4.x option',
  '--cc-indexes': 'it is a Neo4j 4.x option',
  '--cc-label-scan-store': 'it is a Neo4j 4.x option',
  '--legacy-format': 'it is a Neo4j 4.x option',
};

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq === -1 ? arg : arg.slice(0, eq);
}

/**
 * Problems with `options.additionalArgs`: each must start with `-`, be one whole `--option[=value]`
 * argument without control characters, be an option of `neo4j-admin database backup` on the
 * target's version, and not be one the hooks set from other fields. Without a version (target not
 * known yet) the version gates are not checked.
 */
export function additionalArgsErrors(args: readonly string[], version: Neo4jVersion | undefined): string[] {
  const errors: string[] = [];
  args.forEach((arg, i) => {
    const field = `options.additionalArgs[${i}]`;
    if (!arg.startsWith('-')) {
      errors.push(`${field} ${JSON.stringify(arg)} must start with "-" (write options as --name=value, one per entry)`);
      return;
    }
    if (/[\u0000-\u001f\u007f]/u.test(arg)) {
      errors.push(`${field} ${JSON.stringify(arg)} contains a control character`);
      return;
    }
    const name = optionName(arg);
    const owned = OWNED_ARGS[name];
    if (owned) {
      errors.push(`${field} ${name} is not allowed: ${owned}`);
      return;
    }
    const allowed = ALLOWED_ARGS.find((a) => a.name === name);
    if (!allowed) {
      errors.push(`${field} ${name} is not an option of neo4j-admin database backup that neo4j-hooks passes through (allowed: ${ALLOWED_ARGS.map((a) => a.name).join(', ')})`);
      return;
    }
    if (allowed.needsValue && !arg.includes('=')) errors.push(`${field} ${name} needs a value, for example ${name}=all`);
    if (allowed.since && version && !versionAtLeast(version, allowed.since)) {
      errors.push(`${field} ${name} needs Neo4j ${allowed.since} or later; the target runs ${version.raw}`);
    }
  });
  return errors;
}

function hasArg(args: readonly string[], name: string): boolean {
  return args.some((a) => optionName(a) === name);
}

/** The command every backup runs; {@link backupOptions} follow it. */
export const BACKUP_COMMAND = ['neo4j-admin', 'database', 'backup'] as const;

/**
 * The arguments after `neo4j-admin database backup`: `--from=… [--to-path=…] --type=…
 * [--include-metadata=all] [--compress=false] [--pagecache=…] --temp-path=… [--additional-config=…]
 * [version-gated cluster options] [additionalArgs…] <database>`. Clusters on 2025.09+ let the DBMS
 * pick the source server (`--remote-address-resolution=true`, secondaries first) and on 2025.11+
 * download in parallel; an explicit additional argument of the same name replaces the default.
 */
export function backupOptions(input: BackupCommandInput): string[] {
  const options = input.options ?? {};
  const extra = [...(options.additionalArgs ?? [])];
  const args = [`--from=${input.from.join(',')}`];
  if (input.toPath !== undefined) args.push(`--to-path=${input.toPath}`);
  args.push(`--type=${options.backupType ?? 'AUTO'}`);
  if (input.database === '*' && !hasArg(extra, '--include-metadata')) args.push('--include-metadata=all');
  if (options.compress === false) args.push('--compress=false');
  if (options.pageCache) args.push(`--pagecache=${options.pageCache}`);
  args.push(`--temp-path=${input.tempPath ?? SCRATCH_MOUNT}`);
  if (input.additionalConfig) args.push(`--additional-config=${input.additionalConfig}`);
  if (input.cluster && versionAtLeast(input.version, '2025.09') && !hasArg(extra, '--remote-address-resolution')) {
    args.push('--remote-address-resolution=true');
  }
  if (input.cluster && versionAtLeast(input.version, '2025.11') && !hasArg(extra, '--parallel-download')) {
    args.push('--parallel-download=true');
  }
  args.push(...extra, input.database);
  return args;
}

/** The whole argv: {@link BACKUP_COMMAND} then {@link backupOptions}. */
export function backupArgs(input: BackupCommandInput): string[] {
  return [...BACKUP_COMMAND, ...backupOptions(input)];
}

const AGE_TERM = /(\d+)([smhdw])/gu;
const AGE_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * `retention.maxAge` in seconds: one or more `<number><unit>` terms with units s, m, h, d, w
 * (`7d`, `168h`, `1d12h`); undefined when it is not that syntax or is zero.
 */
export function parseMaxAge(text: string): number | undefined {
  if (!/^(\d+[smhdw])+$/u.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(AGE_TERM)) total += Number(n) * (AGE_SECONDS[unit!] ?? 0);
  return Number.isSafeInteger(total) && total > 0 ? total : undefined;
}

/**
 * The backup container's entrypoint: `bash -c BACKUP_SCRIPT neo4j-backup <argv…>`. Inputs are
 * environment variables only: `BACKUP_DIR` (a directory on the backup volume to create first and
 * prune after), `RETENTION_MAX_COUNT`, `RETENTION_MAX_AGE_SECONDS`, and `AWS_ENDPOINT_URL_S3` (an
 * S3-compatible endpoint, which also needs path-style addressing).
 *
 * Retention runs only after a successful backup, per database, on the artifacts
 * `<database>-<YYYY-MM-DDTHH-MM-SS>.backup` in `BACKUP_DIR`: it never deletes a file of the newest
 * backup chain (as `neo4j-admin backup inspect --latest-chain` reports it) nor the newest file,
 * and when the chain cannot be read, or does not contain the newest file, it deletes nothing.
 * Pruning problems are logged and never fail a backup that succeeded.
 */
export const BACKUP_SCRIPT = `# neo4j-hooks backup wrapper: runs the neo4j-admin command given as its arguments, unchanged.
set -uo pipefail
export LC_COLLATE=C

if [ -n "\${AWS_ENDPOINT_URL_S3:-}" ]; then
  # S3-compatible stores (MinIO, Ceph) address buckets by path rather than by host name.
  export JAVA_TOOL_OPTIONS="-Daws.s3.forcePathStyle=true\${JAVA_TOOL_OPTIONS:+ \${JAVA_TOOL_OPTIONS}}"
fi
if [ -n "\${BACKUP_DIR:-}" ]; then
  mkdir -p -- "$BACKUP_DIR" || { echo "cannot create the backup directory $BACKUP_DIR" >&2; exit 1; }
fi

"$@"
status=$?
if [ "$status" -ne 0 ]; then
  echo "neo4j-admin database backup failed with exit code $status" >&2
  exit "$status"
fi

if [ -z "\${BACKUP_DIR:-}" ] || [ -z "\${RETENTION_MAX_COUNT:-}\${RETENTION_MAX_AGE_SECONDS:-}" ]; then
  exit 0
fi

artifact='^(.+)-([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2})-([0-9]{2})-([0-9]{2})\\.backup$'
shopt -s nullglob
now="$(date -u +%s)"
declare -A databases=()
for file in "$BACKUP_DIR"/*.backup; do
  name="\${file##*/}"
  if [[ "$name" =~ $artifact ]]; then databases["\${BASH_REMATCH[1]}"]=1; fi
done

for db in "\${!databases[@]}"; do
  files=()
  for file in "$BACKUP_DIR"/*.backup; do
    name="\${file##*/}"
    if [[ "$name" =~ $artifact ]] && [ "\${BASH_REMATCH[1]}" = "$db" ]; then files+=("$name"); fi
  done
  count=\${#files[@]}
  newest="\${files[$((count - 1))]}"
  if ! chain="$(neo4j-admin backup inspect "$BACKUP_DIR" --latest-chain --empty --database="$db" 2>&1)"; then
    echo "retention: cannot read the backup chain of $db, nothing deleted: $chain" >&2
    continue
  fi
  case "$chain" in
    *"$newest"*) ;;
    *) echo "retention: the newest backup chain of $db does not list $newest, nothing deleted" >&2; continue ;;
  esac
  for name in "\${files[@]}"; do
    [ "$name" = "$newest" ] && continue
    case "$chain" in *"$name"*) continue ;; esac
    expired=0
    if [ -n "\${RETENTION_MAX_COUNT:-}" ] && [ "$count" -gt "$RETENTION_MAX_COUNT" ]; then expired=1; fi
    if [ -n "\${RETENTION_MAX_AGE_SECONDS:-}" ] && [[ "$name" =~ $artifact ]]; then
      taken="$(date -u -d "\${BASH_REMATCH[2]} \${BASH_REMATCH[3]}:\${BASH_REMATCH[4]}:\${BASH_REMATCH[5]}" +%s 2>/dev/null || echo "$now")"
      if [ $((now - taken)) -gt "$RETENTION_MAX_AGE_SECONDS" ]; then expired=1; fi
    fi
    if [ "$expired" -eq 1 ]; then
      if rm -f -- "$BACKUP_DIR/$name"; then
        count=$((count - 1))
        echo "retention: deleted $name"
      else
        echo "retention: could not delete $name" >&2
      fi
    fi
  done
done
exit 0
`;
