/**
 * Cypher quoting and script building: hostile names and values stay inert. Two small models back
 * the checks: a decoder of Cypher string literals (the escapes the Cypher Manual lists), and a
 * statement splitter with cypher-shell's documented behaviour (statements end at `;` outside
 * quotes and comments; a backslash escapes the next character).
 */
import { describe, expect, it } from 'vitest';
import { CypherValueError, cypherMap, integerLiteral, mapKey, MAX_CYPHER_INTEGER, quoteIdentifier, quoteString } from '../../lib/cypher/quote.js';
import { cypherScript } from '../../lib/cypher/script.js';
import { alterTopologyStatement, createDatabaseStatement, dropDatabaseStatement, topologyClause } from '../../lib/database/statements.js';

const HOSTILE = [
  "'; DROP DATABASE x; //",
  "x'}) WAIT; DROP DATABASE neo4j; //",
  '$(rm -rf /)',
  '`whoami`',
  '"; echo pwned; "',
  'line1\nDROP DATABASE y\n// tail',
  'back\\slash\\',
  "\\'; DROP DATABASE z; //",
  '\\u0027; DROP DATABASE u; //',
  '/* open comment',
  '// line comment',
  'tab\there\r\nand\u0000nul\u2028sep\u0085nel',
  ':exit',
  '',
];

/** Decodes the body of a single-quoted Cypher string literal. */
function decodeCypherString(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "'") throw new Error(`raw quote inside literal at ${i}: ${literal}`);
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
    if (next !== undefined && next in simple) out += simple[next];
    else if (next === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error(`bad escape \\${next} in ${literal}`);
  }
  return out;
}

/** Splits a script as cypher-shell does: `;` ends a statement outside quotes and comments; `\` escapes the next character. */
function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | undefined;
  let comment: 'line' | 'block' | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    const pair = script.slice(i, i + 2);
    current += ch;
    if (comment === 'line') {
      if (ch === '\n') comment = undefined;
    } else if (comment === 'block') {
      if (pair === '*/') {
        current += '/';
        i++;
        comment = undefined;
      }
    } else if (ch === '\\') {
      current += script[i + 1] ?? '';
      i++;
    } else if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === ';') {
      statements.push(current.slice(0, -1).trim());
      current = '';
    } else if (pair === '//') comment = 'line';
    else if (pair === '/*') comment = 'block';
    else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}

/** A deterministic pseudo-random generator (mulberry32), so the property runs are reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', "'", '"', '`', '\\', ';', '/', '*', '\n', '\r', '\t', '$', '(', ')', '{', '}', ':', '\u0000', '\u2028', 'é', '💥', 'u', '0', '2', '7'];

describe('quoteIdentifier', () => {
  it('backtick-quotes and doubles backticks', () => {
    expect(quoteIdentifier('orders')).toBe('`orders`');
    expect(quoteIdentifier('main-db.v1')).toBe('`main-db.v1`');
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
    expect(quoteIdentifier('`; DROP DATABASE x; //')).toBe('```; DROP DATABASE x; //`');
  });

  it('refuses names cypher-shell would cut differently from Cypher: empty, NUL, backslash', () => {
    for (const name of ['', 'a\u0000b', 'a\\', 'a\\`b']) expect(() => quoteIdentifier(name), JSON.stringify(name)).toThrow(CypherValueError);
  });

  it('keeps a quoted identifier one statement for the splitter', () => {
    const statement = `CREATE DATABASE ${quoteIdentifier('x`; DROP DATABASE y; //')} WAIT`;
    expect(splitStatements(`${statement};`)).toEqual([statement]);
  });

  it('leaves plain map keys bare and quotes the rest', () => {
    expect(mapKey('seedURI')).toBe('seedURI');
    expect(mapKey('a-b')).toBe('`a-b`');
    expect(cypherMap([['seedURI', quoteString('s3://b/x')], ['a b', '1']])).toBe("{seedURI: 's3://b/x', `a b`: 1}");
  });
});

describe('quoteString', () => {
  it('escapes backslash and quote, names line breaks, and writes ; and other controls as \\u escapes', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString('a;b')).toBe("'a\\u003Bb'");
    expect(quoteString('l1\nl2\r\t')).toBe("'l1\\nl2\\r\\t'");
    expect(quoteString('\u0000\u0085\u2028')).toBe("'\\u0000\\u0085\\u2028'");
    expect(quoteString('"`$(x)')).toBe('\'"`$(x)\'');
  });

  for (const value of HOSTILE) {
    it(`keeps ${JSON.stringify(value)} inert`, () => {
      const literal = quoteString(value);
      expect(decodeCypherString(literal)).toBe(value);
      expect(literal).not.toMatch(/[\n\r;\u2028\u2029]/u);
      const statement = `CREATE DATABASE \`x\` OPTIONS {seedURI: ${literal}} WAIT`;
      expect(splitStatements(cypherScript([statement]))).toEqual([statement]);
    });
  }

  it('round-trips and stays one statement for 2000 random strings (property)', () => {
    const next = random(20260101);
    for (let run = 0; run < 2000; run++) {
      const length = Math.floor(next() * 24);
      let value = '';
      for (let i = 0; i < length; i++) value += ALPHABET[Math.floor(next() * ALPHABET.length)];
      const literal = quoteString(value);
      expect(decodeCypherString(literal), JSON.stringify(value)).toBe(value);
      const statement = createDatabaseStatement({ name: 'x', ifNotExists: true, wait: true, options: [['seedURI', literal], ['seedConfig', quoteString(value)]] });
      expect(splitStatements(cypherScript([statement])), JSON.stringify(value)).toEqual([statement]);
    }
  });
});

describe('integerLiteral', () => {
  it('writes exact integers up to 2^63-1', () => {
    expect(integerLiteral('0')).toBe('0');
    expect(integerLiteral('007')).toBe('7');
    expect(integerLiteral('9223372036854775807')).toBe(MAX_CYPHER_INTEGER.toString());
  });

  it('refuses overflow and anything but digits', () => {
    for (const text of ['9223372036854775808', '-1', '1e3', '12; DROP DATABASE x', '', ' 1']) {
      expect(() => integerLiteral(text), text).toThrow(CypherValueError);
    }
  });
});

describe('cypherScript', () => {
  it('ends every statement with ; on its own line, drops one trailing ; and blank statements', () => {
    expect(cypherScript(['RETURN 1', 'RETURN 2;', '  ', 'RETURN 3 ;  '])).toBe('RETURN 1\n;\nRETURN 2\n;\nRETURN 3\n;\n');
  });

  it('cannot let a trailing line comment swallow the terminator', () => {
    const script = cypherScript(['CREATE (n) // note', 'CREATE (m)']);
    expect(splitStatements(script)).toEqual(['CREATE (n) // note', 'CREATE (m)']);
  });

  it('is empty for no statements', () => {
    expect(cypherScript([])).toBe('');
  });
});

describe('database statements', () => {
  it('uses singular and plural counts and leaves zero secondaries out of CREATE', () => {
    expect(topologyClause({ primaries: 1, secondaries: 0 }, 'omit')).toBe('TOPOLOGY 1 PRIMARY');
    expect(topologyClause({ primaries: 3, secondaries: 1 }, 'omit')).toBe('TOPOLOGY 3 PRIMARIES 1 SECONDARY');
    expect(topologyClause({ primaries: 2, secondaries: 2 }, 'omit')).toBe('TOPOLOGY 2 PRIMARIES 2 SECONDARIES');
    expect(topologyClause({ primaries: 2, secondaries: 0 }, 'explicit')).toBe('TOPOLOGY 2 PRIMARIES 0 SECONDARIES');
  });

  it('orders CREATE clauses as the documented grammar does', () => {
    expect(
      createDatabaseStatement({
        name: 'sales',
        ifNotExists: true,
        wait: true,
        defaultLanguage: '25',
        topology: { primaries: 2, secondaries: 1 },
        options: [
          ['existingData', quoteString('use')],
          ['seedURI', quoteString('s3://b/sales.backup')],
          ['seedRestoreUntil', 'datetime(\'2025-01-15T10:30:00Z\')'],
        ],
      }),
    ).toBe(
      "CREATE DATABASE `sales` IF NOT EXISTS DEFAULT LANGUAGE CYPHER 25 TOPOLOGY 2 PRIMARIES 1 SECONDARY OPTIONS {existingData: 'use', seedURI: 's3://b/sales.backup', seedRestoreUntil: datetime('2025-01-15T10:30:00Z')} WAIT",
    );
    expect(createDatabaseStatement({ name: 'a-b', ifNotExists: false, wait: false, options: [] })).toBe('CREATE DATABASE `a-b` NOWAIT');
  });

  it('writes ALTER with an explicit topology and DROP with IF EXISTS', () => {
    expect(alterTopologyStatement('orders', { primaries: 3, secondaries: 0 }, true)).toBe('ALTER DATABASE `orders` SET TOPOLOGY 3 PRIMARIES 0 SECONDARIES WAIT');
    expect(dropDatabaseStatement('orders', false)).toBe('DROP DATABASE `orders` IF EXISTS NOWAIT');
  });
});
