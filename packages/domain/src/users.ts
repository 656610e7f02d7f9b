import { z } from 'zod';
import { GRANTED_ACCESS_LEVELS, USER_STATUSES } from './catalog';
import { DomainError } from './errors';
import { storable } from './text';

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

export const usersListInputSchema = z
  .object({
    filter: usersFilterSchema.optional(),
    sort: userSortSchema.optional(),
    cursor: storable(z.string().max(2000)).optional(),
    /** `false`: the first page does not count the matching users (`total: null`); ask `users.count` beside it. */
    count: z.boolean().optional(),
    /** Sent by tRPC's infinite queries; pages only go forward. */
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
    filter.invitationExpired === undefined
  );
}

/** An invited user's pending invitation has expired when its expiry is not in the future. */
export function isInvitationExpired(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() <= now.getTime();
}

/** `users.get`: one user, by id. */
export const userByIdInputSchema = z.object({ id: z.uuid('A user id is a UUID.') });

/** `users.count`: the exact number of users matching a filter. */
export const usersCountInputSchema = z.object({ filter: usersFilterSchema.optional() }).strict();
