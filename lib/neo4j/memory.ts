/**
 * Neo4j memory sizing for a server container (heap, page cache, transaction memory) and the
 * validation of user memory settings against the container limit.
 *
 * Sizing reproduces the baseline operator (operator.md §5) byte for byte, including its Go
 * `%.0f`/`%.1f` formatting (round half to even), with one deliberate fix: a page-cache override
 * without a heap override is honoured instead of silently dropped.
 */
import { GIB, KIB, MIB, parseNeo4jMemory } from '../k8s/quantity.js';

/** Container memory assumed when the limit is absent or zero (the operator's `2Gi`). */
export const DEFAULT_MEMORY_LIMIT_BYTES = 2 * GIB;

/** The neo4j.conf keys this module derives; user values for them are consumed, never passed through. */
export const MEMORY_CONFIG_KEYS = {
  heapInitial: 'server.memory.heap.initial_size',
  heapMax: 'server.memory.heap.max_size',
  pageCache: 'server.memory.pagecache.size',
  txTotalMax: 'dbms.memory.transaction.total.max',
  txMax: 'db.memory.transaction.max',
  txPerDatabase: 'db.memory.transaction.total.max',
} as const;

const KEYS = MEMORY_CONFIG_KEYS;
const KEY_ORDER = [KEYS.heapInitial, KEYS.heapMax, KEYS.pageCache, KEYS.txTotalMax, KEYS.txMax, KEYS.txPerDatabase];

const MIN_HEAP = 256 * MIB;
const MAX_HEAP = 31 * GIB;
const MIN_PAGE_CACHE = 128 * MIB;
const ABSOLUTE_MIN_PAGE_CACHE = 64 * MIB;
const MIN_TX_MAX = 256 * MIB;
const MIN_ENTERPRISE_LIMIT = GIB;
const MIN_LARGE_CLUSTER_LIMIT = 2 * GIB;

/**
 * Memory settings for one Neo4j server, as neo4j.conf values. `heapInitial` equals `heapMax` unless
 * the user set both. `txPerDatabase` is present only when the user set
 * `db.memory.transaction.total.max` (the operator only ever wrote its own default as a comment).
 * `consumed` lists, in a fixed order, the memory keys present in the user config: the caller must
 * not append them again, since these values replace them.
 */
export interface MemorySettings {
  heapInitial: string;
  heapMax: string;
  pageCache: string;
  txTotalMax: string;
  txMax: string;
  txPerDatabase?: string;
  consumed: string[];
}

/** Findings of {@link validateMemory}; errors block reconciliation, warnings are advisory. */
export interface MemoryValidation {
  errors: string[];
  warnings: string[];
}

/**
 * `value / unit` rounded to `decimals` places, half to even on exact ties, as Go's `%.Nf` prints
 * `float64(bytes)/unit` (exact here: the unit is a power of two).
 */
function fixed(value: number, unit: number, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const den = BigInt(unit);
  const scaled = BigInt(value) * scale;
  let q = scaled / den;
  const twiceRemainder = 2n * (scaled % den);
  if (twiceRemainder > den || (twiceRemainder === den && q % 2n === 1n)) q += 1n;
  if (decimals === 0) return q.toString();
  return `${q / scale}.${(q % scale).toString().padStart(decimals, '0')}`;
}

/** The operator's heap/page-cache format: `%.0f` of G, M or K, else plain bytes (`5G`, `512M`). */
function formatSize(bytes: number): string {
  const b = Math.max(0, bytes);
  if (b >= GIB) return `${fixed(b, GIB, 0)}G`;
  if (b >= MIB) return `${fixed(b, MIB, 0)}M`;
  if (b >= KIB) return `${fixed(b, KIB, 0)}K`;
  return String(b);
}

/** The operator's transaction-memory format: `<n>g`/`<n>m` when exact, else one decimal (`716.8m`). */
function formatTx(bytes: number): string {
  if (bytes >= GIB) return bytes % GIB === 0 ? `${bytes / GIB}g` : `${fixed(bytes, GIB, 1)}g`;
  if (bytes >= MIB) return bytes % MIB === 0 ? `${bytes / MIB}m` : `${fixed(bytes, MIB, 1)}m`;
  if (bytes >= KIB) return `${Math.floor(bytes / KIB)}k`;
  return String(bytes);
}

/** The operator validator's size format used inside messages (`1.0Gi`, `256.0Mi`, `0b`). */
function formatForMessage(bytes: number): string {
  if (bytes >= GIB) return `${fixed(bytes, GIB, 1)}Gi`;
  if (bytes >= MIB) return `${fixed(bytes, MIB, 1)}Mi`;
  if (bytes >= KIB) return `${fixed(bytes, KIB, 1)}Ki`;
  return `${bytes}b`;
}

function systemReserve(limit: number): number {
  return limit <= 2 * GIB ? 256 * MIB : 512 * MIB;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** The operator's `CalculateOptimalMemorySettings` (§5 step 2), in whole bytes. */
function baseSizing(limit: number): { heap: number; pageCache: number } {
  let heap = clamp(Math.trunc(limit * 0.5), MIN_HEAP, MAX_HEAP);
  let pageCache = Math.max(Math.trunc(limit * 0.25), MIN_PAGE_CACHE);
  const reserve = systemReserve(limit);
  if (heap + pageCache + reserve > limit) {
    const available = limit - reserve;
    if (available <= MIN_HEAP + MIN_PAGE_CACHE) {
      heap = MIN_HEAP;
      pageCache = MIN_PAGE_CACHE;
      if (heap + pageCache > available) {
        pageCache = available - heap;
        if (pageCache <= 0) {
          pageCache = ABSOLUTE_MIN_PAGE_CACHE;
          heap = available - pageCache;
          if (heap < 0) {
            heap = MIN_HEAP;
            pageCache = ABSOLUTE_MIN_PAGE_CACHE;
          }
        }
      }
    } else {
      pageCache = available - heap;
      if (pageCache < MIN_PAGE_CACHE) {
        heap = available - MIN_PAGE_CACHE;
        pageCache = MIN_PAGE_CACHE;
      }
    }
  }
  if (heap < 0) heap = MIN_HEAP;
  if (pageCache < 0) pageCache = ABSOLUTE_MIN_PAGE_CACHE;
  return { heap, pageCache };
}

/** §5 step 3, the "5.26+" overlay the operator always applies on top of the base formula. */
function autoSizing(limit: number): { heap: number; pageCache: number } {
  if (limit < 4 * GIB) return baseSizing(limit);
  let heap = clamp(Math.trunc(limit * 0.6), MIN_HEAP, MAX_HEAP);
  let pageCache = Math.max(Math.trunc(limit * 0.3), MIN_PAGE_CACHE);
  const reserve = systemReserve(limit);
  if (heap + pageCache + reserve > limit) {
    const ratio = (limit - reserve) / (heap + pageCache);
    heap = Math.trunc(heap * ratio);
    pageCache = Math.trunc(pageCache * ratio);
  }
  return { heap, pageCache };
}

function setting(config: Record<string, string>, key: string): string | undefined {
  const value = config[key];
  return value === undefined || value === '' ? undefined : value;
}

function hasLimit(limitBytes: number | undefined): limitBytes is number {
  return limitBytes !== undefined && Number.isFinite(limitBytes) && limitBytes > 0;
}

function effectiveLimit(limitBytes: number | undefined): number {
  return hasLimit(limitBytes) ? Math.floor(limitBytes) : DEFAULT_MEMORY_LIMIT_BYTES;
}

/**
 * Derives heap, page cache and transaction memory for a container with `limitBytes` of memory
 * (absent, zero or not a finite positive number → 2Gi) and the user's `config` (spec.config), exactly as operator.md §5:
 * - `server.memory.heap.max_size` set: heap max verbatim, heap initial = user initial or heap max,
 *   page cache = user value or heap/2 (min 128M; `128M` if the heap is unparsable);
 * - otherwise the base formula plus the always-applied 60/30 overlay from 4Gi, heap initial = max,
 *   page cache = user `server.memory.pagecache.size` when set (the operator ignored it), else computed;
 * - `dbms.memory.transaction.total.max` = user value or 70 % of the heap (unparsable heap → `2g`);
 * - `db.memory.transaction.max` = user value or 10 % of the global value, at least 256m
 *   (unparsable global → `256m`).
 * A user `server.memory.heap.initial_size` without a heap max is dropped (see {@link validateMemory}).
 * Empty-string values count as unset. Deterministic; never throws.
 */
export function computeMemory(limitBytes: number | undefined, config: Record<string, string>): MemorySettings {
  const userHeap = setting(config, KEYS.heapMax);
  const userPageCache = setting(config, KEYS.pageCache);
  let heapMax: string;
  let heapInitial: string;
  let pageCache: string;
  if (userHeap !== undefined) {
    heapMax = userHeap;
    heapInitial = setting(config, KEYS.heapInitial) ?? userHeap;
    const userHeapBytes = parseNeo4jMemory(userHeap);
    pageCache =
      userPageCache ??
      formatSize(userHeapBytes === undefined ? MIN_PAGE_CACHE : Math.max(Math.floor(userHeapBytes / 2), MIN_PAGE_CACHE));
  } else {
    const auto = autoSizing(effectiveLimit(limitBytes));
    heapMax = formatSize(auto.heap);
    heapInitial = heapMax;
    pageCache = userPageCache ?? formatSize(auto.pageCache);
  }

  const heapBytes = parseNeo4jMemory(heapMax);
  const txTotalMax =
    setting(config, KEYS.txTotalMax) ?? (heapBytes ? formatTx(Math.trunc(heapBytes * 0.7)) : '2g');
  const globalBytes = parseNeo4jMemory(txTotalMax);
  const txMax =
    setting(config, KEYS.txMax) ??
    (globalBytes ? formatTx(Math.max(Math.trunc(globalBytes * 0.1), MIN_TX_MAX)) : formatTx(MIN_TX_MAX));
  const txPerDatabase = setting(config, KEYS.txPerDatabase);

  return {
    heapInitial,
    heapMax,
    pageCache,
    txTotalMax,
    txMax,
    ...(txPerDatabase === undefined ? {} : { txPerDatabase }),
    consumed: KEY_ORDER.filter((key) => Object.hasOwn(config, key)),
  };
}

/**
 * The neo4j.conf lines for `settings`, as `[key, value]` pairs in the operator's order (heap initial,
 * heap max, page cache, global and per-transaction limits, then the per-database limit if set).
 */
export function memoryConfEntries(settings: MemorySettings): Array<[string, string]> {
  const entries: Array<[string, string]> = [
    [KEYS.heapInitial, settings.heapInitial],
    [KEYS.heapMax, settings.heapMax],
    [KEYS.pageCache, settings.pageCache],
    [KEYS.txTotalMax, settings.txTotalMax],
    [KEYS.txMax, settings.txMax],
  ];
  if (settings.txPerDatabase !== undefined) entries.push([KEYS.txPerDatabase, settings.txPerDatabase]);
  return entries;
}

/**
 * Validates the user's memory settings against the container limit with the operator's rules and
 * messages (operator.md §7.1), for a cluster of `servers` servers. Errors only when `limitBytes` is a
 * positive number: unparsable memory values; transaction total above the heap; heap + page cache +
 * overhead (max(25 % of the limit, 512Mi)) above the limit; heap below 256Mi; page cache below 128Mi;
 * initial heap above max heap; and, only if nothing failed so far, a limit below 1Gi (two errors)
 * and more than 3 servers with less than 2Gi. Because a page-cache-only override is honoured by
 * {@link computeMemory}, the heap it will run with counts in the overhead check and the
 * transaction check uses the computed heap when the user set none. Warnings: settings left
 * unchecked for lack of a limit, an ignored initial heap, and an initial heap different from the max.
 */
export function validateMemory(
  limitBytes: number | undefined,
  config: Record<string, string>,
  servers: number,
): MemoryValidation {
  const errors: string[] = [];
  const warnings = memoryWarnings(limitBytes, config);
  if (!hasLimit(limitBytes)) return { errors, warnings };
  const limit = Math.floor(limitBytes);

  const parsed = new Map<string, number>();
  for (const key of KEY_ORDER) {
    const value = setting(config, key);
    if (value === undefined) continue;
    const bytes = parseNeo4jMemory(value);
    if (bytes === undefined) {
      errors.push(`invalid memory format for ${key}: "${value}" (expected bytes or a number with k, m or g, e.g. 512m, 2g, 1Gi)`);
    } else {
      parsed.set(key, bytes);
    }
  }
  if (errors.length > 0) return { errors, warnings };

  const userHeap = parsed.get(KEYS.heapMax);
  const userPageCache = parsed.get(KEYS.pageCache);
  const userTx = parsed.get(KEYS.txTotalMax);
  const computedHeap = parseNeo4jMemory(computeMemory(limit, config).heapMax) ?? 0;

  if (userTx !== undefined) {
    const heap = userHeap ?? computedHeap;
    if (userTx > heap) {
      errors.push(`transaction memory (${formatForMessage(userTx)}) cannot exceed heap size (${formatForMessage(heap)})`);
    }
  }

  if (userHeap !== undefined || userPageCache !== undefined) {
    const heap = userHeap ?? computedHeap;
    const pageCache = userPageCache ?? 0;
    const overhead = Math.max(Math.floor(limit / 4), 512 * MIB);
    if (heap + pageCache + overhead > limit) {
      errors.push(
        `Neo4j memory configuration (heap: ${formatForMessage(heap)}, pagecache: ${formatForMessage(pageCache)}) ` +
          `plus system overhead exceeds container memory limit (${formatForMessage(limit)}). ` +
          'Consider reducing memory settings or increasing container limits.',
      );
    }
  }
  if (userHeap !== undefined && userHeap < MIN_HEAP) {
    errors.push(`heap size must be at least ${formatForMessage(MIN_HEAP)}`);
  }
  if (userPageCache !== undefined && userPageCache < MIN_PAGE_CACHE) {
    errors.push(`page cache size must be at least ${formatForMessage(MIN_PAGE_CACHE)}`);
  }
  const userInitial = parsed.get(KEYS.heapInitial);
  if (userHeap !== undefined && userInitial !== undefined && userInitial > userHeap) {
    errors.push(
      `${KEYS.heapInitial} (${formatForMessage(userInitial)}) cannot exceed ${KEYS.heapMax} (${formatForMessage(userHeap)})`,
    );
  }
  if (errors.length > 0) return { errors, warnings };

  if (limit < MIN_ENTERPRISE_LIMIT) {
    errors.push(`Neo4j Enterprise requires at least ${formatForMessage(MIN_ENTERPRISE_LIMIT)} of memory`);
    errors.push(
      `Memory allocation is below minimum operational requirement. Current: ${formatForMessage(limit)}, ` +
        `Required minimum: ${formatForMessage(MIN_ENTERPRISE_LIMIT)}`,
    );
  }
  if (servers > 3 && limit < MIN_LARGE_CLUSTER_LIMIT) {
    errors.push(
      `insufficient memory for cluster size (${servers} servers). Current: ${formatForMessage(limit)}, ` +
        `Required minimum: ${formatForMessage(MIN_LARGE_CLUSTER_LIMIT)}`,
    );
  }
  return { errors, warnings };
}

function memoryWarnings(limitBytes: number | undefined, config: Record<string, string>): string[] {
  const warnings: string[] = [];
  const set = KEY_ORDER.filter((key) => setting(config, key) !== undefined);
  if (!hasLimit(limitBytes) && set.length > 0) {
    warnings.push(
      `memory settings (${set.join(', ')}) are not checked against the container because ` +
        'spec.resources.limits.memory is not set',
    );
  }
  const initial = setting(config, KEYS.heapInitial);
  const max = setting(config, KEYS.heapMax);
  if (initial !== undefined && max === undefined) {
    warnings.push(
      `${KEYS.heapInitial} is ignored because ${KEYS.heapMax} is not set: ` +
        `the initial heap is set to the computed maximum heap (${computeMemory(limitBytes, config).heapMax})`,
    );
  } else if (initial !== undefined && max !== undefined) {
    const initialBytes = parseNeo4jMemory(initial);
    const maxBytes = parseNeo4jMemory(max);
    if (initialBytes !== undefined && maxBytes !== undefined && initialBytes < maxBytes) {
      warnings.push(
        `${KEYS.heapInitial} (${initial}) is smaller than ${KEYS.heapMax} (${max}); ` +
          'Neo4j recommends setting them equal to avoid garbage-collection pauses from heap resizing',
      );
    }
  }
  return warnings;
}
