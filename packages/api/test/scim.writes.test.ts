import { emailOutbox, invitations, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { runScimWrites } from '../src/scim/scimWrites';
import { useHarness } from './harness';

/** SCIM writes called as the server's routes call them, with the settings that change them. */
const h = useHarness({ admin: true, config: { scimInviteOnCreate: true } });

const caller = () => ({
  tokenId: '00000000-0000-7000-8000-000000000001',
  tokenName: 'Okta',
  actor: { id: h.admin.user.id, name: 'Admin' },
});

describe('a user created through SCIM with ROSTER_SCIM_INVITE', () => {
  it('is invited at once: a pending invitation and its e-mail, as the Invite operation sends', async () => {
    const { results } = await runScimWrites(
      { db: h.db, config: h.config, now: h.clock.now(), caller: caller(), baseUrl: 'http://x/scim/v2' },
      [
        { kind: 'create', resource: { userName: 'ada@example.com' } },
        { kind: 'create', resource: { userName: 'grace@example.com', active: false } },
      ],
      { atomic: false, label: 'POST /Bulk' },
    );
    expect(results.map((r) => r.ok && r.user.status)).toEqual(['invited', 'deactivated']);
    const [ada] = await h.db.select().from(users).where(eq(users.email, 'ada@example.com'));
    const pending = await h.db
      .select()
      .from(invitations)
      .where(eq(invitations.userId, ada?.id ?? ''));
    expect(pending.map((i) => i.status)).toEqual(['pending']);
    expect(await h.db.$count(emailOutbox, eq(emailOutbox.to, 'ada@example.com'))).toBe(1);
    expect(await h.db.$count(emailOutbox, eq(emailOutbox.to, 'grace@example.com'))).toBe(0);
  });
});
