/**
 * The two failure classes a hook call can end in. The shell maps them to HTTP codes in one
 * place: a `RequestError` is the caller's fault (400); anything else is ours (500). Neither
 * ever becomes a 200, because Metacontroller deletes every child a 200 leaves out.
 */

/** The request envelope is unusable (no parent, wrong types, a parent of another kind). */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

/** The core produced a response that breaks the hook contract (a bug, never user input). */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}
