import { scimExternalIds, userSearch, users } from '@roster/db';
import { isSupportedInstant, SCIM_USER_SCHEMA, ScimError, UNSUPPORTED_YEAR_MESSAGE } from '@roster/domain';
import { and, not, or, type SQL, sql } from 'drizzle-orm';
import { type Filter, parse } from 'scim2-parse-filter';
import { searchMatches } from '../users/usersFilter';

/** Longest filter taken (a URL carries it; 8 KiB is the server's limit on URLs). */
export const SCIM_FILTER_MAX_LENGTH = 2_000;

type TextAttribute = {
  kind: 'text';
  column: SQL;
  searchable: boolean;
  caseExact: boolean;
  alwaysSet: boolean;
};
type Attribute =
  | TextAttribute
  | { kind: 'date'; column: SQL }
  | { kind: 'active' }
  | { kind: 'id' }
  | { kind: 'externalId' }
  | { kind: 'constant'; value: string | boolean };

const displayName = sql`trim(${users.firstName} || ' ' || ${users.lastName})`;

/** The attributes a filter may name, by lower-cased path (RFC 7643: attribute names are case-insensitive). */
const USER_ATTRIBUTES: Record<string, Attribute> = {
  username: { kind: 'text', column: sql`${users.email}`, searchable: true, caseExact: true, alwaysSet: true },
  'emails.value': {
    kind: 'text',
    column: sql`${users.email}`,
    searchable: true,
    caseExact: true,
    alwaysSet: true,
  },
  emails: { kind: 'text', column: sql`${users.email}`, searchable: true, caseExact: true, alwaysSet: true },
  'emails.type': { kind: 'constant', value: 'work' },
  'emails.primary': { kind: 'constant', value: true },
  'name.givenname': {
    kind: 'text',
    column: sql`${users.firstName}`,
    searchable: true,
    caseExact: false,
    alwaysSet: false,
  },
  'name.familyname': {
    kind: 'text',
    column: sql`${users.lastName}`,
    searchable: true,
    caseExact: false,
    alwaysSet: false,
  },
  'name.formatted': {
    kind: 'text',
    column: displayName,
    searchable: true,
    caseExact: false,
    alwaysSet: false,
  },
  displayname: { kind: 'text', column: displayName, searchable: true, caseExact: false, alwaysSet: false },
  active: { kind: 'active' },
  id: { kind: 'id' },
  externalid: { kind: 'externalId' },
  'meta.created': { kind: 'date', column: sql`${users.createdAt}` },
  'meta.lastmodified': { kind: 'date', column: sql`${users.updatedAt}` },
};

/** Inside `emails[...]`, the attributes of the one e-mail a user has. */
const EMAIL_ATTRIBUTES: Record<string, Attribute> = {
  value: USER_ATTRIBUTES['emails.value'] as Attribute,
  type: { kind: 'constant', value: 'work' },
  primary: { kind: 'constant', value: true },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(detail: string): ScimError {
  return new ScimError(400, 'invalidFilter', detail);
}

/** An attribute path without the core schema's URN, lower-cased. */
export function normalizeAttributePath(path: string): string {
  const lower = path.toLowerCase();
  const urn = `${SCIM_USER_SCHEMA.toLowerCase()}:`;
  return lower.startsWith(urn) ? lower.slice(urn.length) : lower;
}

function attributeOf(path: string, scope: Record<string, Attribute>): Attribute {
  const attribute = scope[normalizeAttributePath(path)];
  if (!attribute) throw invalid(`The attribute ${path} cannot be filtered on.`);
  return attribute;
}

/** Users whose search document (lower-cased names and e-mail) holds `term`: the trigram index of users.list. */
function searchNarrowing(term: string): SQL {
  return sql`${users.id} in (select ${userSearch.userId} from ${userSearch} where ${searchMatches(term)})`;
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function textCondition(attribute: TextAttribute, op: string, value: unknown): SQL {
  if (op === 'pr') return attribute.alwaysSet ? sql`true` : sql`${attribute.column} <> ''`;
  if (value === null) {
    // `eq null` is "not present" and `ne null` "present" (RFC 7644 §3.4.2.2).
    if (op === 'ne') return textCondition(attribute, 'pr', null);
    if (op === 'eq') return not(textCondition(attribute, 'pr', null));
    throw invalid(`${op} does not compare with null.`);
  }
  if (typeof value !== 'string') throw invalid(`${op} on a text attribute takes a string.`);
  // E-mails are stored lower-cased; names compare case-insensitively (caseExact false, RFC 7643 §4.1.1).
  const column = attribute.caseExact ? attribute.column : sql`lower(${attribute.column})`;
  const term = value.toLowerCase();
  const narrowed = (condition: SQL) =>
    attribute.searchable && term.length > 0
      ? (and(searchNarrowing(term), condition) ?? condition)
      : condition;
  switch (op) {
    case 'eq':
      // The e-mail's own unique index finds it; a name is narrowed through the search index.
      return attribute.caseExact ? sql`${column} = ${term}` : narrowed(sql`${column} = ${term}`);
    case 'ne':
      return sql`${column} <> ${term}`;
    case 'co':
      return narrowed(sql`${column} like ${`%${escapeLike(term)}%`}`);
    case 'sw':
      return narrowed(sql`${column} like ${`${escapeLike(term)}%`}`);
    case 'ew':
      return narrowed(sql`${column} like ${`%${escapeLike(term)}`}`);
    case 'gt':
      return sql`${column} > ${term}`;
    case 'ge':
      return sql`${column} >= ${term}`;
    case 'lt':
      return sql`${column} < ${term}`;
    case 'le':
      return sql`${column} <= ${term}`;
    default:
      throw invalid(`Unknown operator ${op}.`);
  }
}

function dateCondition(column: SQL, op: string, value: unknown): SQL {
  if (op === 'pr') return sql`true`;
  if (typeof value !== 'string' || !isSupportedInstant(new Date(value))) {
    throw invalid(
      `A date attribute is compared with a date-time such as "2026-01-31T00:00:00Z" (${UNSUPPORTED_YEAR_MESSAGE})`,
    );
  }
  const at = new Date(value).toISOString();
  const operators: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
  const operator = operators[op];
  if (!operator) throw invalid(`${op} does not apply to a date attribute.`);
  return sql`${column} ${sql.raw(operator)} ${at}::timestamptz`;
}

function compare(attribute: Attribute, op: string, value: unknown): SQL {
  switch (attribute.kind) {
    case 'text':
      return textCondition(attribute, op, value);
    case 'date':
      return dateCondition(attribute.column, op, value);
    case 'active': {
      if (op === 'pr') return sql`true`;
      if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) {
        throw invalid('active is compared with eq or ne and true or false.');
      }
      const active = op === 'eq' ? value : !value;
      return active ? sql`${users.status} <> 'deactivated'` : sql`${users.status} = 'deactivated'`;
    }
    case 'id': {
      if (op === 'pr') return sql`true`;
      if (typeof value !== 'string' || (op !== 'eq' && op !== 'ne'))
        throw invalid('id is compared with eq or ne.');
      // A value that is no UUID is no user's id: nothing matches (never a database error).
      if (!UUID.test(value)) return op === 'eq' ? sql`false` : sql`true`;
      return op === 'eq'
        ? sql`${users.id} = ${value.toLowerCase()}`
        : sql`${users.id} <> ${value.toLowerCase()}`;
    }
    case 'externalId': {
      const holders = (condition: SQL) =>
        sql`${users.id} in (select ${scimExternalIds.userId} from ${scimExternalIds} where ${condition})`;
      if (op === 'pr') return holders(sql`true`);
      if (typeof value !== 'string' || (op !== 'eq' && op !== 'ne')) {
        throw invalid('externalId is compared with eq or ne and a string.');
      }
      // caseExact (RFC 7643 §3.1): compared as given, on its index.
      const match = holders(sql`${scimExternalIds.externalId} = ${value}`);
      return op === 'eq' ? match : not(match);
    }
    case 'constant': {
      if (op === 'pr') return sql`true`;
      const actual = attribute.value;
      if (typeof actual === 'boolean') {
        if (typeof value !== 'boolean') throw invalid('A boolean attribute is compared with true or false.');
        return (op === 'eq') === (actual === value) ? sql`true` : sql`false`;
      }
      if (typeof value !== 'string') throw invalid('A text attribute is compared with a string.');
      const a = actual.toLowerCase();
      const v = value.toLowerCase();
      const holds: Record<string, boolean> = {
        eq: a === v,
        ne: a !== v,
        co: a.includes(v),
        sw: a.startsWith(v),
        ew: a.endsWith(v),
        gt: a > v,
        ge: a >= v,
        lt: a < v,
        le: a <= v,
      };
      const result = holds[op];
      if (result === undefined) throw invalid(`Unknown operator ${op}.`);
      return result ? sql`true` : sql`false`;
    }
  }
}

function toSql(filter: Filter, scope: Record<string, Attribute>, depth: number): SQL {
  if (depth > 20) throw invalid('The filter nests too deeply.');
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = filter.filters.map((f) => toSql(f, scope, depth + 1));
      const joined = filter.op === 'and' ? and(...parts) : or(...parts);
      return joined ?? sql`true`;
    }
    case 'not':
      return not(toSql(filter.filter, scope, depth + 1));
    case '[]': {
      if (normalizeAttributePath(filter.attrPath) !== 'emails') {
        throw invalid(`${filter.attrPath}[...] cannot be filtered on: only emails[...] can.`);
      }
      return toSql(filter.valFilter, EMAIL_ATTRIBUTES, depth + 1);
    }
    case 'pr':
      return compare(attributeOf(filter.attrPath, scope), 'pr', null);
    default:
      return compare(attributeOf(filter.attrPath, scope), filter.op, filter.compValue);
  }
}

/**
 * A SCIM filter (RFC 7644 §3.4.2.2) as one SQL condition on `users`, parsed by scim2-parse-filter:
 * never evaluated in memory. Text searches are narrowed through the trigram index of the users list
 * (`user_search`), `userName eq` takes the unique e-mail index. A filter that does not parse, or
 * names an attribute or compares a value Roster cannot, is `invalidFilter` (400).
 */
export function scimFilterCondition(filter: string | undefined): SQL | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  if (filter.length > SCIM_FILTER_MAX_LENGTH)
    throw invalid(`A filter has at most ${SCIM_FILTER_MAX_LENGTH} characters.`);
  let parsed: Filter;
  try {
    parsed = parse(filter);
  } catch (error) {
    throw invalid(`The filter does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  return toSql(parsed, USER_ATTRIBUTES, 0);
}
