import { type SQL, sql } from 'drizzle-orm';
import { ensureBuiltInRoles } from './builtInRoles';
import type { Db } from './createDb';
import { queryRows } from './rows';
import { functionalResources, orgUnits, roles } from './schema';

const FIRST_NAMES = [
  'Emma',
  'Louis',
  'Chloé',
  'Hugo',
  'Léa',
  'Lucas',
  'Manon',
  'Nathan',
  'Camille',
  'Théo',
  'Sarah',
  'Arthur',
  'Inès',
  'Jules',
  'Julie',
  'Adam',
  'Anna',
  'Noah',
  'Clara',
  'Ethan',
  'Olivia',
  'Liam',
  'Sofia',
  'Mateo',
  'Amelia',
  'Oliver',
  'Isla',
  'Jack',
  'Mia',
  'Leo',
  'Charlotte',
  'Henry',
  'Grace',
  'Samuel',
  'Lucy',
  'Daniel',
  'Hannah',
  'David',
  'Laura',
  'Paul',
  'Marie',
  'Pierre',
  'Elena',
  'Marco',
  'Giulia',
  'Luca',
  'Sofía',
  'Javier',
  'Lucía',
  'Pablo',
  'Ana',
  'Diego',
  'Yuki',
  'Kenji',
  'Aiko',
  'Wei',
  'Mei',
  'Arjun',
  'Priya',
  'Omar',
  'Fatima',
  'Ali',
  'Nora',
  'Erik',
  'Ingrid',
  'Lars',
  'Freya',
  'Mehmet',
  'Elif',
] as const;
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Moore',
  'Jackson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'King',
  'Wright',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Hoffmann',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Pérez',
  'Tanaka',
  'Suzuki',
  'Sato',
  'Nguyen',
  'Chen',
  'Wang',
  'Kumar',
  'Singh',
  'Khan',
  'Hansen',
  'Larsen',
  'Yilmaz',
  'Kaya',
  'Novak',
  'Kowalski',
  'Nowak',
  'Silva',
  'Santos',
  'Oliveira',
  'Costa',
] as const;
const DOMAINS = [
  'acme-industries.com',
  'globex.example',
  'initech.example',
  'umbrella-group.example',
] as const;
const EXTRA_ROLES = ['Finance controller', 'External auditor'] as const;
const ENTITIES = ['France', 'Germany', 'United Kingdom', 'Spain', 'Italy', 'North America'] as const;
const DEPARTMENTS = [
  'Finance',
  'IT',
  'Operations',
  'Human Resources',
  'Sales',
  'Marketing',
  'Purchasing',
  'R&D',
] as const;
/** Share of each role among seeded users, by name; the rest are Readers. */
const ROLE_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['Administrator', 0.004],
  ['Portfolio manager', 0.06],
  ['Project manager', 0.14],
  ['Buyer', 0.07],
  ['Contributor', 0.3],
  ['Finance controller', 0.02],
  ['External auditor', 0.01],
];

/** Roles, the organisation tree and the functional resources a tenant needs; each made once. */
export async function ensureReferenceData(db: Db): Promise<void> {
  await ensureBuiltInRoles(db);
  await db
    .insert(roles)
    .values(EXTRA_ROLES.map((name) => ({ name })))
    .onConflictDoNothing({ target: roles.name });
  const [existingUnit] = await db.select({ id: orgUnits.id }).from(orgUnits).limit(1);
  if (!existingUnit) {
    const [group] = await db.insert(orgUnits).values({ name: 'Acme Group', kind: 'group' }).returning();
    if (!group) throw new Error('Could not create the organisation tree');
    for (const entityName of ENTITIES) {
      const [entity] = await db
        .insert(orgUnits)
        .values({ name: `Acme ${entityName}`, kind: 'entity', parentId: group.id })
        .returning();
      if (!entity) throw new Error('Could not create the organisation tree');
      await db.insert(orgUnits).values(
        DEPARTMENTS.map((name) => ({
          name: `${name} — ${entityName}`,
          kind: 'department' as const,
          parentId: entity.id,
        })),
      );
    }
  }
  const [existingResource] = await db
    .select({ id: functionalResources.id })
    .from(functionalResources)
    .limit(1);
  if (!existingResource) {
    await db.insert(functionalResources).values([
      ...Array.from({ length: 120 }, (_, i) => ({
        kind: 'project' as const,
        name: `Project ${String(i + 1).padStart(3, '0')}`,
      })),
      ...Array.from({ length: 40 }, (_, i) => ({ kind: 'activity' as const, name: `Activity ${i + 1}` })),
      ...Array.from({ length: 30 }, (_, i) => ({
        kind: 'sub_budget' as const,
        name: `Sub-budget ${i + 1}`,
      })),
    ]);
  }
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users`);
  return row?.n ?? 0;
}

/** A UUIDv7 computed in SQL from a millisecond timestamp: time-ordered like the app's own ids. */
const uuidv7At = (ms: SQL) =>
  sql`(lpad(to_hex(${ms}), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid`;

export type SeedOptions = {
  users: number;
  /** Users per statement. */
  batchSize?: number;
  /** Who seeded invitations are from. */
  invitedBy?: string | null;
  onProgress?: (done: number, total: number) => void;
};

/**
 * Adds `users` realistic users (names, unique e-mails, a mix of statuses and roles, module access,
 * scopes, rights, functional memberships, pending invitations — some expired). The rows are made by
 * Postgres itself, one set-based statement per batch, so a million users take minutes. Ends with
 * `analyze`.
 */
export async function seedUsers(db: Db, options: SeedOptions): Promise<number> {
  await ensureReferenceData(db);
  const batchSize = options.batchSize ?? 20_000;
  const roleRows = await db.select({ id: roles.id, name: roles.name }).from(roles);
  const roleId = (name: string) => {
    const found = roleRows.find((r) => r.name === name);
    if (!found) throw new Error(`Missing role ${name}`);
    return found.id;
  };
  const shareIds = ROLE_SHARES.map(([name]) => roleId(name));
  const shareLimits: number[] = [];
  let cumulative = 0;
  for (const [, share] of ROLE_SHARES) {
    cumulative += share;
    shareLimits.push(cumulative);
  }
  const readerId = roleId('Reader');
  const units = await db.select({ id: orgUnits.id, kind: orgUnits.kind }).from(orgUnits);
  const departments = units.filter((u) => u.kind === 'department').map((u) => u.id);
  const entities = units.filter((u) => u.kind === 'entity').map((u) => u.id);
  const resources = (await db.select({ id: functionalResources.id }).from(functionalResources)).map(
    (r) => r.id,
  );
  const offset = await countUsers(db);
  const nowMs = Date.now();
  const threeYearsMs = 3 * 365 * 86_400_000;
  let done = 0;
  while (done < options.users) {
    const from = done + 1;
    const to = Math.min(options.users, done + batchSize);
    const roleCase = sql.join(
      shareIds.map((id, i) => sql`when r_role < ${shareLimits[i]} then ${id}::uuid`),
      sql` `,
    );
    await db.execute(sql`
      with src as (
        select g, random() as r_status, random() as r_role,
          ${sql.param(FIRST_NAMES)}::text[] as fns, ${sql.param(LAST_NAMES)}::text[] as lns
        from generate_series(${from}::int, ${to}::int) as g
      ), named as (
        select g, r_status, r_role,
          fns[1 + floor(random() * array_length(fns, 1))::int] as fn,
          lns[1 + floor(random() * array_length(lns, 1))::int] as ln,
          to_timestamp((${nowMs}::bigint - ((${options.users}::bigint - g) * ${threeYearsMs}::bigint / ${options.users}::bigint) - 86400000) / 1000.0) as created
        from src
      ), shaped as (
        select g, fn, ln, created, r_role,
          (case when r_status < 0.70 then 'active' when r_status < 0.82 then 'invited'
                when r_status < 0.92 then 'created' else 'deactivated' end)::user_status as st,
          r_status
        from named
      ), ins as (
        insert into users (id, email, first_name, last_name, status, role_id, activated_at, last_login_at, created_at, updated_at)
        select ${uuidv7At(sql`(extract(epoch from created) * 1000)::bigint`)},
          lower(translate(fn || '.' || ln, 'éèëêáàäâíìïîóòöôúùüûñç ', 'eeeeaaaaiiiioooouuuunc-')) || '.' || (g + ${offset}::int)
            || '@' || (${sql.param(DOMAINS)}::text[])[1 + (g % ${DOMAINS.length})],
          fn, ln, st,
          case ${roleCase} else ${readerId}::uuid end,
          case when st = 'active' or (st = 'deactivated' and r_status < 0.96) then created + interval '1 day' end,
          case when st = 'active' then now() - random() * interval '90 days' end,
          created, created
        from shaped
        returning id, status, created_at
      ), ma as (
        insert into module_access (user_id, module, level)
        select ins.id, m, (case when random() < 0.6 then 'read' else 'edit' end)::access_level
        from ins cross join unnest(enum_range(null::module_name)) as m
        where random() < 0.4
        returning 1
      ), sc as (
        insert into user_scopes (user_id, org_unit_id)
        select ins.id, (${sql.param(departments)}::uuid[])[1 + floor(random() * ${departments.length})::int] from ins
        union all
        select ins.id, (${sql.param(entities)}::uuid[])[1 + floor(random() * ${entities.length})::int] from ins where random() < 0.25
        returning 1
      ), ri as (
        insert into user_rights (user_id, "right")
        select ins.id, r from ins cross join unnest(enum_range(null::right_name)) as r where random() < 0.07
        returning 1
      ), fm as (
        insert into functional_memberships (user_id, resource_id, created_at)
        select distinct on (ins.id, k.res) ins.id, k.res, ins.created_at
        from ins cross join lateral (
          select (${sql.param(resources)}::uuid[])[1 + floor(random() * ${resources.length} + 0 * length(ins.id::text))::int] as res
          from generate_series(1, 3)
        ) k
        where random() < 0.5
        returning 1
      ), inv as (
        insert into invitations (id, user_id, token_hash, status, expires_at, sent_count, last_sent_at, invited_by, created_at)
        select ${uuidv7At(sql`(extract(epoch from ins.created_at) * 1000)::bigint`)}, ins.id,
          encode(sha256(convert_to(gen_random_uuid()::text || ins.id::text, 'UTF8')), 'hex'),
          'pending', sent + interval '7 days', 1 + floor(random() * 3)::int, sent, ${options.invitedBy ?? null}::uuid, sent
        from (select ins.*, now() - random() * interval '12 days' as sent from ins where ins.status = 'invited') ins
        returning 1
      )
      select (select count(*) from ins) as users, (select count(*) from ma) + (select count(*) from sc)
        + (select count(*) from ri) + (select count(*) from fm) + (select count(*) from inv) as related
    `);
    done = to;
    options.onProgress?.(done, options.users);
  }
  // Fresh statistics, so the planner knows how the new rows are spread. The embedded database runs
  // no autovacuum: without statistics the planner reads a batch's scopes and rights by sequential
  // scans (65–70 ms a slice of 500 users of copy access, 1–20 ms with statistics: BENCHMARKS.md,
  // "What the embedded figures say").
  await db.execute(sql`analyze`);
  return done;
}
