/**
 * The administration commands a Neo4jDatabase runs on the `system` database, in the grammar of the
 * Operations Manual (database-administration/syntax.adoc):
 *
 *   CREATE DATABASE name [IF NOT EXISTS] [DEFAULT LANGUAGE CYPHER {5|25}]
 *     [TOPOLOGY n PRIMAR{Y|IES} [m SECONDAR{Y|IES}]] [OPTIONS {…}] [WAIT|NOWAIT]
 *   ALTER DATABASE name SET TOPOLOGY n PRIMAR{Y|IES} [m SECONDAR{Y|IES}] [WAIT|NOWAIT]
 *   DROP DATABASE name [IF EXISTS] [WAIT|NOWAIT]
 *
 * `DEFAULT LANGUAGE` exists from Neo4j 2025.06; the clause order above is valid in Cypher 5 and
 * Cypher 25 alike (Cypher 25 only adds an optional `SET`). Names and values arrive validated and
 * are still quoted here (lib/cypher/quote.ts), so no input can change a statement's shape.
 */
import { cypherMap, quoteIdentifier } from '../cypher/quote.js';
import type { Topology } from './names.js';

/** Inputs of {@link createDatabaseStatement}. */
export interface CreateDatabase {
  name: string;
  ifNotExists: boolean;
  wait: boolean;
  /** Only for targets that support it (2025.06+). */
  defaultLanguage?: '5' | '25';
  /** Only for cluster targets. */
  topology?: Topology;
  /** OPTIONS entries with values already rendered as Cypher literals, in output order. */
  options: ReadonlyArray<readonly [string, string]>;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * `TOPOLOGY 3 PRIMARIES 1 SECONDARY`. Zero secondaries are left out of CREATE (the documented
 * form) and spelled out for ALTER, where the new topology must say that it has none.
 */
export function topologyClause(t: Topology, zeroSecondaries: 'omit' | 'explicit'): string {
  const secondaries = t.secondaries > 0 || zeroSecondaries === 'explicit' ? ` ${count(t.secondaries, 'SECONDARY', 'SECONDARIES')}` : '';
  return `TOPOLOGY ${count(t.primaries, 'PRIMARY', 'PRIMARIES')}${secondaries}`;
}

function waitClause(wait: boolean): string {
  return wait ? 'WAIT' : 'NOWAIT';
}

/** The CREATE DATABASE command. */
export function createDatabaseStatement(c: CreateDatabase): string {
  return [
    'CREATE DATABASE',
    quoteIdentifier(c.name),
    ...(c.ifNotExists ? ['IF NOT EXISTS'] : []),
    ...(c.defaultLanguage ? [`DEFAULT LANGUAGE CYPHER ${c.defaultLanguage}`] : []),
    ...(c.topology ? [topologyClause(c.topology, 'omit')] : []),
    ...(c.options.length > 0 ? [`OPTIONS ${cypherMap(c.options)}`] : []),
    waitClause(c.wait),
  ].join(' ');
}

/** The ALTER DATABASE … SET TOPOLOGY command (fails when the database does not exist). */
export function alterTopologyStatement(name: string, topology: Topology, wait: boolean): string {
  return `ALTER DATABASE ${quoteIdentifier(name)} SET ${topologyClause(topology, 'explicit')} ${waitClause(wait)}`;
}

/** The DROP DATABASE command; IF EXISTS makes a repeated drop succeed. */
export function dropDatabaseStatement(name: string, wait: boolean): string {
  return `DROP DATABASE ${quoteIdentifier(name)} IF EXISTS ${waitClause(wait)}`;
}
