/**
 * Kubernetes resource quantities and Neo4j memory setting strings, parsed into plain numbers.
 *
 * Arithmetic is done on exact rationals (BigInt) so that decimal suffixes stay exact
 * (`1.1G` is 1 100 000 000, not 1 100 000 000.0000002) before the single final conversion to a
 * JavaScript number.
 */

/** One kibibyte (1024 bytes). */
export const KIB = 1024;
/** One mebibyte (1024² bytes). */
export const MIB = 1024 * KIB;
/** One gibibyte (1024³ bytes). */
export const GIB = 1024 * MIB;

/** Thrown for a quantity that is not valid Kubernetes quantity syntax or is out of range. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';

  /** The input that failed to parse, as given. */
  readonly input: string | number;

  constructor(input: string | number, message: string) {
    super(message);
    this.input = input;
  }
}

/** An exact non-reduced rational `num / den` with `den > 0`. */
interface Rational {
  num: bigint;
  den: bigint;
}

// Maps: the suffix looked up is the user's text, and `toString` or `constructor` must not be found.
const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 1],
  ['Mi', 2],
  ['Gi', 3],
  ['Ti', 4],
  ['Pi', 5],
  ['Ei', 6],
]);
const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

const NUMBER_AND_SUFFIX = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/;
const EXPONENT_SUFFIX = /^[eE]([+-]?\d+)$/;
const SYNTAX_HINT =
  'expected a number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E) or exponent, e.g. 512Mi, 1.5Gi, 1000m, 1e3';

/** Splits unsigned decimal digits such as `1.50` into an integer mantissa and a power of ten. */
function decimalToRational(digits: string): Rational {
  const [whole = '', fraction = ''] = digits.split('.');
  const mantissa = BigInt((whole + fraction) || '0');
  return { num: mantissa, den: 10n ** BigInt(fraction.length) };
}

function scaleByPower(r: Rational, base: bigint, exponent: number): Rational {
  return exponent >= 0
    ? { num: r.num * base ** BigInt(exponent), den: r.den }
    : { num: r.num, den: r.den * base ** BigInt(-exponent) };
}

function toNumber(r: Rational): number {
  const g = gcd(r.num < 0n ? -r.num : r.num, r.den);
  const num = g === 0n ? r.num : r.num / g;
  const den = g === 0n ? r.den : r.den / g;
  return den === 1n ? Number(num) : Number(num) / Number(den);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den > 0n ? q + 1n : q;
}

function parseRational(q: string | number): Rational {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(q, `invalid quantity ${String(q)}: not a finite number`);
    // String() of a finite number is always plain or exponent notation, both valid quantity syntax.
    return parseRational(String(q));
  }
  const text = q.trim();
  if (text === '') throw new QuantityError(q, 'invalid quantity "": the quantity is empty');
  const match = NUMBER_AND_SUFFIX.exec(text);
  if (!match) throw new QuantityError(q, `invalid quantity "${q}": ${SYNTAX_HINT}`);
  const [, sign = '', digits = '', suffix = ''] = match;
  let value = decimalToRational(digits);
  if (sign === '-') value = { num: -value.num, den: value.den };

  const binary = BINARY_SUFFIXES.get(suffix);
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  const exponent = EXPONENT_SUFFIX.exec(suffix)?.[1];
  if (binary !== undefined) return scaleByPower(value, 1024n, binary);
  if (decimal !== undefined) return scaleByPower(value, 10n, decimal);
  if (exponent !== undefined) {
    const power = Number(exponent);
    if (Math.abs(power) > 1000) throw new QuantityError(q, `invalid quantity "${q}": exponent out of range`);
    return scaleByPower(value, 10n, power);
  }
  throw new QuantityError(q, `invalid quantity "${q}": unknown suffix "${suffix}"; ${SYNTAX_HINT}`);
}

function finite(q: string | number, n: number): number {
  if (!Number.isFinite(n)) throw new QuantityError(q, `invalid quantity "${String(q)}": value out of range`);
  return n;
}

/**
 * Parses a Kubernetes quantity (`512Mi`, `1G`, `1000m`, `1.5Gi`, `1e3`, `0.5`, or a number) into its
 * value in base units (bytes, cores, …). Exact for every binary and decimal suffix whenever the
 * result is representable; may be fractional (`100m` → 0.1) or negative (`-1`). Surrounding
 * whitespace is ignored.
 *
 * @throws QuantityError for empty input, unknown suffixes, malformed numbers or out-of-range values.
 */
export function parseQuantity(q: string | number): number {
  return finite(q, toNumber(parseRational(q)));
}

function nonNegative(q: string | number, what: string): Rational {
  const r = parseRational(q);
  if (r.num < 0n) throw new QuantityError(q, `invalid ${what} quantity "${String(q)}": must not be negative`);
  return r;
}

/**
 * Parses a memory quantity into whole bytes, rounding a fractional byte count up exactly as
 * Kubernetes' `Quantity.Value()` does (`1m` → 1). `512Mi` → 536870912, `1G` → 1e9.
 *
 * @throws QuantityError for malformed or negative quantities.
 */
export function parseMemoryBytes(q: string | number): number {
  const r = nonNegative(q, 'memory');
  return finite(q, Number(ceilDiv(r.num, r.den)));
}

/**
 * Parses a CPU quantity into whole millicores, rounding up exactly as Kubernetes'
 * `Quantity.MilliValue()` does. `1000m` → 1000, `0.5` → 500, `2` → 2000.
 *
 * @throws QuantityError for malformed or negative quantities.
 */
export function parseCpuMillis(q: string | number): number {
  const r = nonNegative(q, 'cpu');
  return finite(q, Number(ceilDiv(r.num * 1000n, r.den)));
}

const NEO4J_MEMORY = /^(\d+(?:\.\d*)?|\.\d+)(?:([kmg])i?)?$/i;
const NEO4J_UNIT_POWER: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3 };

/**
 * Parses a neo4j.conf memory value into whole bytes, or `undefined` when it is not one.
 * Accepts plain bytes (`1048576`), `k`/`m`/`g` suffixes in any case with binary multiples
 * (`512m`, `1G`, `1024k`, `1.5g`), and the same suffixes in Kubernetes style (`1Gi`, `512Mi`).
 * Fractional byte counts are truncated, as the operator's Go parser does. Surrounding whitespace is
 * ignored; signs, exponents and other units are rejected.
 */
export function parseNeo4jMemory(s: string): number | undefined {
  const match = NEO4J_MEMORY.exec(s.trim());
  if (!match) return undefined;
  const [, digits = '', unit = ''] = match;
  const scaled = scaleByPower(decimalToRational(digits), 1024n, NEO4J_UNIT_POWER[unit.toLowerCase()] ?? 0);
  const bytes = Number(scaled.num / scaled.den);
  return Number.isFinite(bytes) ? bytes : undefined;
}

const CANONICAL_BINARY: Array<[string, bigint]> = [
  ['Ei', 1024n ** 6n],
  ['Pi', 1024n ** 5n],
  ['Ti', 1024n ** 4n],
  ['Gi', 1024n ** 3n],
  ['Mi', 1024n ** 2n],
  ['Ki', 1024n],
];
const CANONICAL_DECIMAL: Array<[string, bigint]> = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['k', 10n ** 3n],
];
const MILLI_FACTORS: Record<string, bigint> = {
  '': 1000n,
  m: 1n,
  ...Object.fromEntries([...CANONICAL_BINARY, ...CANONICAL_DECIMAL].map(([s, f]) => [s, f * 1000n])),
};

/**
 * The canonical form the API server stores for a quantity (`1000m` → `1`, `0.5Gi` → `512Mi`,
 * `2000` → `2k`): the largest suffix of the input's family (binary or decimal) with an integral
 * mantissa, falling back to milli-units. Emitting this form keeps Metacontroller from seeing a
 * difference, and writing, on every sync. Values finer than a milli-unit round up, as Kubernetes
 * does. Inputs in exponent notation or otherwise unusual are returned unchanged.
 */
export function canonicalQuantity(q: string | number): string {
  const text = String(q).trim();
  const match = /^([+]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/u.exec(text);
  if (!match) return text;
  const [, , number = '0', suffix = ''] = match;
  const [whole = '0', fraction = ''] = number.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(`${whole}${fraction}` || '0') * MILLI_FACTORS[suffix]!;
  const millis = (numerator + scale - 1n) / scale;
  if (millis === 0n) return '0';
  if (millis % 1000n !== 0n) return `${millis}m`;
  const units = millis / 1000n;
  const family = suffix.endsWith('i') ? CANONICAL_BINARY : CANONICAL_DECIMAL;
  for (const [name, factor] of family) if (units % factor === 0n) return `${units / factor}${name}`;
  return String(units);
}

/** Container resources with every limit and request in canonical form (see {@link canonicalQuantity}). */
export function canonicalResources<T extends { limits?: Record<string, string | number>; requests?: Record<string, string | number> }>(resources: T): T {
  const canon = (map: Record<string, string | number> | undefined) =>
    map === undefined ? undefined : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, canonicalQuantity(v)]));
  const out: T = { ...resources };
  if (resources.limits) out.limits = canon(resources.limits);
  if (resources.requests) out.requests = canon(resources.requests);
  return out;
}
