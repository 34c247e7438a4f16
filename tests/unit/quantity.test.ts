import { describe, it, expect } from 'vitest';
import {
  canonicalQuantity,
  GIB,
  KIB,
  MIB,
  QuantityError,
  parseCpuMillis,
  parseMemoryBytes,
  parseNeo4jMemory,
  parseQuantity,
} from '../../lib/k8s/quantity.js';

describe('parseQuantity', () => {
  it.each<[string | number, number]>([
    ['512Mi', 512 * MIB],
    ['2Gi', 2 * GIB],
    ['1Ki', KIB],
    ['1Ti', 1024 * GIB],
    ['1Pi', 1024 ** 5],
    ['1Ei', 1024 ** 6],
    ['1.5Gi', 1_610_612_736],
    ['1G', 1_000_000_000],
    ['1k', 1000],
    ['1M', 1_000_000],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1000m', 1],
    ['100m', 0.1],
    ['250u', 0.00025],
    ['2n', 2e-9],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-1', 1.2],
    ['1e+2', 100],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.', 1],
    ['123456789', 123_456_789],
    ['+5', 5],
    ['-1Gi', -GIB],
    [' 2Gi ', 2 * GIB],
    [1024, 1024],
    [0.25, 0.25],
    [1e21, 1e21],
  ])('%j → %d', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it('keeps decimal suffixes exact where naive float multiplication would not', () => {
    expect(1.005 * 1e9).not.toBe(1_005_000_000);
    expect(parseQuantity('1.005G')).toBe(1_005_000_000);
    expect(parseQuantity('1.005k')).toBe(1005);
    expect(parseCpuMillis('1.005')).toBe(1005);
  });

  it.each<[string | number, RegExp]>([
    ['', /empty/],
    ['   ', /empty/],
    ['abc', /invalid quantity "abc"/],
    ['Gi', /invalid quantity "Gi"/],
    ['1Q', /unknown suffix "Q"/],
    ['1gi', /unknown suffix "gi"/],
    ['1.5.5', /unknown suffix/],
    ['1 Gi', /unknown suffix " Gi"/],
    ['1e', /unknown suffix "e"/],
    ['--1', /invalid quantity "--1"/],
    ['1e999999', /exponent out of range/],
    ['1e400', /out of range/],
    [Number.NaN, /not a finite number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
  ])('rejects %j', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    expect(() => parseQuantity(input)).toThrow(message);
  });

  it('records the offending input on the error', () => {
    try {
      parseQuantity('12Q');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QuantityError);
      expect((e as QuantityError).input).toBe('12Q');
      expect((e as QuantityError).name).toBe('QuantityError');
    }
  });
});

describe('parseMemoryBytes', () => {
  it.each<[string | number, number]>([
    ['512Mi', 536_870_912],
    ['1G', 1_000_000_000],
    ['1.5Gi', 1_610_612_736],
    ['1m', 1],
    ['1500m', 2],
    [1.5, 2],
    ['0', 0],
  ])('%j → %d bytes (rounded up like Quantity.Value)', (input, expected) => {
    expect(parseMemoryBytes(input)).toBe(expected);
  });

  it('rejects negative and malformed memory', () => {
    expect(() => parseMemoryBytes('-1Gi')).toThrow(/memory quantity "-1Gi": must not be negative/);
    expect(() => parseMemoryBytes('lots')).toThrow(QuantityError);
  });
});

describe('parseCpuMillis', () => {
  it.each<[string | number, number]>([
    ['1000m', 1000],
    ['500m', 500],
    ['0.5', 500],
    ['2', 2000],
    ['1.5', 1500],
    ['0.1', 100],
    ['0.0001', 1],
    ['250u', 1],
    [0.25, 250],
    [3, 3000],
  ])('%j → %d millicores', (input, expected) => {
    expect(parseCpuMillis(input)).toBe(expected);
  });

  it('rejects negative and malformed cpu', () => {
    expect(() => parseCpuMillis('-100m')).toThrow(/cpu quantity "-100m": must not be negative/);
    expect(() => parseCpuMillis('one')).toThrow(QuantityError);
  });
});

describe('parseNeo4jMemory', () => {
  it.each<[string, number]>([
    ['512m', 512 * MIB],
    ['512M', 512 * MIB],
    ['1g', GIB],
    ['2G', 2 * GIB],
    ['1024k', MIB],
    ['1024K', MIB],
    ['1.5g', 1.5 * GIB],
    ['716.8m', 751_619_276],
    ['0.5k', 512],
    ['1.1k', 1126],
    ['1048576', MIB],
    ['1.9', 1],
    ['1Gi', GIB],
    ['512Mi', 512 * MIB],
    ['64Ki', 64 * KIB],
    ['2GI', 2 * GIB],
    [' 2g ', 2 * GIB],
    ['0', 0],
  ])('%j → %d bytes', (input, expected) => {
    expect(parseNeo4jMemory(input)).toBe(expected);
  });

  it.each(['', 'abc', 'g', '-1g', '+1g', '1t', '1e3', '1gb', '1 g', '1.2.3m', '1Gib'])('rejects %j', (input) => {
    expect(parseNeo4jMemory(input)).toBeUndefined();
  });
});

describe('canonicalQuantity (the form the API server stores)', () => {
  it.each([
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['0.5', '500m'],
    ['500m', '500m'],
    ['4', '4'],
    ['2000', '2k'],
    ['2Gi', '2Gi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['1024Mi', '1Gi'],
    ['1000Ki', '1000Ki'],
    ['1G', '1G'],
    ['1500M', '1500M'],
    ['16Ti', '16Ti'],
    ['0', '0'],
    ['0.0001', '1m'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it('leaves forms it does not model unchanged', () => {
    expect(canonicalQuantity('1e3')).toBe('1e3');
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});
