import {
  accessLevel,
  type Db,
  idGenerator,
  moduleName,
  queryRows,
  rightName,
  sqlTime,
  sqlUuids,
} from '@roster/db';
import {
  CHANGE_EFFECTS,
  type Change,
  type ChangeEffect,
  changesAccess,
  changesProfile,
  MODULES,
  type UserOutcome,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import { hashToken, newSecretToken } from '../auth/secrets';
import type { ApiConfig } from '../config';
import { invitationEmail } from '../invitations/invitationEmail';
import { enumList, uuidList, wordList } from './sqlLists';

type Changed = Extract<UserOutcome, { outcome: 'change' }>;

export type ApplyContext = {
  operationId: string;
  actor: { id: string; name: string };
  now: Date;
  config: ApiConfig;
  emails: Map<string, string>;
};

/** Status updates of users, one statement for the batch; every change bumps the version. */
async function setStatuses(db: Db, changes: Changed[], now: Date) {
  const ids = changes.map((c) => c.userId);
  const statuses = changes.map((c) => c.after.status ?? '');
  await db.execute(sql`
    update users set status = x.status::user_status, version = version + 1, updated_at = ${sqlTime(now)},
      activated_at = case when x.status = 'active' then coalesce(activated_at, ${sqlTime(now)}) else activated_at end
    from unnest(${uuidList(ids)}, ${wordList(statuses)}) as x(id, status)
    where users.id = x.id and ${batchUsers(ids)}`);
}

/**
 * The batch's users as a condition on `users.id` with their list (`uuidList`), beside the join with
 * the values of each: PostgreSQL then fetches exactly them by the primary key. With the join alone it
 * merged the values with a walk over the whole primary key (200,000 entries read to update 10,000
 * users, and every user of a larger tenant).
 */
const batchUsers = (ids: readonly string[]) => sql`users.id = any(${uuidList(ids)})`;

async function cancelPendingInvitations(db: Db, ids: string[]) {
  await db.execute(sql`update invitations set status = 'cancelled'
    where user_id = any(${uuidList(ids)}) and status = 'pending'`);
}

/** Someone to send a new invitation to. */
export type Invitee = {
  userId: string;
  email: string;
  message: string | undefined;
  /** How many times an invitation has been sent to this user, this one included. */
  sentCount: number;
  /** When the new link stops working; by default `invitationTtlDays` from now. */
  expiresAt?: Date | null | undefined;
};

/** New pending invitations (256-bit tokens, stored as hashes) and their e-mails in the outbox. */
export async function createInvitations(
  db: Db,
  invitees: Invitee[],
  ctx: Pick<ApplyContext, 'operationId' | 'actor' | 'now' | 'config'>,
) {
  if (invitees.length === 0) return;
  // Two keys per invitee: its invitation and its e-mail.
  const newId = idGenerator(2 * invitees.length);
  const rows = invitees.map((invitee) => {
    const token = newSecretToken();
    const expiresAt =
      invitee.expiresAt ?? new Date(ctx.now.getTime() + ctx.config.invitationTtlDays * 86_400_000);
    const email = invitationEmail({
      inviterName: ctx.actor.name,
      platformName: ctx.config.platformName,
      link: `${ctx.config.publicUrl}/invite/${token}`,
      expiresAt,
      message: invitee.message,
    });
    return {
      id: newId(),
      userId: invitee.userId,
      tokenHash: hashToken(token),
      expiresAt,
      to: invitee.email,
      message: invitee.message ?? null,
      sentCount: invitee.sentCount,
      ...email,
    };
  });
  await db.execute(sql`
    insert into invitations (id, user_id, token_hash, status, message, expires_at, sent_count, last_sent_at, invited_by, operation_id, created_at)
    select x.id, x.user_id, x.token_hash, 'pending', x.message, x.expires_at::timestamptz, x.sent_count, ${sqlTime(ctx.now)}, ${ctx.actor.id}, ${ctx.operationId}, ${sqlTime(ctx.now)}
    from unnest(${sqlUuids(rows.map((r) => r.id))}, ${sqlUuids(rows.map((r) => r.userId))}, ${sql.param(rows.map((r) => r.tokenHash))}::text[],
      ${sql.param(rows.map((r) => r.expiresAt.toISOString()))}::text[], ${sql.param(rows.map((r) => r.sentCount))}::int[],
      ${sql.param(rows.map((r) => r.message))}::text[])
      as x(id, user_id, token_hash, expires_at, sent_count, message)`);
  await db.execute(sql`
    insert into email_outbox (id, "to", subject, text, html, status, invitation_id, operation_id, created_at, next_attempt_at)
    select x.id, x.to, x.subject, x.text, x.html, ${ctx.config.smtp ? 'queued' : 'captured'}::outbox_status, x.invitation_id, ${ctx.operationId}, ${sqlTime(ctx.now)}, ${sqlTime(ctx.now)}
    from unnest(${sqlUuids(rows.map(() => newId()))}, ${sql.param(rows.map((r) => r.to))}::text[], ${sql.param(rows.map((r) => r.subject))}::text[],
      ${sql.param(rows.map((r) => r.text))}::text[], ${sql.param(rows.map((r) => r.html))}::text[], ${sqlUuids(rows.map((r) => r.id))})
      as x(id, "to", subject, text, html, invitation_id)`);
}

/** Replaces the parts of each user's access that the copy changes, with their new value. */
async function writeAccess(db: Db, changes: Changed[], now: Date) {
  const withModules = changes.filter((c) => c.after.modules);
  if (withModules.length) {
    const ids = withModules.map((c) => c.userId);
    await db.execute(sql`delete from module_access where user_id = any(${uuidList(ids)})`);
    const rows = withModules.flatMap((c) =>
      MODULES.flatMap((module) => {
        const level = c.after.modules?.[module];
        return level ? [{ userId: c.userId, module, level }] : [];
      }),
    );
    if (rows.length) {
      await db.execute(sql`insert into module_access (user_id, module, level)
        select * from unnest(${uuidList(rows.map((r) => r.userId))}, ${enumList(
          rows.map((r) => r.module),
          moduleName,
        )},
          ${enumList(
            rows.map((r) => r.level),
            accessLevel,
          )})`);
    }
  }
  const withScope = changes.filter((c) => c.after.scope);
  if (withScope.length) {
    await db.execute(
      sql`delete from user_scopes where user_id = any(${uuidList(withScope.map((c) => c.userId))})`,
    );
    const rows = withScope.flatMap((c) => (c.after.scope ?? []).map((unit) => ({ userId: c.userId, unit })));
    if (rows.length) {
      await db.execute(sql`insert into user_scopes (user_id, org_unit_id)
        select * from unnest(${uuidList(rows.map((r) => r.userId))}, ${uuidList(rows.map((r) => r.unit))})`);
    }
  }
  const withRights = changes.filter((c) => c.after.rights);
  if (withRights.length) {
    await db.execute(
      sql`delete from user_rights where user_id = any(${uuidList(withRights.map((c) => c.userId))})`,
    );
    const rows = withRights.flatMap((c) =>
      (c.after.rights ?? []).map((right) => ({ userId: c.userId, right })),
    );
    if (rows.length) {
      await db.execute(sql`insert into user_rights (user_id, "right")
        select * from unnest(${uuidList(rows.map((r) => r.userId))}, ${enumList(
          rows.map((r) => r.right),
          rightName,
        )})`);
    }
  }
  await db.execute(sql`update users set version = version + 1, updated_at = ${sqlTime(now)}
    where id = any(${uuidList(changes.map((c) => c.userId))})`);
}

/** Role updates of users, one statement for the batch (each user's own role: a revert gives back many). */
async function setRoles(db: Db, changes: Changed[], now: Date) {
  const ids = changes.map((c) => c.userId);
  await db.execute(sql`
    update users set role_id = x.role_id, version = version + 1, updated_at = ${sqlTime(now)}
    from unnest(${uuidList(ids)}, ${uuidList(changes.map((c) => c.after.roleId ?? ''))}) as x(id, role_id)
    where users.id = x.id and ${batchUsers(ids)}`);
}

/** Whether writing a change's status, role or access moves the user's version already. */
const movesVersion = (change: Change) =>
  change.status !== undefined || change.roleId !== undefined || changesAccess(change);

/**
 * E-mails and names given back by the revert of an identity provider's changes (the fields a change
 * names, the others kept). The version moves here only when nothing else of the change moves it.
 */
async function setProfiles(db: Db, changes: Changed[], now: Date) {
  const ids = changes.map((c) => c.userId);
  const text = (values: (string | undefined)[]) => sql`${sql.param(values.map((v) => v ?? null))}::text[]`;
  await db.execute(sql`
    update users set email = coalesce(x.email, users.email), first_name = coalesce(x.first_name, users.first_name),
      last_name = coalesce(x.last_name, users.last_name), version = version + x.bump, updated_at = ${sqlTime(now)}
    from unnest(${uuidList(ids)}, ${text(changes.map((c) => c.after.email))},
      ${text(changes.map((c) => c.after.firstName))}, ${text(changes.map((c) => c.after.lastName))},
      ${sql.param(changes.map((c) => (movesVersion(c.after) ? 0 : 1)))}::int[])
      as x(id, email, first_name, last_name, bump)
    where users.id = x.id and ${batchUsers(ids)}`);
}

/** Revoked, not merely refused while deactivated: a reactivated user signs in anew. */
async function revokeSignIns(db: Db, ids: string[], now: Date) {
  await db.execute(
    sql`update sessions set revoked_at = ${sqlTime(now)} where user_id = any(${uuidList(ids)}) and revoked_at is null`,
  );
  await db.execute(
    sql`update api_tokens set revoked_at = ${sqlTime(now)} where user_id = any(${uuidList(ids)}) and revoked_at is null`,
  );
}

/** A new link for users whose invitation is resent: the old one is superseded, its message kept. */
async function resendInvitations(db: Db, changes: Changed[], ctx: ApplyContext) {
  // A new expiry is a change of the user like any other: its version moves (a revert of an earlier
  // invitation then finds the user changed since).
  await db.execute(sql`update users set version = version + 1, updated_at = ${sqlTime(ctx.now)}
    where id = any(${uuidList(changes.map((c) => c.userId))})`);
  const superseded = await queryRows<{ user_id: string; sent_count: number; message: string | null }>(
    db,
    sql`update invitations set status = 'superseded'
      where user_id = any(${uuidList(changes.map((c) => c.userId))}) and status = 'pending' returning user_id, sent_count, message`,
  );
  const byUser = new Map(superseded.map((row) => [row.user_id, row]));
  await createInvitations(
    db,
    changes.map((c) => {
      const old = byUser.get(c.userId);
      return {
        userId: c.userId,
        email: ctx.emails.get(c.userId) ?? '',
        message: old?.message ?? undefined,
        sentCount: Number(old?.sent_count ?? 0) + 1,
        expiresAt: c.after.invitationExpiresAt,
      };
    }),
    ctx,
  );
}

/** How each named effect of a change is written, for every change of the batch that names it. */
const EFFECT_WRITERS: Record<
  ChangeEffect,
  (
    db: Db,
    changes: Changed[],
    ctx: ApplyContext & { invitationMessage?: string | undefined },
  ) => Promise<void>
> = {
  cancel_pending_invitation: (db, changes) =>
    cancelPendingInvitations(
      db,
      changes.map((c) => c.userId),
    ),
  revoke_sign_ins: (db, changes, ctx) =>
    revokeSignIns(
      db,
      changes.map((c) => c.userId),
      ctx.now,
    ),
  send_invitation: (db, changes, ctx) =>
    createInvitations(
      db,
      changes.map((c) => ({
        userId: c.userId,
        email: ctx.emails.get(c.userId) ?? '',
        message: ctx.invitationMessage,
        sentCount: 1,
        expiresAt: c.after.invitationExpiresAt,
      })),
      ctx,
    ),
  resend_invitation: resendInvitations,
};

/**
 * Writes what a rule decided for one batch, set-based: a few statements whatever its size. Runs
 * inside the batch's transaction, on rows it has locked. The fields a change names are written
 * (status, role, access), then the effects the rule named for it (`CHANGE_EFFECTS`, in their order):
 * an operation and the revert of one write the same way.
 */
export async function applyChanges(
  db: Db,
  changes: Changed[],
  ctx: ApplyContext & { invitationMessage?: string | undefined },
): Promise<void> {
  const withStatus = changes.filter((c) => c.after.status !== undefined);
  if (withStatus.length) await setStatuses(db, withStatus, ctx.now);
  const withRole = changes.filter((c) => c.after.roleId !== undefined);
  if (withRole.length) await setRoles(db, withRole, ctx.now);
  const withAccess = changes.filter((c) => changesAccess(c.after));
  if (withAccess.length) await writeAccess(db, withAccess, ctx.now);
  const withProfile = changes.filter((c) => changesProfile(c.after));
  if (withProfile.length) await setProfiles(db, withProfile, ctx.now);
  for (const effect of CHANGE_EFFECTS) {
    const named = changes.filter((c) => c.effects.includes(effect));
    if (named.length) await EFFECT_WRITERS[effect](db, named, ctx);
  }
}

/** The audit trail of a change: only the fields that changed (SPEC §1). */
export function auditJson(change: Change): string {
  return JSON.stringify(change);
}
