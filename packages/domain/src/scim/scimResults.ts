import type { Change } from '../bulk/plan';
import { isCreation } from '../bulk/revert';

/** A user's result in a SCIM operation that later writes of the same user build on. */
export type ScimUserResult = {
  outcome: 'change' | 'skip';
  reason: string | null;
  before: Change;
  after: Change;
  /** The user's version once changed (what a revert compares). */
  version: number | null;
  email: string | null;
};

/** What one more write of a user does to the results of the operation recording it. */
export type ScimResultMerge =
  /** A result of its own, after the others. */
  | { kind: 'append' }
  /** Nothing new: the user's result already says it. */
  | { kind: 'keep' }
  /** The user's result becomes this one, where it stands. */
  | { kind: 'replace'; result: ScimUserResult };

/**
 * One result per user and operation, whatever the number of writes (an identity provider creates a
 * user, then patches it, within a minute, or in one /Bulk request), so that a revert gives back what
 * the operation did to each user at once: the fields as they were before its first change, provided
 * the user is still as its last change left them (the last version). A user created by the operation
 * stays a creation (nothing to give back). A skip adds nothing to a user who has a result; a refused
 * write (blocked, failed) is a result of its own, every time.
 */
export function mergeScimResult(
  earlier: ScimUserResult | undefined,
  later: { outcome: 'change' | 'skip' | 'blocked' | 'failed' } & Omit<ScimUserResult, 'outcome'>,
): ScimResultMerge {
  if (later.outcome === 'blocked' || later.outcome === 'failed' || earlier === undefined)
    return { kind: 'append' };
  if (later.outcome === 'skip') return { kind: 'keep' };
  const result: ScimUserResult = { ...later, outcome: 'change' };
  if (earlier.outcome === 'skip') return { kind: 'replace', result };
  const created = isCreation(earlier);
  return {
    kind: 'replace',
    result: {
      ...result,
      reason: created ? earlier.reason : later.reason,
      before: created ? {} : { ...later.before, ...earlier.before },
      after: { ...earlier.after, ...later.after },
    },
  };
}
