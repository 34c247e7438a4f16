import { describe, it, expect } from 'vitest';
import { GIB, MIB } from '../../lib/k8s/quantity.js';
import {
  DEFAULT_MEMORY_LIMIT_BYTES,
  MEMORY_CONFIG_KEYS as K,
  computeMemory,
  memoryConfEntries,
  validateMemory,
} from '../../lib/neo4j/memory.js';

describe('computeMemory: automatic sizing', () => {
  // Rows 1Gi..32Gi are operator.md §5's acceptance values; the transaction columns follow §5 step 5.
  it.each<[string, number, string, string, string, string]>([
    ['1Gi', 1 * GIB, '512M', '256M', '358.4m', '256m'],
    ['2Gi', 2 * GIB, '1G', '512M', '716.8m', '256m'],
    ['4Gi', 4 * GIB, '2G', '1G', '1.4g', '256m'],
    ['8Gi', 8 * GIB, '5G', '2G', '3.5g', '358.4m'],
    ['16Gi', 16 * GIB, '10G', '5G', '7g', '716.8m'],
    ['32Gi', 32 * GIB, '19G', '10G', '13.3g', '1.3g'],
  ])('acceptance %s → heap %s, page cache %s', (_name, limit, heap, pageCache, txTotalMax, txMax) => {
    expect(computeMemory(limit, {})).toEqual({
      heapInitial: heap,
      heapMax: heap,
      pageCache,
      txTotalMax,
      txMax,
      consumed: [],
    });
  });

  it.each<[string, number, string, string]>([
    // Base formula squeezes: available = limit − 256Mi ≤ 384Mi → 256M/128M, then page cache shrinks to 64M.
    ['256Mi', 256 * MIB, '256M', '64M'],
    ['512Mi', 512 * MIB, '192M', '64M'],
    // %.0f rounding: 1.25 GiB → 1G; 1.5 GiB → 2G, so at 3Gi the heap rounds up past the budget (2G+768M+512M).
    ['2.5Gi', 2.5 * GIB, '1G', '640M'],
    ['3Gi', 3 * GIB, '2G', '768M'],
    // Overlay without scaling (3.6 + 1.8 + 0.5 ≤ 6) and with the 31 GiB heap cap.
    ['6Gi', 6 * GIB, '4G', '2G'],
    ['64Gi', 64 * GIB, '31G', '19G'],
    ['128Gi', 128 * GIB, '31G', '38G'],
  ])('%s → heap %s, page cache %s', (_name, limit, heap, pageCache) => {
    const settings = computeMemory(limit, {});
    expect([settings.heapInitial, settings.heapMax, settings.pageCache]).toEqual([heap, heap, pageCache]);
  });

  it.each<[string, number | undefined]>([
    ['absent', undefined],
    ['zero', 0],
    ['NaN', Number.NaN],
    ['negative', -GIB],
  ])('a %s limit sizes for 2Gi', (_name, limit) => {
    expect(DEFAULT_MEMORY_LIMIT_BYTES).toBe(2 * GIB);
    expect(computeMemory(limit, {})).toEqual(computeMemory(2 * GIB, {}));
    expect(computeMemory(limit, {}).heapMax).toBe('1G');
  });

  it('does not report unrelated config keys as consumed and omits the per-database limit', () => {
    const settings = computeMemory(8 * GIB, { 'db.format': 'block', 'server.memory.off_heap.max_size': '1g' });
    expect(settings.consumed).toEqual([]);
    expect(settings).not.toHaveProperty('txPerDatabase');
  });
});

describe('computeMemory: user overrides', () => {
  it.each<[string, string, string, string, string]>([
    // heap/2 formatted with %.0f, half to even: 2.5 GiB → 2G, 1.5 GiB → 2G.
    ['5g', '2G', '3.5g', '358.4m', 'half of 5g'],
    ['3g', '2G', '2.1g', '256m', 'half of 3g'],
    ['1g', '512M', '716.8m', '256m', 'half of 1g'],
    ['4G', '2G', '2.8g', '286.7m', 'upper-case suffix'],
    ['200m', '128M', '140m', '256m', 'page cache minimum 128M'],
    ['1Gi', '512M', '716.8m', '256m', 'Kubernetes-style heap'],
    ['abc', '128M', '2g', '256m', 'unparsable heap falls back to 128M and 2g'],
  ])('heap %s → page cache %s, tx %s / %s (%s)', (heap, pageCache, txTotalMax, txMax) => {
    expect(computeMemory(8 * GIB, { [K.heapMax]: heap })).toEqual({
      heapInitial: heap,
      heapMax: heap,
      pageCache,
      txTotalMax,
      txMax,
      consumed: [K.heapMax],
    });
  });

  it('takes heap max, heap initial and page cache verbatim when all are set, whatever the limit', () => {
    const config = { [K.heapMax]: '4g', [K.heapInitial]: '2g', [K.pageCache]: '1500m', 'db.format': 'block' };
    const expected = {
      heapInitial: '2g',
      heapMax: '4g',
      pageCache: '1500m',
      txTotalMax: '2.8g',
      txMax: '286.7m',
      consumed: [K.heapInitial, K.heapMax, K.pageCache],
    };
    expect(computeMemory(1 * GIB, config)).toEqual(expected);
    expect(computeMemory(64 * GIB, config)).toEqual(expected);
  });

  it('honours a page-cache-only override (the operator dropped it), sizing the heap by formula', () => {
    expect(computeMemory(8 * GIB, { [K.pageCache]: '3g' })).toEqual({
      heapInitial: '5G',
      heapMax: '5G',
      pageCache: '3g',
      txTotalMax: '3.5g',
      txMax: '358.4m',
      consumed: [K.pageCache],
    });
  });

  it('drops an initial heap without a max heap but still consumes the key', () => {
    const settings = computeMemory(8 * GIB, { [K.heapInitial]: '1g' });
    expect([settings.heapInitial, settings.heapMax]).toEqual(['5G', '5G']);
    expect(settings.consumed).toEqual([K.heapInitial]);
  });

  it('honours user transaction limits', () => {
    const settings = computeMemory(8 * GIB, { [K.txTotalMax]: '4g', [K.txMax]: '512m', [K.txPerDatabase]: '2g' });
    expect(settings).toMatchObject({ heapMax: '5G', txTotalMax: '4g', txMax: '512m', txPerDatabase: '2g' });
    expect(settings.consumed).toEqual([K.txTotalMax, K.txMax, K.txPerDatabase]);
  });

  it.each<[string, string]>([
    ['10g', '1g'],
    ['3g', '307.2m'],
    ['600m', '256m'],
    ['lots', '256m'],
  ])('derives the per-transaction limit from a user global limit %s → %s', (global, txMax) => {
    expect(computeMemory(8 * GIB, { [K.txTotalMax]: global })).toMatchObject({ txTotalMax: global, txMax });
  });

  it('treats empty values as unset but consumes them so they are not appended', () => {
    const settings = computeMemory(8 * GIB, { [K.heapMax]: '', [K.pageCache]: '', [K.txTotalMax]: '' });
    expect(settings).toMatchObject({ heapMax: '5G', pageCache: '2G', txTotalMax: '3.5g' });
    expect(settings.consumed).toEqual([K.heapMax, K.pageCache, K.txTotalMax]);
  });
});

describe('memoryConfEntries', () => {
  it('lists neo4j.conf pairs in order, with the per-database limit only when set', () => {
    expect(memoryConfEntries(computeMemory(2 * GIB, {}))).toEqual([
      ['server.memory.heap.initial_size', '1G'],
      ['server.memory.heap.max_size', '1G'],
      ['server.memory.pagecache.size', '512M'],
      ['dbms.memory.transaction.total.max', '716.8m'],
      ['db.memory.transaction.max', '256m'],
    ]);
    expect(memoryConfEntries(computeMemory(2 * GIB, { [K.txPerDatabase]: '300m' })).at(-1)).toEqual([
      'db.memory.transaction.total.max',
      '300m',
    ]);
  });
});

describe('validateMemory', () => {
  const overheadMessage = (heap: string, pageCache: string, limit: string): string =>
    `Neo4j memory configuration (heap: ${heap}, pagecache: ${pageCache}) plus system overhead exceeds container ` +
    `memory limit (${limit}). Consider reducing memory settings or increasing container limits.`;

  it.each<[string, number, Record<string, string>, number, string[]]>([
    ['auto-sized 4Gi', 4 * GIB, {}, 3, []],
    ['heap+pc+overhead exactly at the limit', 4 * GIB, { [K.heapMax]: '2g', [K.pageCache]: '1g' }, 3, []],
    ['overhead minimum 512Mi exactly at 1Gi', 1 * GIB, { [K.heapMax]: '256m', [K.pageCache]: '256m' }, 3, []],
    ['heap-only counts no page cache (operator rule)', 4 * GIB, { [K.heapMax]: '2.5g' }, 3, []],
    ['3 servers at 1Gi', 1 * GIB, {}, 3, []],
    ['7 servers at 2Gi', 2 * GIB, {}, 7, []],
    [
      'heap+pagecache over the limit',
      2 * GIB,
      { [K.heapMax]: '4g', [K.pageCache]: '2g' },
      3,
      [overheadMessage('4.0Gi', '2.0Gi', '2.0Gi')],
    ],
    [
      'one MiB over with 25% overhead',
      4 * GIB,
      { [K.heapMax]: '2g', [K.pageCache]: '1025m' },
      3,
      [overheadMessage('2.0Gi', '1.0Gi', '4.0Gi')],
    ],
    [
      'one MiB over with the 512Mi overhead floor',
      1 * GIB,
      { [K.heapMax]: '257m', [K.pageCache]: '256m' },
      3,
      [overheadMessage('257.0Mi', '256.0Mi', '1.0Gi')],
    ],
    [
      'page-cache-only override counts the computed heap',
      4 * GIB,
      { [K.pageCache]: '2g' },
      3,
      [overheadMessage('2.0Gi', '2.0Gi', '4.0Gi')],
    ],
    [
      'transaction total above the heap',
      8 * GIB,
      { [K.heapMax]: '2g', [K.txTotalMax]: '3g' },
      3,
      ['transaction memory (3.0Gi) cannot exceed heap size (2.0Gi)'],
    ],
    [
      'transaction total above the computed heap',
      2 * GIB,
      { [K.txTotalMax]: '1500m' },
      3,
      ['transaction memory (1.5Gi) cannot exceed heap size (1.0Gi)'],
    ],
    ['heap below 256Mi', 4 * GIB, { [K.heapMax]: '128m' }, 3, ['heap size must be at least 256.0Mi']],
    [
      'page cache below 128Mi',
      4 * GIB,
      { [K.heapMax]: '1g', [K.pageCache]: '64m' },
      3,
      ['page cache size must be at least 128.0Mi'],
    ],
    [
      'initial heap above max heap',
      8 * GIB,
      { [K.heapMax]: '1g', [K.heapInitial]: '2g' },
      3,
      ['server.memory.heap.initial_size (2.0Gi) cannot exceed server.memory.heap.max_size (1.0Gi)'],
    ],
    [
      'limit below 1Gi',
      512 * MIB,
      {},
      3,
      [
        'Neo4j Enterprise requires at least 1.0Gi of memory',
        'Memory allocation is below minimum operational requirement. Current: 512.0Mi, Required minimum: 1.0Gi',
      ],
    ],
    [
      'more than 3 servers below 2Gi',
      1.5 * GIB,
      {},
      4,
      ['insufficient memory for cluster size (4 servers). Current: 1.5Gi, Required minimum: 2.0Gi'],
    ],
    [
      'limit below 1Gi with 5 servers',
      512 * MIB,
      {},
      5,
      [
        'Neo4j Enterprise requires at least 1.0Gi of memory',
        'Memory allocation is below minimum operational requirement. Current: 512.0Mi, Required minimum: 1.0Gi',
        'insufficient memory for cluster size (5 servers). Current: 512.0Mi, Required minimum: 2.0Gi',
      ],
    ],
    [
      'floor checks are skipped once a setting failed',
      512 * MIB,
      { [K.heapMax]: '1g' },
      5,
      [overheadMessage('1.0Gi', '0b', '512.0Mi')],
    ],
  ])('%s', (_name, limit, config, servers, errors) => {
    expect(validateMemory(limit, config, servers).errors).toEqual(errors);
  });

  it.each<[string, string]>([
    [K.heapMax, 'lots'],
    [K.heapInitial, '1 g'],
    [K.pageCache, '-1g'],
    [K.txTotalMax, '2x'],
    [K.txMax, 'big'],
    [K.txPerDatabase, '1t'],
  ])('rejects an unparsable %s', (key, value) => {
    expect(validateMemory(4 * GIB, { [key]: value }, 3).errors).toEqual([
      `invalid memory format for ${key}: "${value}" (expected bytes or a number with k, m or g, e.g. 512m, 2g, 1Gi)`,
    ]);
  });

  it('stops at invalid formats without size checks', () => {
    const { errors } = validateMemory(512 * MIB, { [K.heapMax]: 'lots', [K.pageCache]: '10g' }, 5);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^invalid memory format for server.memory.heap.max_size/);
  });

  it('reports nothing without a limit, but warns that settings go unchecked', () => {
    for (const limit of [undefined, 0]) {
      expect(validateMemory(limit, {}, 5)).toEqual({ errors: [], warnings: [] });
      expect(validateMemory(limit, { [K.heapMax]: '64g', [K.pageCache]: 'lots' }, 5)).toEqual({
        errors: [],
        warnings: [
          'memory settings (server.memory.heap.max_size, server.memory.pagecache.size) are not checked against ' +
            'the container because spec.resources.limits.memory is not set',
        ],
      });
    }
  });

  it('warns when an initial heap is ignored or differs from the max heap', () => {
    expect(validateMemory(8 * GIB, { [K.heapInitial]: '1g' }, 3)).toEqual({
      errors: [],
      warnings: [
        'server.memory.heap.initial_size is ignored because server.memory.heap.max_size is not set: ' +
          'the initial heap is set to the computed maximum heap (5G)',
      ],
    });
    expect(validateMemory(8 * GIB, { [K.heapInitial]: '1g', [K.heapMax]: '2g' }, 3).warnings).toEqual([
      'server.memory.heap.initial_size (1g) is smaller than server.memory.heap.max_size (2g); ' +
        'Neo4j recommends setting them equal to avoid garbage-collection pauses from heap resizing',
    ]);
    expect(validateMemory(8 * GIB, { [K.heapInitial]: '2048m', [K.heapMax]: '2g' }, 3).warnings).toEqual([]);
  });
});
