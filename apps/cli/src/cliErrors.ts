/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line itself is wrong: a missing or malformed argument (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A refusal decided before the request reaches the API, e.g. a role name no role has. It carries the
 * code the API would give, so scripts read one vocabulary (exit 1).
 */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** What a refused API token means, and what to do about it. */
export const TOKEN_REFUSED_MESSAGE =
  'The API token was not accepted: it is unknown, revoked or expired, or its user is no longer active. ' +
  'Create a new one in Admin › API tokens and set ROSTER_TOKEN.';
