import { type Db, signInThrottle } from '@roster/db';
import { freeSignInFailures, recordSignInFailure, signInRetryAfterMs } from '@roster/domain';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';

/**
 * Counts an anonymous attempt (a sign-in, an invitation acceptance) as a failure of each of its
 * throttle rows for `address` before anything is checked, under the rows' locks, so attempts sent in
 * parallel cannot outrun the limit; a success then takes it back. Returns how long the attempt must
 * wait instead (0: admitted); a refused attempt writes nothing.
 */
export async function admitAttempt(
  db: Db,
  address: string,
  keys: readonly string[],
  now: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    // The rows in one order, in the insert and in the locks: attempts from one address queue on them
    // in that order whatever their e-mails, so they never deadlock.
    const ordered = [...keys].sort();
    await tx
      .insert(signInThrottle)
      .values(ordered.map((key) => ({ address, email: key, failures: 0, lastFailureAt: now })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(signInThrottle)
      .where(and(eq(signInThrottle.address, address), inArray(signInThrottle.email, ordered)))
      .orderBy(asc(signInThrottle.email))
      .for('update');
    const counted = (row: (typeof rows)[number]) => (row.failures > 0 ? row : undefined);
    const wait = Math.max(
      0,
      ...rows.map((row) => signInRetryAfterMs(counted(row), freeSignInFailures(row.email), now)),
    );
    if (wait > 0) return wait;
    for (const row of rows) {
      await tx
        .update(signInThrottle)
        .set(recordSignInFailure(counted(row), now))
        .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, row.email)));
    }
    return 0;
  });
}

/** Takes back the failure `admitAttempt` counted under `key` for an attempt that succeeded. */
export async function takeBackAttempt(db: Db, address: string, key: string): Promise<void> {
  await db
    .update(signInThrottle)
    .set({ failures: sql`greatest(${signInThrottle.failures} - 1, 0)` })
    .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, key)));
}
