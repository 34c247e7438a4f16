/**
 * Go `time.ParseDuration` syntax, as used by cert-manager, External Secrets and the operator's
 * timeouts: one or more `<number><unit>` terms (`2160h`, `1h30m`, `1.5h`, `300ms`), units `ns`,
 * `us` (or `µs`/`μs`), `ms`, `s`, `m`, `h`. There is no `d`: `90d` is not a duration.
 */

const SECOND = 1_000_000_000n;
// A Map: the unit looked up is the user's text, and `toString` or `constructor` must not be found.
const UNIT_NANOS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', SECOND],
  ['m', 60n * SECOND],
  ['h', 3600n * SECOND],
]);
/** Go durations are int64 nanoseconds. */
const MAX_NANOS = 2n ** 63n - 1n;
const TERM = /^(\d*)(?:\.(\d*))?([^0-9.]*)/u;

/** Go's parse, to the nanosecond, or undefined; the sign is returned separately. */
function parseNanos(s: string): { negative: boolean; nanos: bigint } | undefined {
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  // Go's one unit-less special case: a bare zero.
  if (rest === '0') return { negative, nanos: 0n };
  if (rest === '') return undefined;
  let nanos = 0n;
  while (rest !== '') {
    const match = TERM.exec(rest);
    if (!match) return undefined;
    const [term = '', whole = '', fraction, unit = ''] = match;
    // `.5s` and `1.s` are valid Go; a lone `.` is not.
    if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
    const unitNanos = UNIT_NANOS.get(unit);
    if (unitNanos === undefined) return undefined;
    nanos += BigInt(whole || '0') * unitNanos;
    if (fraction) nanos += (BigInt(fraction) * unitNanos) / 10n ** BigInt(fraction.length);
    if (nanos > MAX_NANOS + 1n) return undefined;
    rest = rest.slice(term.length);
  }
  if (nanos > (negative ? MAX_NANOS + 1n : MAX_NANOS)) return undefined;
  return { negative, nanos };
}

/**
 * Parses a Go duration into milliseconds (fractional below 1 ms: `300us` → 0.3). Returns undefined
 * when `s` is not Go duration syntax (`90d`, `1 h`, `1`, `''`), overflows Go's int64 nanoseconds,
 * or is negative (`-1h`): no field validated here accepts a negative duration. `0`, `-0s` and
 * `+5s` are accepted, as in Go. Never throws.
 */
export function parseGoDuration(s: string): number | undefined {
  const parsed = parseNanos(s);
  if (!parsed || (parsed.negative && parsed.nanos > 0n)) return undefined;
  return Number(parsed.nanos) / 1e6;
}

/** Whether `s` is a non-negative Go duration, i.e. {@link parseGoDuration} accepts it. */
export function isGoDuration(s: string): boolean {
  return parseGoDuration(s) !== undefined;
}
