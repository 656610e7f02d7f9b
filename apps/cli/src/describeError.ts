import { rosterErrorCode, TRPCClientError } from '@roster/client';
import { EXIT, type ExitCode, RefusedError, TOKEN_REFUSED_MESSAGE, UsageError } from './cliErrors';

export type ErrorReport = { code: string; message: string; exitCode: ExitCode };

/**
 * Why a request never got an answer: the system error code (ECONNREFUSED, ENOTFOUND, …) in the
 * error's chain of causes, else the innermost message (fetch's own "fetch failed" says nothing).
 */
function networkFailure(error: unknown): string | undefined {
  let innermost: string | undefined;
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if ('code' in cause && typeof cause.code === 'string') return cause.code;
    innermost = cause.message;
    cause = cause.cause;
  }
  return innermost;
}

/** What to tell the person (or script) about an error, and the exit code it means. */
export function describeError(error: unknown, serverUrl: string | undefined): ErrorReport {
  if (error instanceof UsageError) return { code: 'usage', message: error.message, exitCode: EXIT.usage };
  if (error instanceof RefusedError)
    return { code: error.code, message: error.message, exitCode: EXIT.failed };
  if (error instanceof TRPCClientError) {
    const code = rosterErrorCode(error);
    if (code === 'not_signed_in') return { code, message: TOKEN_REFUSED_MESSAGE, exitCode: EXIT.failed };
    if (code) return { code, message: error.message, exitCode: EXIT.failed };
    // fetch rejects with a TypeError when no answer came (refused, unknown host, blocked port).
    if (error.cause instanceof TypeError) return unreachable(error.cause, serverUrl);
    return {
      code: 'unexpected_response',
      message: `The server at ${serverUrl ?? 'ROSTER_URL'} did not answer as a Roster API does: ${error.message}`,
      exitCode: EXIT.failed,
    };
  }
  // The same, from a plain fetch (the users export's stream).
  if (error instanceof TypeError && error.message === 'fetch failed') return unreachable(error, serverUrl);
  return {
    code: 'unexpected_error',
    message: error instanceof Error ? error.message : String(error),
    exitCode: EXIT.failed,
  };
}

function unreachable(failure: TypeError, serverUrl: string | undefined): ErrorReport {
  return {
    code: 'unreachable',
    message: `Cannot reach the Roster server at ${serverUrl ?? 'ROSTER_URL'} (${networkFailure(failure)}). Check ROSTER_URL and that the server is running.`,
    exitCode: EXIT.failed,
  };
}
