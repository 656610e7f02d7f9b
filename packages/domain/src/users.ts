import { z } from 'zod';
import { GRANTED_ACCESS_LEVELS, USER_STATUSES } from './catalog';
import { DomainError } from './errors';
import { inSupportedYears, UNSUPPORTED_YEAR_MESSAGE } from './instants';
import { storable } from './text';

/** Most days a "not signed in for N days" filter looks back (ten years). */
export const LAST_SIGN_IN_MAX_DAYS = 3650;

/**
 * Last sign-in: never signed in, or signed in but not in the last `days` days. The cut-off is taken
 * from the request's clock by the API (`lastSignInCutoff`), so the filter itself holds no time.
 */
export const lastSignInFilterSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }).strict(),
  z
    .object({
      kind: z.literal('olderThan'),
      days: z
        .number()
        .int('A number of days is a whole number.')
        .min(1, 'A number of days is at least 1.')
        .max(LAST_SIGN_IN_MAX_DAYS, `A number of days is at most ${LAST_SIGN_IN_MAX_DAYS}.`),
    })
    .strict(),
]);
export type LastSignInFilter = z.infer<typeof lastSignInFilterSchema>;

/** A day (`2026-03-01`, UTC) or an instant with its offset (`2026-03-01T09:00:00+01:00`). */
const createdBoundSchema = z
  .union(
    [z.iso.date(), z.iso.datetime({ offset: true })],
    'A creation date is a day (2026-03-01) or a date and time with its offset (2026-03-01T09:00:00Z).',
  )
  .refine(inSupportedYears, UNSUPPORTED_YEAR_MESSAGE);

/** An e-mail domain: `acme.com` (a leading `@` is dropped), compared case-insensitively. */
const EMAIL_DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
export const emailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .min(1, 'Enter an e-mail domain, e.g. acme.com.')
      .max(253, 'An e-mail domain has at most 253 characters.')
      .regex(EMAIL_DOMAIN_PATTERN, 'An e-mail domain is written like acme.com (no spaces, no @ inside).'),
  );

/** The users table's filter (SPEC §6 shape); also what a "select all N matching" selection carries. */
export const usersFilterSchema = z
  .object({
    status: z.array(z.enum(USER_STATUSES)).max(USER_STATUSES.length).optional(),
    roleIds: z
      .array(z.uuid('A role id is a UUID.').transform((id) => id.toLowerCase()))
      .max(100)
      .optional(),
    search: storable(z.string().trim().max(200, 'A search has at most 200 characters.')).optional(),
    /** Module names are checked against the catalogue by the API, so an unknown one is named as such. */
    module: z
      .object({ module: storable(z.string().max(50)), minLevel: z.enum(GRANTED_ACCESS_LEVELS) })
      .optional(),
    orgUnitId: z.uuid('An organisation unit id is a UUID.').optional(),
    /** With `orgUnitId`: also users scoped to any unit below it. */
    includeDescendants: z.boolean().optional(),
    right: storable(z.string().max(50)).optional(),
    /** Users holding any of these cross-functional rights (with `right`, both must hold). */
    rights: z
      .array(storable(z.string().max(50)))
      .max(50)
      .optional(),
    lastSignIn: lastSignInFilterSchema.optional(),
    /** Created at or after this day (UTC) or instant. */
    createdFrom: createdBoundSchema.optional(),
    /** Created on or before this day (UTC, the whole day included), or before this instant. */
    createdTo: createdBoundSchema.optional(),
    /** Users whose e-mail is at exactly this domain (`acme.com` is not `eu.acme.com`). */
    emailDomain: emailDomainSchema.optional(),
    /** `true`: invited users whose pending invitation has expired; `false`: invited users whose has not. */
    invitationExpired: z.boolean().optional(),
  })
  .strict();
export type UsersFilter = z.infer<typeof usersFilterSchema>;

export const USER_SORT_FIELDS = ['name', 'email', 'status', 'role', 'created', 'lastLogin'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];

export const userSortSchema = z.object({
  field: z.enum(USER_SORT_FIELDS),
  direction: z.enum(['asc', 'desc']),
});
export type UserSort = z.infer<typeof userSortSchema>;
export const DEFAULT_USER_SORT: UserSort = { field: 'name', direction: 'asc' };

export const USERS_PAGE_MAX = 500;

/** The sorts whose key begins with text an administrator types: a list so sorted can start at a letter. */
export const USER_SORTS_BY_TEXT = ['name', 'email'] as const satisfies readonly UserSortField[];

/**
 * Where a list starts without a cursor: its end (the last page, in the same order), or the first row
 * whose sort key (last name, or e-mail) is at or past `prefix` in the sort's direction.
 */
export const usersListStartSchema = z.union([
  z.literal('end'),
  z
    .object({
      prefix: storable(
        z
          .string()
          .trim()
          .min(1, 'Type at least one letter to jump to.')
          .max(100, 'A prefix to jump to has at most 100 characters.'),
      ),
    })
    .strict(),
]);
export type UsersListStart = z.infer<typeof usersListStartSchema>;

/**
 * The prefix a list sorted by `field` starts at, as its key is stored (e-mails lower-cased), or a
 * refusal when the sort's key is not text (a role, a status, a date).
 */
export function listStartPrefix(field: UserSortField, prefix: string): string {
  const textField = USER_SORTS_BY_TEXT.find((f) => f === field);
  if (!textField) throw new DomainError('invalid_start');
  return textField === 'email' ? prefix.toLowerCase() : prefix;
}

export const usersListInputSchema = z
  .object({
    filter: usersFilterSchema.optional(),
    sort: userSortSchema.optional(),
    cursor: storable(z.string().max(2000)).optional(),
    /** Where the first page starts (no cursor): `'end'`, or `{ prefix }` for a name or e-mail sort. */
    from: usersListStartSchema.optional(),
    /** `false`: the first page does not count the matching users (`total: null`); ask `users.count` beside it. */
    count: z.boolean().optional(),
    /**
     * Sent by tRPC's infinite queries: `backward` with a page's `prevCursor` answers the rows just
     * before that page, in the sort's order.
     */
    direction: z.enum(['forward', 'backward']).optional(),
    limit: z
      .number()
      .int('The limit is a whole number.')
      .min(1, 'The limit is at least 1.')
      .max(USERS_PAGE_MAX, `The limit is at most ${USERS_PAGE_MAX}.`)
      .optional(),
  })
  .strict();
export type UsersListInput = z.infer<typeof usersListInputSchema>;

/**
 * One row of `users.list` (SPEC §6: fields may be added, not renamed): what the table shows, and
 * what a client-side preview of an operation reads (status, role, invitation, access).
 */
export const listedUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  status: z.enum(USER_STATUSES),
  roleId: z.uuid(),
  roleName: z.string(),
  roleIsAdmin: z.boolean(),
  createdAt: z.date(),
  lastLoginAt: z.date().nullable(),
  /** Set once the user first became active (reactivation returns such users to `active`). */
  activatedAt: z.date().nullable(),
  version: z.number().int(),
  /** The pending invitation, if any. */
  invitation: z.object({ expiresAt: z.date(), sentCount: z.number().int(), lastSentAt: z.date() }).nullable(),
  /** Organisation unit ids, in id order. */
  scope: z.array(z.string()),
  /** Rights, in order. */
  rights: z.array(z.string()),
  /** Module access as `module:level` pairs, e.g. `budget:edit`. */
  moduleAccess: z.array(z.string()),
});

/**
 * `users.list`'s answer: the procedure declares it as its output, so a field renamed or dropped
 * fails loudly instead of breaking a tool.
 */
export const usersPageSchema = z.object({
  items: z.array(listedUserSchema),
  nextCursor: z.string().nullable(),
  /** Where the rows before this page end (page with `direction: 'backward'`); null at the start. */
  prevCursor: z.string().nullable(),
  /** The position of the page's first row in the whole result, from 0; null when not known. */
  offset: z.number().int().nullable(),
  /** The exact number of users matching the filter; null when the caller asked not to count. */
  total: z.number().int().nullable(),
});

/** Most ids one `{ ids }` selection may carry (SPEC §2). */
export const SELECTION_MAX_IDS = 100_000;

/** Which users a bulk operation is for: ticked rows, or every user matching a filter (SPEC §2). */
export const selectionSchema = z.union([
  z
    .object({
      ids: z
        .array(z.uuid('A user id is a UUID.'))
        .max(SELECTION_MAX_IDS, `A selection holds at most ${SELECTION_MAX_IDS.toLocaleString('en')} users.`),
    })
    .strict(),
  z
    .object({
      filter: usersFilterSchema,
      /** How many users the filter matched when the admin chose "all N matching" (the N they saw). */
      expectedCount: z.number().int().min(0),
      /** Users the admin unticked afterwards: "all N matching except these". */
      exceptIds: z
        .array(z.uuid('A user id is a UUID.'))
        .max(SELECTION_MAX_IDS, `At most ${SELECTION_MAX_IDS.toLocaleString('en')} users can be left out.`)
        .optional(),
    })
    .strict(),
]);
export type Selection = z.infer<typeof selectionSchema>;

/**
 * "All N matching (except these)" checked against the users as they are now (SPEC §2): `matching` is
 * how many users the filter matches, `excepted` how many of them the admin unticked. Returns how many
 * are selected; refuses a filter that matches nobody, a count that moved since the admin saw it
 * (`selection_changed`), and a selection with everyone left out.
 */
export function selectedByFilter(matching: number, excepted: number, expectedCount: number): number {
  if (matching === 0) throw new DomainError('empty_selection', 'No user matches this filter.');
  if (matching !== expectedCount) throw new DomainError('selection_changed');
  const selected = matching - excepted;
  if (selected <= 0)
    throw new DomainError('empty_selection', 'Every user matching this filter was left out.');
  return selected;
}

/** Whether a filter narrows anything (an empty filter is "all users"). */
export function isEmptyFilter(filter: UsersFilter | undefined): boolean {
  if (!filter) return true;
  return (
    !filter.status?.length &&
    !filter.roleIds?.length &&
    !filter.search &&
    !filter.module &&
    !filter.orgUnitId &&
    !filter.right &&
    !filter.rights?.length &&
    !filter.lastSignIn &&
    !filter.createdFrom &&
    !filter.createdTo &&
    !filter.emailDomain &&
    filter.invitationExpired === undefined
  );
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Users who last signed in before this instant have not signed in for `days` days at `now`. */
export function lastSignInCutoff(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * The creation range of a filter as a half-open interval of instants: `from` included, `before`
 * excluded (a `createdTo` day includes that whole day, UTC). Refuses a range that holds no instant.
 */
export function createdRange(filter: Pick<UsersFilter, 'createdFrom' | 'createdTo'>): {
  from: Date | undefined;
  before: Date | undefined;
} {
  const from = filter.createdFrom
    ? new Date(DATE_ONLY.test(filter.createdFrom) ? `${filter.createdFrom}T00:00:00Z` : filter.createdFrom)
    : undefined;
  const before = filter.createdTo
    ? DATE_ONLY.test(filter.createdTo)
      ? new Date(new Date(`${filter.createdTo}T00:00:00Z`).getTime() + DAY_MS)
      : new Date(filter.createdTo)
    : undefined;
  if (from && before && from.getTime() >= before.getTime()) throw new DomainError('invalid_date_range');
  return { from, before };
}

/** An invited user's pending invitation has expired when its expiry is not in the future. */
export function isInvitationExpired(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() <= now.getTime();
}

/** `users.get`: one user, by id. */
export const userByIdInputSchema = z.object({ id: z.uuid('A user id is a UUID.') });

/** `users.count`: the exact number of users matching a filter. */
export const usersCountInputSchema = z.object({ filter: usersFilterSchema.optional() }).strict();
