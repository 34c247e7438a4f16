/**
 * cypher-shell scripts from statements: every statement ends with `;` on a line of its own, so a
 * trailing `//` comment in a user's statement cannot swallow the terminator, and one statement
 * can never run into the next.
 */

/** One statement as a script line: surrounding white space and one trailing `;` are dropped. */
function normalise(statement: string): string {
  return statement.trim().replace(/;\s*$/u, '').trimEnd();
}

/**
 * The script running `statements` in order, one auto-committed transaction each (cypher-shell's
 * `--file` mode stops at the first failure). Blank statements are skipped.
 */
export function cypherScript(statements: readonly string[]): string {
  return statements
    .map(normalise)
    .filter((s) => s !== '')
    .map((s) => `${s}\n;\n`)
    .join('');
}
