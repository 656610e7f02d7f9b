import { type Db, roles, sqlUuids, users } from '@roster/db';
import {
  planScimGroupReplace,
  SCIM_GROUP_SCHEMA,
  SCIM_LIMITS,
  SCIM_LIST_SCHEMA,
  SCIM_PATCH_SCHEMA,
  ScimError,
  type ScimGroupRole,
} from '@roster/domain';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { parse } from 'scim2-parse-filter';
import { z } from 'zod';
import { defaultScimRole } from './scimUsers';
import type { ScimWrite } from './scimWrites';

type Role = { id: string; name: string; isAdmin: boolean; createdAt: Date };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function groupResource(role: Role, baseUrl: string, members?: { id: string; email: string }[]) {
  return {
    schemas: [SCIM_GROUP_SCHEMA],
    id: role.id,
    displayName: role.name,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.id,
            display: m.email,
            $ref: `${baseUrl}/Users/${m.id}`,
            type: 'User',
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: role.createdAt.toISOString(),
      location: `${baseUrl}/Groups/${role.id}`,
    },
  };
}

const roleColumns = { id: roles.id, name: roles.name, isAdmin: roles.isAdmin, createdAt: roles.createdAt };

/**
 * The members of a role, when there are few enough to answer with (RFC 7644 has no paging of
 * members): counted no further than one past the limit on the role's index, so a role of 500,000
 * users costs what one of 1,001 does, and never loaded beyond it.
 */
async function membersOf(db: Db, roleId: string) {
  const [row] = await db.select({ n: count() }).from(
    db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.roleId, roleId))
      .limit(SCIM_LIMITS.maxResults + 1)
      .as('bounded'),
  );
  if ((row?.n ?? 0) > SCIM_LIMITS.maxResults) {
    throw new ScimError(
      400,
      'tooMany',
      `This group has more than ${SCIM_LIMITS.maxResults} members: ask with excludedAttributes=members, and for its users with GET /Users.`,
    );
  }
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.roleId, roleId))
    .orderBy(asc(users.id));
}

const wantsMembers = (query: {
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
}) => {
  const list = (v: string | undefined) => v?.split(',').map((a) => a.trim().toLowerCase()) ?? [];
  if (list(query.excludedAttributes).includes('members')) return false;
  const attributes = list(query.attributes);
  return attributes.length === 0 || attributes.includes('members');
};

/**
 * GET /Groups: Roster's roles, one group each (a user has exactly one role). A filter may only be
 * `displayName eq "…"` (what Okta and Entra ID send to find a group); members are listed only when
 * asked for by `attributes=members` (a role can hold hundreds of thousands of users).
 */
export async function listScimGroups(
  db: Db,
  query: {
    filter?: string | undefined;
    attributes?: string | undefined;
    excludedAttributes?: string | undefined;
  },
  baseUrl: string,
) {
  let name: string | undefined;
  if (query.filter) {
    let filter: ReturnType<typeof parse>;
    try {
      filter = parse(query.filter);
    } catch (error) {
      throw new ScimError(
        400,
        'invalidFilter',
        `The filter does not parse: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (
      filter.op !== 'eq' ||
      filter.attrPath.toLowerCase() !== 'displayname' ||
      typeof filter.compValue !== 'string'
    ) {
      throw new ScimError(400, 'invalidFilter', 'Groups are filtered by displayName eq "…" only.');
    }
    name = filter.compValue;
  }
  const rows = await db
    .select(roleColumns)
    .from(roles)
    .where(name === undefined ? undefined : sql`lower(${roles.name}) = ${name.toLowerCase()}`)
    .orderBy(asc(roles.name));
  const members =
    query.attributes
      ?.toLowerCase()
      .split(',')
      .map((a) => a.trim())
      .includes('members') ?? false;
  const resources = [];
  for (const role of rows)
    resources.push(groupResource(role, baseUrl, members ? await membersOf(db, role.id) : undefined));
  return {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: rows.length,
    startIndex: 1,
    itemsPerPage: rows.length,
    Resources: resources,
  };
}

export async function findScimGroup(db: Db, id: string): Promise<Role> {
  if (!UUID.test(id)) throw new ScimError(404, null, `No group has the id ${id}.`);
  const [role] = await db.select(roleColumns).from(roles).where(eq(roles.id, id.toLowerCase()));
  if (!role) throw new ScimError(404, null, `No group has the id ${id}.`);
  return role;
}

/** GET /Groups/{id}: the role, with its members unless excluded (refused over maxResults members). */
export async function getScimGroup(
  db: Db,
  id: string,
  query: { attributes?: string | undefined; excludedAttributes?: string | undefined },
  baseUrl: string,
) {
  const role = await findScimGroup(db, id);
  return groupResource(role, baseUrl, wantsMembers(query) ? await membersOf(db, role.id) : undefined);
}

export function scimGroupResource(role: Role, baseUrl: string) {
  return groupResource(role, baseUrl);
}

const memberValues = z.array(z.looseObject({ value: z.string() })).max(SCIM_LIMITS.bulkMaxOperations);

const groupPatchSchema = z.object({
  schemas: z
    .array(z.string())
    .refine((s) => s.includes(SCIM_PATCH_SCHEMA), { message: `schemas must hold ${SCIM_PATCH_SCHEMA}.` }),
  Operations: z
    .array(
      z.object({
        op: z.string().transform((op) => op.toLowerCase()),
        path: z.string().optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(100),
});

function target(value: string) {
  if (!UUID.test(value)) throw new ScimError(400, 'invalidValue', `${value} is no user's id.`);
  return { id: value.toLowerCase() };
}

/**
 * A group's members replaced by this list (the domain's `planScimGroupReplace`): the listed users
 * get the role, its other members the default role (each only if still of this role when written).
 */
async function replaceWrites(
  db: Db,
  role: Role,
  fallback: ScimGroupRole,
  members: readonly { value: string }[],
): Promise<ScimWrite[]> {
  const listed = members.map((member) => target(member.value).id);
  // The members leaving: the role's users the list does not name, found by PostgreSQL.
  const leaving = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.roleId, role.id), sql`${users.id} <> all(${sqlUuids(listed)})`));
  return planScimGroupReplace(
    role,
    fallback,
    listed,
    leaving.map((row) => row.id),
  ).map((move) => ({
    kind: 'setRole',
    target: { id: move.userId },
    role: move.roleId === role.id ? role : fallback,
    onlyFrom: move.onlyFrom,
  }));
}

const groupPutSchema = z.looseObject({
  schemas: z
    .array(z.string())
    .refine((s) => s.includes(SCIM_GROUP_SCHEMA), { message: `schemas must hold ${SCIM_GROUP_SCHEMA}.` }),
  displayName: z.string().optional(),
  members: memberValues.optional(),
});

/**
 * PUT /Groups/{id}: the group as given. Its name is Roster's (a different displayName is refused);
 * `members`, when given, replace the members as a PATCH `replace` does; left out, they are not
 * asserted and stay as they are (RFC 7644 §3.5.1 leaves omitted attributes to the service provider).
 */
export async function groupPutWrites(db: Db, role: Role, body: unknown): Promise<ScimWrite[]> {
  const parsed = groupPutSchema.safeParse(body);
  if (!parsed.success)
    throw new ScimError(400, 'invalidSyntax', parsed.error.issues[0]?.message ?? 'Invalid group.');
  const { displayName, members } = parsed.data;
  if (displayName !== undefined && displayName.toLowerCase() !== role.name.toLowerCase()) {
    throw new ScimError(400, 'mutability', 'A group is a role: it is renamed in Roster, not through SCIM.');
  }
  return members === undefined ? [] : replaceWrites(db, role, await defaultScimRole(db), members);
}

/**
 * PATCH /Groups/{id} as role moves: members added get the group's role; members removed go back to
 * the default role (Reader), a user having exactly one role; `replace` of `members` replaces them as
 * a whole (`replaceWrites`). Renaming a group (a role) is Roster's.
 */
export async function groupPatchWrites(db: Db, role: Role, body: unknown): Promise<ScimWrite[]> {
  const parsed = groupPatchSchema.safeParse(body);
  if (!parsed.success)
    throw new ScimError(400, 'invalidSyntax', parsed.error.issues[0]?.message ?? 'Invalid PATCH.');
  const fallback = await defaultScimRole(db);
  const writes: ScimWrite[] = [];
  for (const op of parsed.data.Operations) {
    const path = op.path?.trim();
    const removed = path?.match(/^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i)?.[1];
    if (
      (op.op === 'add' || op.op === 'replace') &&
      (path === undefined || path.toLowerCase() === 'members')
    ) {
      const value =
        path === undefined
          ? z.object({ members: memberValues }).safeParse(op.value)
          : memberValues.safeParse(op.value);
      if (!value.success) {
        throw new ScimError(
          400,
          path === undefined ? 'mutability' : 'invalidValue',
          path === undefined
            ? 'Only members can change: a group is a role, renamed in Roster.'
            : 'members is a list of { value: <user id> }.',
        );
      }
      const list = Array.isArray(value.data) ? value.data : value.data.members;
      if (op.op === 'replace') {
        writes.push(...(await replaceWrites(db, role, fallback, list)));
        continue;
      }
      for (const member of list) writes.push({ kind: 'setRole', target: target(member.value), role: role });
    } else if (op.op === 'remove' && (removed || path?.toLowerCase() === 'members')) {
      const values = removed ? [{ value: removed }] : memberValues.safeParse(op.value).data;
      if (!values)
        throw new ScimError(
          400,
          'noTarget',
          'Name the members to remove: members[value eq "<id>"] or a value list.',
        );
      if (role.id === fallback.id) continue; // Already the default role: nothing to move back to.
      for (const member of values) {
        writes.push({ kind: 'setRole', target: target(member.value), role: fallback, onlyFrom: role.id });
      }
    } else {
      throw new ScimError(
        400,
        'mutability',
        `A group is a role: only its members change through SCIM (not ${path ?? op.op}).`,
      );
    }
  }
  return writes;
}
