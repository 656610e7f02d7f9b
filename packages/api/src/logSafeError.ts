/**
 * What the log keeps of an error: its type, a message without data, the database's error code and
 * the stack frames. Drizzle wraps a driver error as "Failed query: <sql>\nparams: <values>" — the
 * values are session-token hashes, password hashes, names — so a failed query is logged by its
 * first words only; a driver error's `detail` (which quotes the offending row) is never logged.
 */
export type LogSafeError = {
  type: string;
  message: string;
  code?: string;
  /** The stack frames, without the message the stack starts with. */
  stack: string;
  cause?: LogSafeError;
};

const QUERY_WORDS = 6;

/** The first words of a statement: enough to tell which query failed, too few to quote its values. */
function statementHead(statement: string): string {
  const words = statement.trim().split(/\s+/);
  const head = words.slice(0, QUERY_WORDS).join(' ').slice(0, 120);
  return words.length > QUERY_WORDS ? `${head} …` : head;
}

export function logSafeMessage(message: string): string {
  const failed = message.match(/^Failed query: ([\s\S]*?)(?:\nparams:[\s\S]*)?$/);
  if (failed) return `Failed query: ${statementHead(failed[1] ?? '')}`;
  // Whatever else carries parameters: keep what comes before them.
  const at = message.search(/\bparams:/i);
  const kept = (at >= 0 ? message.slice(0, at) : message).trim().slice(0, 500);
  // PostgreSQL quotes the value it refused at the end ('invalid input syntax for type uuid: "…"').
  return kept.replace(/: "[\s\S]*"$/, ': "[redacted]"');
}

function stackFrames(stack: string | undefined): string {
  // The stack starts with the message (the whole query and its values): keep the frames only.
  return (stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

function codeOf(error: Error): string | undefined {
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

export function logSafeError(error: unknown, depth = 0): LogSafeError {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: logSafeMessage(String(error)), stack: '' };
  }
  const code = codeOf(error);
  const cause = depth < 3 && error.cause !== undefined ? logSafeError(error.cause, depth + 1) : undefined;
  return {
    type: error.name || error.constructor.name,
    message: logSafeMessage(error.message),
    ...(code ? { code } : {}),
    stack: stackFrames(error.stack),
    ...(cause ? { cause } : {}),
  };
}
