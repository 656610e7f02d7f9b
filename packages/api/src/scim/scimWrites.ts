import {
  bulkOperations,
  type Db,
  idGenerator,
  isConflictRollback,
  isUniqueViolation,
  queryRows,
  sqlTime,
  sqlUuids,
  users,
} from '@roster/db';
import {
  type AuditAction,
  type Change,
  ifMatchHolds,
  mergeScimResult,
  planScimRoleMoves,
  planScimUpdates,
  recordedChangeSchema,
  SCIM_PATCH_SCHEMA,
  type ScimDesiredUser,
  ScimError,
  type ScimProfile,
  type ScimUser,
  type ScimUserResult,
  type ScimUserRow,
  scimDesiredUser,
  scimMinuteOperationTakesWrites,
  scimMinuteStart,
  toScimUser,
  type UserOutcome,
  withStorableCharacters,
} from '@roster/domain';
import { and, eq, gte, sql } from 'drizzle-orm';
import { type ScimPatchOperation, scimPatch } from 'scim-patch';
import { z } from 'zod';
import { type ApplyContext, applyChanges, auditJson, createInvitations } from '../bulk/applyChanges';
import { loadPlanUsers } from '../bulk/loadPlanUsers';
import { countActiveAdmins } from '../bulk/planContext';
import type { ApiConfig } from '../config';
import { retryTransient } from '../runner/retryTransient';
import { heldEmails } from '../users/heldEmails';
import { scimMinuteLabel, scimMinuteOperationId } from './scimMinuteOperation';
import type { ScimCaller } from './scimToken';
import { defaultScimRole, scimUserLocation, selectScimUsers } from './scimUsers';

/** Serialises SCIM writes that may lower the number of active administrators, as bulk batches do. */
const ADMIN_COUNT_LOCK = 7_201_001;

export type ScimDeps = { db: Db; config: ApiConfig; now: Date; caller: ScimCaller; baseUrl: string };

/** One write a SCIM request asks for. */
export type ScimWrite =
  /** `bulkId`: the name later operations of a /Bulk request give the user it creates. */
  | { kind: 'create'; resource: unknown; bulkId?: string | undefined }
  /** PUT: the resource as given; PATCH: operations on the current resource; DELETE: active false. */
  | {
      kind: 'update';
      /** The user's id, or (in /Bulk) the bulkId of the operation that creates it. */
      target: { id: string } | { bulkId: string };
      ifMatch?: string | undefined;
      change: ScimUpdate;
    }
  /** A group (role) membership: the user gets the role (PATCH /Groups). */
  | {
      kind: 'setRole';
      target: { id: string };
      role: { id: string; isAdmin: boolean };
      /** Removal from a group: only a member of this role moves (to `role`); others are skipped. */
      onlyFrom?: string | undefined;
    }
  /** An operation of a /Bulk request refused before anything (an unknown method or path). */
  | { kind: 'refused'; error: ScimError };

/** A /Bulk request's `failOnErrors` reached: the request is written again up to that error only. */
class StopAfter extends Error {
  constructor(readonly count: number) {
    super(`failOnErrors reached after ${count} operations`);
  }
}

export type ScimUpdate =
  | { kind: 'replace'; resource: unknown }
  | { kind: 'patch'; body: unknown }
  | { kind: 'deactivate' };

/** What became of one write: the user as it now is, or why it was refused. */
export type ScimWriteResult =
  | { ok: true; status: 200 | 201; user: ScimUserRow; location: string }
  | { ok: false; error: ScimError };

const patchBodySchema = z.object({
  schemas: z
    .array(z.string())
    .refine((s) => s.includes(SCIM_PATCH_SCHEMA), `schemas must hold ${SCIM_PATCH_SCHEMA}.`),
  Operations: z
    .array(
      z.object({
        op: z
          .string()
          .transform((op) => op.toLowerCase())
          .pipe(z.enum(['add', 'replace', 'remove'])),
        path: z.string().max(1_000).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1, 'A PATCH holds at least one operation.')
    .max(100, 'A PATCH holds at most 100 operations.'),
});

function patchOperations(body: unknown): ScimPatchOperation[] {
  const parsed = patchBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScimError(
      400,
      'invalidSyntax',
      `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'Invalid PATCH.'}`,
    );
  }
  return parsed.data.Operations.map((o): ScimPatchOperation => {
    if (o.op === 'remove') {
      if (!o.path) throw new ScimError(400, 'noTarget', 'A remove operation names its path.');
      return { op: 'remove', path: o.path, value: o.value };
    }
    return o.path === undefined ? { op: o.op, value: o.value } : { op: o.op, path: o.path, value: o.value };
  });
}

/** The user as a PATCH leaves it: scim-patch applies the operations to the user's resource (RFC 7644 §3.5.2). */
function patched(current: ScimUser, row: ScimUserRow, body: unknown): ScimDesiredUser {
  const operations = patchOperations(body);
  let result: unknown;
  try {
    result = scimPatch(
      { ...current, meta: { created: row.createdAt, lastModified: row.updatedAt } },
      operations,
      {
        mutateDocument: false,
        treatMissingAsAdd: true,
      },
    );
  } catch (error) {
    const scimType =
      error instanceof Error && 'scimCode' in error && error.scimCode === 'noTarget'
        ? 'noTarget'
        : 'invalidPath';
    throw new ScimError(
      400,
      scimType,
      error instanceof Error ? error.message : 'The PATCH cannot be applied.',
    );
  }
  return scimDesiredUser(result);
}

function desiredOf(update: ScimUpdate, row: ScimUserRow, baseUrl: string): ScimDesiredUser {
  const current = toScimUser(row, scimUserLocation(baseUrl, row.id));
  switch (update.kind) {
    case 'replace':
      return scimDesiredUser(update.resource);
    case 'patch':
      return patched(current, row, update.body);
    case 'deactivate':
      return {
        email: row.email,
        firstName: row.firstName,
        lastName: row.lastName,
        active: false,
        orgUnitNames: [],
        externalId: undefined,
      };
  }
}

type Item = {
  userId: string | null;
  email: string | null;
  outcome: 'change' | 'skip' | 'blocked' | 'failed';
  reason: string | null;
  before: string | null;
  after: string | null;
  version: number | null;
};

/** A user the request leaves as it is: nothing to write but the result's reason. */
const skippedItem = (userId: string, email: string, reason: string): Item => ({
  userId,
  email,
  outcome: 'skip',
  reason,
  before: null,
  after: null,
  version: null,
});

const profileJson = (change: Change): string => auditJson(change);

type Recorded = Item & { position: number };

const recordedResult = (item: Item): Omit<ScimUserResult, 'outcome'> & { outcome: Item['outcome'] } => ({
  outcome: item.outcome,
  reason: item.reason,
  before: item.before === null ? {} : recordedChangeSchema.parse(JSON.parse(item.before)),
  after: item.after === null ? {} : recordedChangeSchema.parse(JSON.parse(item.after)),
  version: item.version,
  email: item.email,
});

/**
 * The results a request adds to its operation, one per user (`mergeScimResult`): a user's later
 * write builds on the user's result, in this request or (single writes) in the minute's earlier ones;
 * new results are numbered from `firstPosition`, a replaced one keeps its position.
 */
async function recordResults(
  tx: Db,
  operationId: string,
  firstPosition: number,
  items: readonly (Item | undefined)[],
  grouped: boolean,
): Promise<Recorded[]> {
  const ids = [...new Set(items.flatMap((item) => (item?.userId ? [item.userId] : [])))];
  const withUser = items.reduce((n, item) => (item?.userId ? n + 1 : n), 0);
  if (!grouped && ids.length === withUser) {
    // A /Bulk request writing each user once (an identity provider's creates): one result each.
    let position = firstPosition;
    return items.flatMap((item) => (item ? [{ ...item, position: position++ }] : []));
  }
  const byUser = new Map<string, { position: number; result: ScimUserResult }>();
  if (grouped && ids.length) {
    const earlier = await queryRows<{
      position: number;
      user_id: string;
      outcome: 'change' | 'skip';
      reason: string | null;
      before: unknown;
      after: unknown;
      version: number | null;
      email: string | null;
    }>(
      tx,
      sql`select position, user_id::text as user_id, outcome, reason, before, after, version, email
        from bulk_operation_items
        where operation_id = ${operationId} and user_id = any(${sqlUuids(ids)}) and outcome in ('change', 'skip')`,
    );
    for (const row of earlier) {
      byUser.set(row.user_id, {
        position: row.position,
        result: {
          outcome: row.outcome,
          reason: row.reason,
          before: recordedChangeSchema.parse(row.before ?? {}),
          after: recordedChangeSchema.parse(row.after ?? {}),
          version: row.version,
          email: row.email,
        },
      });
    }
  }
  const rows = new Map<number, Recorded>();
  let next = firstPosition;
  for (const item of items) {
    if (!item) continue;
    const earlier = item.userId ? byUser.get(item.userId) : undefined;
    const merge = mergeScimResult(earlier?.result, recordedResult(item));
    if (merge.kind === 'keep') continue;
    if (merge.kind === 'append' || !earlier) {
      const position = next++;
      rows.set(position, { ...item, position });
      if (item.userId && (item.outcome === 'change' || item.outcome === 'skip'))
        byUser.set(item.userId, { position, result: { ...recordedResult(item), outcome: item.outcome } });
      continue;
    }
    const { result } = merge;
    rows.set(earlier.position, {
      userId: item.userId,
      position: earlier.position,
      outcome: result.outcome,
      reason: result.reason,
      email: result.email,
      before: auditJson(result.before),
      after: auditJson(result.after),
      version: result.version,
    });
    if (item.userId) byUser.set(item.userId, { position: earlier.position, result });
  }
  return [...rows.values()];
}

/** The status of a user SCIM creates: deactivated when so sent, else invited at once by the setting. */
function createdStatus(desired: ScimDesiredUser, config: ApiConfig): 'created' | 'invited' | 'deactivated' {
  if (desired.active === false) return 'deactivated';
  return config.scimInviteOnCreate ? 'invited' : 'created';
}

/**
 * The writes of one SCIM request, in one transaction recorded as one operation of kind `scim`
 * (visible in Operations, with a result per user and an audit event per change, named after the
 * token). Creates are one INSERT for all; updates lock their users, are decided by the domain
 * (`planScimUpdates`: the Deactivate and Reactivate rules and their guards) and written set-based,
 * status changes with the operations' own effects (`applyChanges`: sign-ins revoked, invitations
 * cancelled). With `atomic`, the first refused write refuses the request and nothing is written.
 */
export async function runScimWrites(
  deps: ScimDeps,
  writes: readonly ScimWrite[],
  options: ScimWriteOptions,
): Promise<{ operationId: string | null; results: ScimWriteResult[] }> {
  try {
    return await writeDecidedAgain(deps, writes, options);
  } catch (error) {
    if (!(error instanceof StopAfter)) throw error;
    // RFC 7644 §3.7.3: the operations after the failOnErrors-th error are not performed.
    return writeDecidedAgain(deps, writes.slice(0, error.count), { ...options, failOnErrors: undefined });
  }
}

/** Waits before a request's writes are run again (`writeDecidedAgain`). */
const WRITE_AGAIN_DELAYS_MS = [20, 100, 400];

/**
 * The writes, in one transaction, run again from the start when it rolled back for a reason that
 * a fresh look settles: PostgreSQL chose it to break a deadlock with another request's writes (two
 * /Bulk requests creating the same users in other orders), or an e-mail it checked free was taken
 * by a write that committed meanwhile (a rename racing a create of that e-mail). Decided again on
 * what is committed, a taken e-mail is then refused as such (409 uniqueness), not a 500. A lost
 * connection is not run again here (it may have come after the commit: a create written twice
 * would answer 409 for the user it made); it is a 503, and the identity provider retries.
 */
function writeDecidedAgain(deps: ScimDeps, writes: readonly ScimWrite[], options: ScimWriteOptions) {
  return retryTransient(
    () => writeOnce(deps, writes, options),
    WRITE_AGAIN_DELAYS_MS,
    undefined,
    (error) => isConflictRollback(error) || isUniqueViolation(error),
  );
}

export type ScimWriteOptions = {
  atomic: boolean;
  label: string;
  /**
   * A single write (not /Bulk): recorded in its token's operation of the minute
   * (`scimMinuteOperationId`), one operation per token per minute, whichever server writes it.
   */
  grouped?: boolean | undefined;
  /** /Bulk: stop after this many errors (the writes after it are neither written nor answered). */
  failOnErrors?: number | undefined;
};

/** The operation a request's writes are recorded in, and the position its first result takes. */
type OpenedOperation = { operationId: string; firstPosition: number };

const scimOperationRow = (
  id: string,
  caller: ScimCaller,
  now: Date,
  count: number,
  params: { request: string; generation?: number },
) => ({
  id,
  kind: 'scim' as const,
  params: { kind: 'scim' as const, tokenId: caller.tokenId, tokenName: caller.tokenName, ...params },
  selection: { kind: 'scim' as const, count },
  actorId: caller.actor.id,
  status: 'running' as const,
  total: count,
  createdAt: now,
  startedAt: now,
});

/** A /Bulk request's own operation. */
async function insertRequestOperation(
  tx: Db,
  id: string,
  caller: ScimCaller,
  now: Date,
  count: number,
  label: string,
): Promise<OpenedOperation> {
  await tx.insert(bulkOperations).values(scimOperationRow(id, caller, now, count, { request: label }));
  return { operationId: id, firstPosition: 1 };
}

/** The minute's operation turned out closed: its savepoint is rolled back. */
class MinuteOperationClosed extends Error {
  constructor() {
    super('The minute’s operation takes no more writes.');
  }
}

/**
 * The token's operation of the minute that still takes writes (`scimMinuteOperationTakesWrites`):
 * the first generation's, or, once that one has been reverted, the next one's. Each is taken by an
 * upsert on its id: its row stays locked until this write commits, so the writes of one minute (on
 * any server) take their positions in it one after the other. A revert locks the row too before it
 * picks the users to give back, so the check after the upsert (a statement of its own, which sees
 * a revert committed while the upsert waited) either finds no revert, and the revert will see this
 * write, or finds one, and this write goes on to the next generation: whichever server writes, no
 * write lands in an operation after its revert has picked its users.
 */
async function takeMinuteOperation(
  tx: Db,
  caller: ScimCaller,
  now: Date,
  count: number,
): Promise<OpenedOperation> {
  for (let generation = 0; ; generation += 1) {
    const id = scimMinuteOperationId(caller.tokenId, now, generation);
    try {
      const total = await tx.transaction(async (savepoint) => {
        const [recorded] = await savepoint
          .insert(bulkOperations)
          .values(
            scimOperationRow(id, caller, now, count, {
              request: scimMinuteLabel(now, generation),
              generation,
            }),
          )
          .onConflictDoUpdate({
            target: bulkOperations.id,
            set: {
              total: sql`${bulkOperations.total} + excluded.total`,
              selection: sql`jsonb_build_object('kind', 'scim', 'count', ${bulkOperations.total} + excluded.total)`,
            },
          })
          .returning({ total: bulkOperations.total, status: bulkOperations.status });
        // A revert is recorded once its own clock says the minute has passed: among the operations
        // created since the minute began, which the index on created_at finds (none on the source).
        const followUps = await savepoint.$count(
          bulkOperations,
          and(
            eq(bulkOperations.sourceOperationId, id),
            gte(bulkOperations.createdAt, new Date(scimMinuteStart(now))),
          ),
        );
        if (
          !recorded ||
          !scimMinuteOperationTakesWrites({ status: recorded.status, followedUp: followUps > 0 })
        )
          throw new MinuteOperationClosed();
        return recorded.total;
      });
      // Results are numbered from 1 within the operation, after those of its earlier writes.
      return { operationId: id, firstPosition: total - count + 1 };
    } catch (error) {
      if (!(error instanceof MinuteOperationClosed)) throw error;
    }
  }
}

async function writeOnce(
  deps: ScimDeps,
  writes: readonly ScimWrite[],
  options: ScimWriteOptions,
): Promise<{ operationId: string | null; results: ScimWriteResult[] }> {
  const { db, now, caller, baseUrl, config } = deps;
  const results: (ScimWriteResult | undefined)[] = writes.map(() => undefined);
  const items: (Item | undefined)[] = writes.map(() => undefined);
  const newId = idGenerator(writes.length + 1);
  const refuse = (
    index: number,
    error: ScimError,
    userId: string | null,
    email: string | null,
    blockedReason?: string,
  ) => {
    if (options.atomic) throw error;
    results[index] = { ok: false, error };
    items[index] = {
      userId,
      email,
      outcome: blockedReason ? 'blocked' : 'failed',
      reason: blockedReason ?? (error.scimType ? `scim_${error.scimType}` : `scim_${error.status}`),
      before: null,
      // The detail repeats what the caller sent (a path, a method): kept as PostgreSQL can store it.
      after: JSON.stringify({ detail: withStorableCharacters(error.detail) }),
      version: null,
    };
  };
  const audit: { userId: string; action: AuditAction; before: string; after: string }[] = [];
  /** The providers' ids of users: set ('' removes). */
  const externalIds = new Map<string, string>();
  /** Organisation units named by the enterprise extension, added to these users' scope. */
  const scopeWants: { userId: string; name: string }[] = [];

  const run = await db.transaction(async (tx) => {
    // The operation first, so the items and audit of its writes can name it.
    const { operationId, firstPosition } = options.grouped
      ? await takeMinuteOperation(tx, caller, now, writes.length)
      : await insertRequestOperation(tx, newId(), caller, now, writes.length, options.label);
    /** Changes of users with their operations' effects, as this request's operation (`emails`: by user id). */
    const applyAsOperation = async (
      changes: Extract<UserOutcome, { outcome: 'change' }>[],
      emails: ApplyContext['emails'],
    ) => {
      if (changes.length)
        await applyChanges(tx, changes, { operationId, actor: caller.actor, now, config, emails });
    };

    writes.forEach((write, index) => {
      if (write.kind === 'refused') refuse(index, write.error, null, null);
    });
    // Creates: decided, then inserted in one statement; an e-mail taken is 409 uniqueness.
    const createdByBulkId = new Map<string, string>();
    const created = new Map<string, ScimUserRow>();
    const creates: { index: number; desired: ScimDesiredUser }[] = [];
    writes.forEach((write, index) => {
      if (write.kind !== 'create') return;
      try {
        creates.push({ index, desired: scimDesiredUser(write.resource) });
      } catch (error) {
        if (!(error instanceof ScimError)) throw error;
        refuse(index, error, null, null);
      }
    });
    if (creates.length) {
      const role = await defaultScimRole(tx);
      const seen = new Set<string>();
      const fresh = creates.filter((c) => {
        if (seen.has(c.desired.email)) {
          refuse(
            c.index,
            new ScimError(409, 'uniqueness', `${c.desired.email} is given twice in this request.`),
            null,
            c.desired.email,
          );
          return false;
        }
        seen.add(c.desired.email);
        return true;
      });
      const inserted = await queryRows<{ id: string; email: string }>(
        tx,
        sql`insert into users (id, email, first_name, last_name, status, role_id, created_at, updated_at)
          select x.id, x.email, x.first_name, x.last_name, x.status::user_status, ${role.id}, ${sqlTime(now)}, ${sqlTime(now)}
          from unnest(${sqlUuids(fresh.map(() => newId()))}, ${sql.param(fresh.map((c) => c.desired.email))}::text[],
            ${sql.param(fresh.map((c) => c.desired.firstName))}::text[], ${sql.param(fresh.map((c) => c.desired.lastName))}::text[],
            ${sql.param(fresh.map((c) => createdStatus(c.desired, config)))}::text[])
            as x(id, email, first_name, last_name, status)
          on conflict (email) do nothing
          returning id::text as id, email`,
      );
      const idByEmail = new Map(inserted.map((row) => [row.email, row.id]));
      for (const { index, desired } of fresh) {
        const id = idByEmail.get(desired.email);
        const write = writes[index];
        if (id && write?.kind === 'create' && write.bulkId) createdByBulkId.set(write.bulkId, id);
        if (!id) {
          refuse(
            index,
            new ScimError(409, 'uniqueness', `A user with the userName ${desired.email} already exists.`),
            null,
            desired.email,
          );
          continue;
        }
        const after = {
          email: desired.email,
          firstName: desired.firstName,
          lastName: desired.lastName,
          status: createdStatus(desired, config),
        } as const;
        // The user as created, for the answer: read back only if a later write of it changes it.
        created.set(id, {
          id,
          ...after,
          externalId: desired.externalId || null,
          roleId: role.id,
          roleName: role.name,
          createdAt: now,
          updatedAt: now,
          version: 1,
        });
        audit.push({ userId: id, action: 'scim.create', before: '{}', after: profileJson(after) });
        for (const name of desired.orgUnitNames) scopeWants.push({ userId: id, name });
        if (desired.externalId) externalIds.set(id, desired.externalId);
        items[index] = {
          userId: id,
          email: desired.email,
          outcome: 'change',
          reason: 'scim_created',
          before: '{}',
          after: profileJson(after),
          version: 1,
        };
      }
    }

    // Invited at once (the setting): a pending invitation and its e-mail, as the Invite operation sends.
    const invitees = creates.flatMap(({ index, desired }) => {
      const item = items[index];
      return item?.outcome === 'change' && item.userId && createdStatus(desired, config) === 'invited'
        ? [{ userId: item.userId, email: desired.email, message: undefined, sentCount: 1 }]
        : [];
    });
    if (invitees.length)
      await createInvitations(tx, invitees, { operationId, actor: caller.actor, now, config });

    // Updates: their targets resolved (a bulkId names a user created above), then in rounds, a user's
    // second update in a later round than its first, so each is decided on the row the one before left.
    const rounds: { index: number; write: Extract<ScimWrite, { kind: 'update' }>; userId: string }[][] = [];
    const roundOf = new Map<string, number>();
    writes.forEach((write, index) => {
      if (write.kind !== 'update') return;
      let userId: string;
      if ('bulkId' in write.target) {
        const created = createdByBulkId.get(write.target.bulkId);
        if (!created) {
          refuse(
            index,
            new ScimError(400, 'invalidValue', `No user was created under bulkId ${write.target.bulkId}.`),
            null,
            null,
          );
          return;
        }
        userId = created;
      } else userId = write.target.id;
      const round = roundOf.get(userId) ?? 0;
      roundOf.set(userId, round + 1);
      const entries = rounds[round] ?? [];
      entries.push({ index, write, userId });
      rounds[round] = entries;
    });
    // The administrator lock before any user's row (as the bulk batches take it): an update may
    // deactivate an administrator, and no two writers may each count the other's administrators.
    if (rounds.length) await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_COUNT_LOCK})`);
    for (const updates of rounds) {
      const ids = [...new Set(updates.map((u) => u.userId))];
      const planUsers = await loadPlanUsers(tx, ids, false, { lock: true });
      const byId = new Map(planUsers.map((u) => [u.id, u]));
      const rows = new Map(
        (await selectScimUsers(tx).where(sql`${users.id} = any(${sqlUuids(ids)})`)).map((row) => [
          row.id,
          row,
        ]),
      );
      const planned: {
        index: number;
        user: (typeof planUsers)[number];
        profile: ScimProfile;
        desired: ScimDesiredUser;
      }[] = [];
      const taken = new Set<string>();
      for (const { index, write, userId } of updates) {
        const row = rows.get(userId);
        const user = byId.get(userId);
        if (!row || !user) {
          refuse(index, new ScimError(404, null, `No user has the id ${userId}.`), null, null);
          continue;
        }
        if (!ifMatchHolds(write.ifMatch, row.version)) {
          refuse(
            index,
            new ScimError(412, null, `The user changed since (its version is ${row.version}).`),
            row.id,
            row.email,
          );
          continue;
        }
        try {
          const desired = desiredOf(write.change, row, baseUrl);
          if (desired.email !== row.email) {
            if (taken.has(desired.email))
              throw new ScimError(409, 'uniqueness', `${desired.email} is given twice in this request.`);
            taken.add(desired.email);
          }
          planned.push({
            index,
            user,
            profile: { email: row.email, firstName: row.firstName, lastName: row.lastName },
            desired,
          });
        } catch (error) {
          if (!(error instanceof ScimError)) throw error;
          refuse(index, error, row.id, row.email);
        }
      }
      // A new e-mail another user has is 409 uniqueness (one query for all).
      const newEmails = planned
        .filter((p) => p.desired.email !== p.profile.email)
        .map((p) => p.desired.email);
      const holders = await heldEmails(tx, newEmails);
      const decidable = planned.filter((p) => {
        if (p.desired.email !== p.profile.email && holders.has(p.desired.email)) {
          refuse(
            p.index,
            new ScimError(409, 'uniqueness', `A user with the userName ${p.desired.email} already exists.`),
            p.user.id,
            p.profile.email,
          );
          return false;
        }
        return true;
      });
      const outcomes = planScimUpdates(decidable, {
        actorId: caller.actor.id,
        activeAdminCount: await countActiveAdmins(tx),
      });
      const profileChanges: {
        userId: string;
        email: string;
        firstName: string;
        lastName: string;
        bump: boolean;
      }[] = [];
      const statusChanges: Extract<UserOutcome, { outcome: 'change' }>[] = [];
      outcomes.forEach((outcome, i) => {
        const p = decidable[i];
        if (!p) return;
        if (outcome.outcome === 'blocked') {
          const detail =
            outcome.reason === 'last_admin'
              ? 'The last active administrator cannot be deactivated.'
              : outcome.reason === 'self'
                ? "The SCIM token's own administrator cannot be deactivated through it."
                : 'This change is blocked.';
          refuse(
            p.index,
            new ScimError(400, 'mutability', detail),
            p.user.id,
            p.profile.email,
            outcome.reason,
          );
          return;
        }
        for (const name of p.desired.orgUnitNames) scopeWants.push({ userId: p.user.id, name });
        if (
          p.desired.externalId !== undefined &&
          p.desired.externalId !== (rows.get(p.user.id)?.externalId ?? '')
        ) {
          externalIds.set(p.user.id, p.desired.externalId);
        }
        if (outcome.outcome === 'skip') {
          items[p.index] = skippedItem(p.user.id, p.profile.email, outcome.reason);
          return;
        }
        const profileChanged =
          outcome.after.email !== undefined ||
          outcome.after.firstName !== undefined ||
          outcome.after.lastName !== undefined;
        if (profileChanged) {
          profileChanges.push({ userId: p.user.id, ...p.desired, bump: outcome.statusChange === null });
        }
        if (outcome.statusChange) {
          statusChanges.push({
            userId: p.user.id,
            outcome: 'change',
            before: outcome.statusChange.before,
            after: outcome.statusChange.after,
            effects: outcome.statusChange.effects,
          });
        }
        audit.push({
          userId: p.user.id,
          action: 'scim.update',
          before: profileJson(outcome.before),
          after: profileJson(outcome.after),
        });
        items[p.index] = {
          userId: p.user.id,
          email: p.desired.email,
          outcome: 'change',
          reason: null,
          before: profileJson(outcome.before),
          after: profileJson(outcome.after),
          version: p.user.version + 1,
        };
      });
      if (profileChanges.length) {
        await tx.execute(sql`
          update users set email = x.email, first_name = x.first_name, last_name = x.last_name,
            version = version + x.bump, updated_at = ${sqlTime(now)}
          from unnest(${sqlUuids(profileChanges.map((c) => c.userId))}, ${sql.param(profileChanges.map((c) => c.email))}::text[],
            ${sql.param(profileChanges.map((c) => c.firstName))}::text[], ${sql.param(profileChanges.map((c) => c.lastName))}::text[],
            ${sql.param(profileChanges.map((c) => (c.bump ? 1 : 0)))}::int[]) as x(id, email, first_name, last_name, bump)
          where users.id = x.id`);
      }
      await applyAsOperation(statusChanges, new Map(planned.map((p) => [p.user.id, p.desired.email])));
    }

    // externalId: kept beside the user (one statement each way for the request).
    if (externalIds.size) {
      const set = [...externalIds].filter(([, id]) => id !== '');
      const cleared = [...externalIds].filter(([, id]) => id === '').map(([userId]) => userId);
      if (set.length) {
        await tx.execute(sql`insert into scim_external_ids (user_id, external_id)
          select x.user_id, x.external_id from unnest(${sqlUuids(set.map(([u]) => u))}, ${sql.param(set.map(([, e]) => e))}::text[]) as x(user_id, external_id)
          on conflict (user_id) do update set external_id = excluded.external_id`);
      }
      if (cleared.length)
        await tx.execute(sql`delete from scim_external_ids where user_id = any(${sqlUuids(cleared)})`);
    }

    // The enterprise extension's organization and department: the units of those names join the
    // users' scope (never taken away: a scope set in Roster stays), each addition audited.
    if (scopeWants.length) {
      const added = await queryRows<{ user_id: string; org_unit_id: string }>(
        tx,
        sql`insert into user_scopes (user_id, org_unit_id)
          select distinct x.user_id, o.id from unnest(${sqlUuids(scopeWants.map((w) => w.userId))}, ${sql.param(scopeWants.map((w) => w.name))}::text[]) as x(user_id, name)
          join org_units o on lower(o.name) = lower(x.name)
          on conflict do nothing
          returning user_id::text as user_id, org_unit_id::text as org_unit_id`,
      );
      const byUser = new Map<string, string[]>();
      for (const row of added) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.org_unit_id]);
      if (byUser.size) {
        await tx.execute(
          sql`update users set version = version + 1, updated_at = ${sqlTime(now)} where id = any(${sqlUuids([...byUser.keys()])})`,
        );
        for (const [userId, units] of byUser) {
          audit.push({
            userId,
            action: 'scim.scope',
            before: '{}',
            after: JSON.stringify({ scopeAdded: units.sort() }),
          });
        }
      }
    }

    // Group memberships: each user gets the group's role, by the Assign role rule and its guards.
    const roleMoves = writes.flatMap((write, index) => (write.kind === 'setRole' ? [{ index, write }] : []));
    if (roleMoves.length) {
      if (!rounds.length) await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_COUNT_LOCK})`);
      const ids = [...new Set(roleMoves.map((m) => m.write.target.id))];
      const byId = new Map((await loadPlanUsers(tx, ids, false, { lock: true })).map((u) => [u.id, u]));
      const seen = new Set<string>();
      const moves = roleMoves.flatMap(({ index, write }) => {
        const user = byId.get(write.target.id);
        if (!user) {
          refuse(
            index,
            new ScimError(400, 'invalidValue', `No user has the id ${write.target.id}.`),
            null,
            null,
          );
          return [];
        }
        if (seen.has(user.id) || (write.onlyFrom !== undefined && user.roleId !== write.onlyFrom)) {
          items[index] = skippedItem(user.id, user.email, 'already_has_role');
          return [];
        }
        seen.add(user.id);
        return [{ index, user, role: write.role }];
      });
      const outcomes = planScimRoleMoves(moves, {
        actorId: caller.actor.id,
        activeAdminCount: await countActiveAdmins(tx),
      });
      const changes: Extract<UserOutcome, { outcome: 'change' }>[] = [];
      outcomes.forEach((outcome, i) => {
        const move = moves[i];
        if (!move) return;
        const { index, user } = move;
        if (outcome.outcome === 'blocked') {
          refuse(
            index,
            new ScimError(400, 'mutability', 'This membership change is blocked.'),
            user.id,
            user.email,
            outcome.reason,
          );
          return;
        }
        if (outcome.outcome === 'skip') {
          items[index] = skippedItem(user.id, user.email, outcome.reason);
          return;
        }
        changes.push({
          userId: user.id,
          outcome: 'change',
          before: outcome.before,
          after: outcome.after,
          effects: [],
        });
        audit.push({
          userId: user.id,
          action: 'scim.update',
          before: auditJson(outcome.before),
          after: auditJson(outcome.after),
        });
        items[index] = {
          userId: user.id,
          email: user.email,
          outcome: 'change',
          reason: null,
          before: auditJson(outcome.before),
          after: auditJson(outcome.after),
          version: user.version + 1,
        };
      });
      await applyAsOperation(changes, new Map(moves.map((m) => [m.user.id, m.user.email])));
    }

    if (audit.length) {
      await tx.execute(sql`
        insert into audit_events (at, actor_id, user_id, operation_id, action, before, after, meta)
        select ${sqlTime(now)}, ${caller.actor.id}, x.user_id, ${operationId}, x.action, x.b::jsonb, x.a::jsonb,
          ${JSON.stringify({ tokenId: caller.tokenId, tokenName: caller.tokenName })}::jsonb
        from unnest(${sqlUuids(audit.map((a) => a.userId))}, ${sql.param(audit.map((a) => a.action))}::text[],
          ${sql.param(audit.map((a) => a.before))}::text[], ${sql.param(audit.map((a) => a.after))}::text[]) as x(user_id, action, b, a)`);
    }
    if (options.failOnErrors !== undefined) {
      let errors = 0;
      for (const [index, result] of results.entries()) {
        if (result && !result.ok) errors += 1;
        if (errors >= options.failOnErrors) {
          if (index + 1 < writes.length) throw new StopAfter(index + 1);
          break;
        }
      }
    }
    const written = await recordResults(tx, operationId, firstPosition, items, options.grouped === true);
    if (written.length) {
      await tx.execute(sql`
        insert into bulk_operation_items (operation_id, position, user_id, email, outcome, reason, before, after, version, processed_at)
        select ${operationId}, x.position, x.user_id, x.email, x.outcome::outcome, x.reason, x.b::jsonb, x.a::jsonb, x.version, ${sqlTime(now)}
        from unnest(${sql.param(written.map((w) => w.position))}::int[], ${sql.param(written.map((w) => w.userId))}::uuid[],
          ${sql.param(written.map((w) => w.email))}::text[], ${sql.param(written.map((w) => w.outcome))}::text[],
          ${sql.param(written.map((w) => w.reason))}::text[], ${sql.param(written.map((w) => w.before))}::text[],
          ${sql.param(written.map((w) => w.after))}::text[], ${sql.param(written.map((w) => w.version))}::int[])
          as x(position, user_id, email, outcome, reason, b, a, version)
        on conflict (operation_id, position) do update set user_id = excluded.user_id, email = excluded.email,
          outcome = excluded.outcome, reason = excluded.reason, before = excluded.before, after = excluded.after,
          version = excluded.version, processed_at = excluded.processed_at`);
    }
    // The operation's counts are its results' (one per user, and one per refused write), the
    // minute's earlier writes included; it is finished again at each write.
    await tx.execute(sql`
      update bulk_operations o set total = c.n, processed = c.n, changed = c.change, skipped = c.skip,
        blocked = c.blocked, failed = c.failed, finished_at = ${sqlTime(now)},
        status = case when c.n > c.change then 'completed_with_skips' else 'succeeded' end::bulk_operation_status
      from (select count(*)::int as n, (count(*) filter (where outcome = 'change'))::int as change,
          (count(*) filter (where outcome = 'skip'))::int as skip,
          (count(*) filter (where outcome = 'blocked'))::int as blocked,
          (count(*) filter (where outcome = 'failed'))::int as failed
        from bulk_operation_items where operation_id = ${operationId}) as c
      where o.id = ${operationId}`);
    // The users as they now are, for the answers: those only created here as they were inserted,
    // the others (updated, moved, given a scope) read back.
    const changedLater = new Set(scopeWants.map((w) => w.userId));
    for (const [index, write] of writes.entries()) {
      const userId = items[index]?.userId;
      if (write.kind !== 'create' && userId) changedLater.add(userId);
    }
    const touched = [
      ...new Set(
        items.flatMap((w) =>
          w &&
          (w.outcome === 'change' || w.outcome === 'skip') &&
          w.userId &&
          (!created.has(w.userId) || changedLater.has(w.userId))
            ? [w.userId]
            : [],
        ),
      ),
    ];
    const readBack = touched.length
      ? await selectScimUsers(tx).where(sql`${users.id} = any(${sqlUuids(touched)})`)
      : [];
    return {
      operationId,
      rows: [...[...created.values()].filter((user) => !changedLater.has(user.id)), ...readBack],
    };
  });
  const { operationId } = run;
  const now_ = new Map(run.rows.map((row) => [row.id, row]));
  const final = writes.map((write, index): ScimWriteResult => {
    const result = results[index];
    if (result) return result;
    const userId = items[index]?.userId;
    const user = userId ? now_.get(userId) : undefined;
    if (!user) return { ok: false, error: new ScimError(500, null, 'The write left no user.') };
    return {
      ok: true,
      status: write.kind === 'create' ? 201 : 200,
      user,
      location: scimUserLocation(baseUrl, user.id),
    };
  });
  return { operationId, results: final };
}
