import { safeParse, type z } from 'zod';
import { CallsightError } from './errors';

/** One problem with an input: where (`a.b.0`, `(root)` for the whole value) and what. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** The problems zod found, with their paths joined by dots. */
export function inputIssues(error: z.core.$ZodError): InputIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.length > 0 ? issue.path.join('.') : '(root)', message: issue.message }));
}

/** The problems as one line: `limit: Too big; cursor: Required`. Never carries the rejected values. */
export function describeIssues(error: z.core.$ZodError): string {
  return inputIssues(error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
}

/** A VALIDATION_FAILED error naming every problem (`<what>: <issues>.`), with the issues in `details.issues`. */
export function validationError(what: string, error: z.core.$ZodError): CallsightError {
  return new CallsightError('VALIDATION_FAILED', `${what}: ${describeIssues(error)}.`, { details: { issues: inputIssues(error) } });
}

/**
 * Parses `value` with `schema` (classic or mini zod), or throws VALIDATION_FAILED naming every problem. `what` starts the message
 * ("Invalid query", "Legal hold rejected"), so the same input gets the same error from HTTP and from the CLI.
 */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = safeParse(schema, value);
  if (!parsed.success) throw validationError(what, parsed.error);
  return parsed.data;
}
