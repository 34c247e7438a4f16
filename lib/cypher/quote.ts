/**
 * Cypher literals and identifiers built from untrusted text. Everything the hooks put into a
 * Cypher script goes through here, so a value can never end its literal, start a new statement or
 * a comment, or change where cypher-shell cuts the script into statements:
 *
 * - identifiers are backtick-quoted with every backtick doubled; a backslash is refused, because
 *   cypher-shell's statement splitter treats `\` as an escape even inside backticks while Cypher
 *   does not (the two would disagree about where the identifier ends);
 * - strings are single-quoted; `\` and `'` are backslash-escaped, line breaks and tabs use the
 *   named escapes, and `;`, every other control character and the Unicode line separators become
 *   `\uXXXX` escapes. The literal therefore holds no raw statement separator or line break, and it
 *   decodes to exactly the input (Cypher resolves these escapes inside string literals).
 */

/** Thrown when a value cannot be represented as the Cypher literal asked for. */
export class CypherValueError extends Error {
  override readonly name = 'CypherValueError';
}

/** A name Cypher accepts without quoting. Map keys matching it stay bare, for readable scripts. */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/u;

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Everything {@link quoteString} rewrites. */
const ESCAPED = /[\\'\u0000-\u001f\u007f-\u009f\u2028\u2029;]/gu;

function escapeChar(ch: string): string {
  return NAMED_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A backtick-quoted identifier (`` `a``b` `` for a`b).
 *
 * @throws CypherValueError for an empty name, or one holding NUL or a backslash.
 */
export function quoteIdentifier(name: string): string {
  if (name === '' || /[\u0000\\]/u.test(name)) {
    throw new CypherValueError(`${JSON.stringify(name)} cannot be used as a Cypher identifier in a cypher-shell script`);
  }
  return `\`${name.replace(/`/gu, '``')}\``;
}

/** A map key: bare when it is a plain identifier, else backtick-quoted. */
export function mapKey(key: string): string {
  return PLAIN_IDENTIFIER.test(key) ? key : quoteIdentifier(key);
}

/** A single-quoted Cypher string literal that decodes to exactly `value` (see the module comment). */
export function quoteString(value: string): string {
  return `'${value.replace(ESCAPED, escapeChar)}'`;
}

/** Largest Cypher integer (a Java long). */
export const MAX_CYPHER_INTEGER = 2n ** 63n - 1n;

/**
 * An integer literal from non-negative decimal digits, exact beyond JavaScript's 2^53 (transaction
 * ids go up to 2^63-1).
 *
 * @throws CypherValueError for anything but digits, or a value above {@link MAX_CYPHER_INTEGER}.
 */
export function integerLiteral(digits: string): string {
  if (!/^\d+$/u.test(digits)) throw new CypherValueError(`${JSON.stringify(digits)} is not a non-negative integer`);
  const value = BigInt(digits);
  if (value > MAX_CYPHER_INTEGER) throw new CypherValueError(`${digits} exceeds the largest Cypher integer ${MAX_CYPHER_INTEGER}`);
  return value.toString();
}

/** `{k1: v1, k2: v2}` from already rendered values, in the given order. */
export function cypherMap(entries: ReadonlyArray<readonly [key: string, literal: string]>): string {
  return `{${entries.map(([key, literal]) => `${mapKey(key)}: ${literal}`).join(', ')}}`;
}
