import {
  API_TOKEN_SCOPES,
  type AuditAction,
  BULK_OPERATION_KINDS,
  BULK_OPERATION_STATUSES,
  FUNCTIONAL_RESOURCE_KINDS,
  GRANTED_ACCESS_LEVELS,
  INVITATION_STATUSES,
  MODULES,
  ORG_UNIT_KINDS,
  OUTBOX_STATUSES,
  OUTCOMES,
  RIGHTS,
  USER_STATUSES,
} from '@roster/domain';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  json,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { v7 as uuidv7 } from 'uuid';

/** Time-ordered keys keep primary-key indexes append-only (PERF-NOTES). */
const id = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();

export const userStatus = pgEnum('user_status', USER_STATUSES);
export const moduleName = pgEnum('module_name', MODULES);
export const accessLevel = pgEnum('access_level', GRANTED_ACCESS_LEVELS);
export const rightName = pgEnum('right_name', RIGHTS);
export const orgUnitKind = pgEnum('org_unit_kind', ORG_UNIT_KINDS);
export const functionalResourceKind = pgEnum('functional_resource_kind', FUNCTIONAL_RESOURCE_KINDS);
export const invitationStatus = pgEnum('invitation_status', INVITATION_STATUSES);
export const bulkOperationKind = pgEnum('bulk_operation_kind', BULK_OPERATION_KINDS);
export const bulkOperationStatus = pgEnum('bulk_operation_status', BULK_OPERATION_STATUSES);
export const outcome = pgEnum('outcome', OUTCOMES);
export const outboxStatus = pgEnum('outbox_status', OUTBOX_STATUSES);
export const apiTokenScope = pgEnum('api_token_scope', API_TOKEN_SCOPES);

export const roles = pgTable('roles', {
  id: id(),
  name: text('name').notNull().unique(),
  /** Grants the Admin module; true only for the built-in Administrator role. */
  isAdmin: boolean('is_admin').notNull().default(false),
  builtIn: boolean('built_in').notNull().default(false),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored trimmed and lower-cased, so a plain unique index is the case-insensitive one. */
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    status: userStatus('status').notNull().default('created'),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id),
    passwordHash: text('password_hash'),
    /** Set when the user first became active; reactivation returns such users to `active`. */
    activatedAt: at('activated_at'),
    lastLoginAt: at('last_login_at'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    // Each index serves a filter or sort of the users list with keyset paging on `id` (issue 3).
    // Every index costs every bulk update of role or status, so there are no more than these.
    index('users_role_id_idx').on(t.roleId, t.id),
    // One role sorted by name, the users list's default (issue 18): the page is walked among the
    // role's users alone, where the name index passed every other user on the way (a role of 4,499
    // users at 200,000: read whole and sorted, 21 ms; walked here, 5 ms).
    index('users_role_name_idx').on(t.roleId, t.lastName, t.firstName, t.id),
    index('users_status_idx').on(t.status, t.id),
    index('users_name_idx').on(t.lastName, t.firstName, t.id),
    // The last-sign-in sort, per status (issue 18): a status filter is a range of it, and without one
    // the list merges the four statuses' walks. Never-signed-in users sort as the earliest sign-ins.
    index('users_status_last_login_idx').on(
      t.status,
      sql`coalesce(${t.lastLoginAt}, '-infinity'::timestamptz)`,
      t.id,
    ),
  ],
);

/**
 * The text people search for (names and e-mail, lower-cased), kept off the `users` table so that
 * bulk updates of role and status never maintain the trigram index (PERF-NOTES), and beside it a
 * copy of every column the users list filters or sorts a search by (issue 18): a search with up to
 * a few tens of thousands of matches is filtered, sorted and cut to its page here, and `users` is
 * read for the page's rows only. Only `user_id`, `document`, the names and the e-mail are indexed
 * (the names, or the e-mail, with the document, so that a search sorted by name or by e-mail walks
 * that index alone), so a role, status
 * or sign-in change of the copy is a HOT update that never touches an index (the table keeps free
 * room in its pages: fillfactor 90). An entry of the name index holds both names twice and the
 * e-mail once: with the longest names SCIM takes (200 UTF-16 units each, 3 bytes a character) and
 * e-mail (254) it is ~2,690 bytes, under btree's 2,704 (a test stores such a user). Statement
 * triggers on `users` keep it in step (migrations 0003, 0022).
 */
export const userSearch = pgTable(
  'user_search',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    document: text('document').notNull(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    email: text('email').notNull(),
    status: userStatus('status').notNull(),
    roleId: uuid('role_id').notNull(),
    lastLoginAt: at('last_login_at'),
  },
  (t) => [
    index('user_search_document_trgm_idx').using('gin', t.document.op('gin_trgm_ops')),
    // A search sorted by name walks this index alone, its document checked on the index entry (issue
    // 18: the sort keys beside the search document). A role or status copied here never changes it.
    index('user_search_name_idx').on(t.lastName, t.firstName, t.userId, t.document),
    // The same for a search sorted by e-mail: an index-only walk of ~0.2 µs a user where the users'
    // e-mail index looked each user's search row up by key (~2.5 µs). Only an e-mail change moves it.
    index('user_search_email_idx').on(t.email, t.userId, t.document),
  ],
);

/**
 * A user's search document made from their row of `users`, by the database function the search
 * table's triggers fill `user_search.document` with (migration 0003): the same text, for the rows
 * of `users` a query reads without their search row.
 */
export const searchDocumentOf = (row: {
  firstName: SQLWrapper;
  lastName: SQLWrapper;
  email: SQLWrapper;
}): SQL => sql`roster_search_document(${row.firstName}, ${row.lastName}, ${row.email})`;

/**
 * How many users have each role and status, so that the users list and "select all" show exact
 * numbers at once for the facets bulk operations move. Statement-level triggers on `users`
 * (migration 0011) append one row per (role, status) whose count a statement changed, with the
 * difference; a count is the sum of its rows, and the rows are folded together now and then
 * (`foldUserCounts`). Appending, never updating one row, keeps two batches that run at once from
 * waiting on each other.
 */
export const userCounts = pgTable('user_counts', {
  roleId: uuid('role_id').notNull(),
  status: userStatus('status').notNull(),
  n: integer('n').notNull(),
});

/**
 * How many users have each (role, status, module, level), so that a module filter, alone or with a
 * role or a status, is counted at once at any size (a role's 300,000 users joined with a module's
 * 160,000 rows took 0.2–0.9 s). Kept like `userCounts`: statement-level triggers (migration 0017) on
 * `users` (a role or status changed: the user's module rows move) and on `module_access` (rows
 * added or removed: counted under the user's role and status, the user's row locked first, so that
 * a role change and an access change of one user never miss each other) append differences; a count
 * is the sum of its rows, folded together now and then (`foldUserModuleCounts`).
 */
export const userModuleCounts = pgTable('user_module_counts', {
  roleId: uuid('role_id').notNull(),
  status: userStatus('status').notNull(),
  module: moduleName('module').notNull(),
  level: accessLevel('level').notNull(),
  n: integer('n').notNull(),
});

export const moduleAccess = pgTable(
  'module_access',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    module: moduleName('module').notNull(),
    /** `none` is the absence of a row. */
    level: accessLevel('level').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.module] }),
    // Counts the users of a module filter from the index alone (1M users: 65 ms, 1.3 s without),
    // and joins a role's users in user-id order.
    index('module_access_module_level_user_idx').on(t.module, t.level, t.userId),
  ],
);

export const orgUnits = pgTable(
  'org_units',
  {
    id: id(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    kind: orgUnitKind('kind').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('org_units_parent_id_idx').on(t.parentId)],
);

export const userScopes = pgTable(
  'user_scopes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.orgUnitId] }),
    index('user_scopes_org_unit_id_idx').on(t.orgUnitId),
  ],
);

export const userRights = pgTable(
  'user_rights',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    right: rightName('right').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.right] }),
    // A right's holders, counted (users.count) or listed, read on this index alone: without it every
    // count of a right read the whole table (2,675 pages, ~100 ms at 1,000,000 users).
    index('user_rights_right_user_id_idx').on(t.right, t.userId),
  ],
);

/** Projects, activities and sub-budgets a user can be a member of (functional authorizations). */
export const functionalResources = pgTable('functional_resources', {
  id: id(),
  kind: functionalResourceKind('kind').notNull(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** Functional authorizations: never touched by any bulk operation (SPEC §1). */
export const functionalMemberships = pgTable(
  'functional_memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => functionalResources.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.resourceId] }),
    index('functional_memberships_resource_id_idx').on(t.resourceId),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** SHA-256 of the 256-bit token; the token itself is only ever in the e-mail. */
    tokenHash: text('token_hash').notNull(),
    status: invitationStatus('status').notNull().default('pending'),
    message: text('message'),
    expiresAt: at('expires_at').notNull(),
    sentCount: integer('sent_count').notNull().default(1),
    lastSentAt: at('last_sent_at').notNull().defaultNow(),
    invitedBy: uuid('invited_by').references(() => users.id),
    operationId: uuid('operation_id'),
    acceptedAt: at('accepted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    index('invitations_user_id_idx').on(t.userId),
    index('invitations_invited_by_idx').on(t.invitedBy),
    /** At most one pending invitation per user. */
    uniqueIndex('invitations_one_pending_per_user').on(t.userId).where(sql`${t.status} = 'pending'`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
    /**
     * When the web app on this session last asked for its administrator's finished operations
     * (`bulk.finishedSince`): one that has not asked lately is away, and is told by e-mail.
     */
    lastSeenAt: at('last_seen_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_id_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text('prefix').notNull(),
    /** `api`: the typed API; `scim`: only the SCIM endpoints (an identity provider's token). */
    scope: apiTokenScope('scope').notNull().default('api'),
    createdAt: createdAt(),
    expiresAt: at('expires_at'),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash),
    index('api_tokens_user_id_idx').on(t.userId),
  ],
);

/**
 * The identity provider's own id of a user it provisioned through SCIM (`externalId`, RFC 7643 §3.1),
 * kept beside the user rather than on `users`, which bulk operations update. Providers look users up by it.
 */
export const scimExternalIds = pgTable(
  'scim_external_ids',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    externalId: text('external_id').notNull(),
  },
  (t) => [index('scim_external_ids_external_id_idx').on(t.externalId)],
);

/**
 * Failed sign-ins, for throttling; kept in the database so every server process agrees. One row per
 * client address and e-mail, and one per client address for every e-mail (`email` = '*', domain
 * `SIGN_IN_ANY_EMAIL`): a stranger's failures from one address never slow the owner at another.
 */
export const signInThrottle = pgTable(
  'sign_in_throttle',
  {
    /** The client address (an IPv6 address by its /64 network: one host holds all of it). */
    address: text('address').notNull(),
    email: text('email').notNull(),
    failures: integer('failures').notNull(),
    lastFailureAt: at('last_failure_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.address, t.email] })],
);

export const bulkOperations = pgTable(
  'bulk_operations',
  {
    /** The client-generated operation id: the idempotency key of an apply. */
    id: uuid('id').primaryKey(),
    kind: bulkOperationKind('kind').notNull(),
    params: jsonb('params').notNull(),
    selection: jsonb('selection').notNull(),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    status: bulkOperationStatus('status').notNull().default('queued'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    blocked: integer('blocked').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** The operation this one reverts or retries, if any. */
    sourceOperationId: uuid('source_operation_id'),
    /** SHA-256 of an imported file. */
    fileSha256: text('file_sha256'),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    /** A worker holds the operation until this time and extends it while it works. */
    leaseUntil: at('lease_until'),
  },
  (t) => [
    /**
     * The starter's operations by finish time: the app's "finished since" poll (every 15 s per
     * administrator: 0.1 ms at 200,000 operations, 36-92 ms on the actor index alone), the distinct
     * starters, and the foreign key's index.
     */
    index('bulk_operations_actor_finished_idx').on(t.actorId, t.finishedAt),
    index('bulk_operations_created_at_idx').on(t.createdAt),
    index('bulk_operations_unfinished_idx').on(t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/**
 * One row per selected user (or imported CSV row): the per-user results of an operation (and the
 * rows of an import, from its preview on). `user_id` is deliberately not a foreign key: results are
 * a record, and an index on it would cost every bulk write. Nor is `operation_id`: items are only
 * written by transactions that have just read their operation, and the check per row cost a third of
 * the writes of an import's rows.
 */
export const bulkOperationItems = pgTable(
  'bulk_operation_items',
  {
    operationId: uuid('operation_id').notNull(),
    position: integer('position').notNull(),
    userId: uuid('user_id'),
    email: text('email'),
    /** Null while the item waits to be processed. */
    outcome: outcome('outcome'),
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    /**
     * For imports: the CSV row (line number and values), kept as the text it came as (`json`): a
     * preview stores 100,000 of them, and converting each to `jsonb` took most of that write.
     */
    input: json('input'),
    /** For a change: the user's version once changed (a revert refuses users changed again since). */
    version: integer('version'),
    /**
     * For a failure: the retry that took this user (set when the retry starts, under the row's lock),
     * so a second retry of the same operation cannot run the user again over newer changes.
     */
    retriedBy: uuid('retried_by'),
    processedAt: at('processed_at'),
  },
  (t) => [primaryKey({ columns: [t.operationId, t.position] })],
);

/**
 * The selection of a running operation, snapshotted at Apply as arrays of user ids: one row per batch,
 * deleted in the transaction that processes that batch (so a batch is done exactly when its row is
 * gone). A hundred rows for 1,000,000 users, instead of a queue row per user written twice.
 */
export const bulkOperationBatches = pgTable(
  'bulk_operation_batches',
  {
    operationId: uuid('operation_id')
      .notNull()
      .references(() => bulkOperations.id),
    batchNo: integer('batch_no').notNull(),
    /** The result position of the batch's first user; the others follow in order. */
    firstPosition: integer('first_position').notNull(),
    /** Stored out of line without compression, as `source_positions` (migration 0029). */
    userIds: uuid('user_ids').array().notNull(),
    /** For a revert: each user's result position in the operation it reverts. */
    sourcePositions: integer('source_positions').array(),
    /**
     * For an import: the position of the batch's last row. Its rows are the items from
     * `first_position` to here (and `user_ids` is empty: the batch creates its users).
     */
    lastPosition: integer('last_position'),
  },
  (t) => [primaryKey({ columns: [t.operationId, t.batchNo] })],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: at('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    userId: uuid('user_id'),
    operationId: uuid('operation_id'),
    /**
     * A code of the domain's audit vocabulary: a writer stores only declared actions. Rows written by
     * an older version may hold codes it no longer declares; readers take the column as a string.
     */
    action: text('action').$type<AuditAction>().notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    /** Context such as the e-mail of a failed sign-in or the API token used. */
    meta: jsonb('meta'),
  },
  (t) => [
    index('audit_events_user_id_idx').on(t.userId, t.id),
    index('audit_events_operation_id_idx').on(t.operationId),
  ],
);

export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    status: outboxStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    invitationId: uuid('invitation_id').references(() => invitations.id),
    operationId: uuid('operation_id'),
    createdAt: createdAt(),
    sentAt: at('sent_at'),
  },
  (t) => [
    index('email_outbox_invitation_id_idx').on(t.invitationId),
    /** What the delivery workers claim: queued messages, and sending ones whose claim ran out. */
    index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
  ],
);
