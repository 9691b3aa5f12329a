/**
 * A mistake of the user's (a missing file, a bad flag, a query DuckDB refused), as opposed to a bug
 * of ours. Its message is complete and names the place (a path, `file:line:col`, a cell); the CLI
 * prints it as-is, never with a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Where it happened, when known: a path, `file:line:col`, `topic/partition/offset`. */
    readonly place?: string,
  ) {
    super(place ? `${place}: ${message}` : message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
