import {
  DEFAULT_USER_SORT,
  emailDomainSchema,
  GRANTED_ACCESS_LEVELS,
  LAST_SIGN_IN_MAX_DAYS,
  USER_SORT_FIELDS,
  USER_STATUSES,
  type UserSort,
  type UsersFilter,
} from '@roster/domain';

/** The users view lives in the URL so it can be shared and survives a reload. */
export type UsersView = { filter: UsersFilter; sort: UserSort };

const list = (value: string | null) => (value ? value.split(',').filter(Boolean) : []);
const oneOf = <T extends string>(options: readonly T[], value: string | null | undefined): T | undefined =>
  options.find((option) => option === value);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a day of the administrator's calendar starts (`offsetDays` later), as the filter sends it. */
export function startOfLocalDay(day: string, offsetDays = 0): string | undefined {
  const [, y, m, d] = DAY.exec(day) ?? [];
  if (!y || !m || !d) return undefined;
  const [year, month, date] = [Number(y), Number(m) - 1, Number(d)];
  const start = new Date(year, month, date);
  // 2026-02-30 is no day (Date would roll it over to March).
  if (start.getFullYear() !== year || start.getMonth() !== month || start.getDate() !== date)
    return undefined;
  return new Date(year, month, date + offsetDays).toISOString();
}

/** The administrator's calendar day of an instant (`YYYY-MM-DD`). */
export function localDayOf(instant: string | number): string {
  const at = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** "Created from" a day: from the start of that day, where the administrator is. */
export const createdFromDay = (day: string) => startOfLocalDay(day);
/** "Created to" a day: that whole day included, so up to the start of the next one. */
export const createdToDay = (day: string) => startOfLocalDay(day, 1);
/** The day a `createdTo` instant ends (the last day it includes). */
export const dayOfCreatedTo = (instant: string) => localDayOf(new Date(instant).getTime() - 1);

export function viewFromParams(params: URLSearchParams): UsersView {
  const filter: UsersFilter = {};
  const statuses = list(params.get('status')).flatMap((s) => oneOf(USER_STATUSES, s) ?? []);
  if (statuses.length) filter.status = statuses;
  const expired = params.get('expired');
  if (expired === '1' || expired === '0') filter.invitationExpired = expired === '1';
  const roleIds = list(params.get('role'));
  if (roleIds.length) filter.roleIds = roleIds;
  const search = params.get('q')?.trim();
  if (search) filter.search = search;
  const [module, level] = (params.get('module') ?? '').split(':');
  const minLevel = oneOf(GRANTED_ACCESS_LEVELS, level);
  if (module && minLevel) filter.module = { module, minLevel };
  const unit = params.get('unit');
  if (unit) {
    filter.orgUnitId = unit;
    if (params.get('sub') === '1') filter.includeDescendants = true;
  }
  const right = params.get('right');
  if (right) filter.right = right;
  const rights = list(params.get('rights'));
  if (rights.length) filter.rights = rights;
  const signIn = params.get('signin');
  const days = Number(signIn);
  if (signIn === 'never') filter.lastSignIn = { kind: 'never' };
  else if (Number.isInteger(days) && days >= 1 && days <= LAST_SIGN_IN_MAX_DAYS) {
    filter.lastSignIn = { kind: 'olderThan', days };
  }
  const from = createdFromDay(params.get('from') ?? '');
  if (from) filter.createdFrom = from;
  const to = createdToDay(params.get('to') ?? '');
  if (to) filter.createdTo = to;
  const domain = emailDomainSchema.safeParse(params.get('domain') ?? '');
  if (domain.success) filter.emailDomain = domain.data;
  const sort: UserSort = {
    field: oneOf(USER_SORT_FIELDS, params.get('sort')) ?? DEFAULT_USER_SORT.field,
    direction: params.get('dir') === 'desc' ? 'desc' : 'asc',
  };
  return { filter, sort };
}

export function paramsFromView(view: UsersView): URLSearchParams {
  const params = new URLSearchParams();
  const { filter, sort } = view;
  if (filter.search) params.set('q', filter.search);
  if (filter.status?.length) params.set('status', filter.status.join(','));
  if (filter.invitationExpired !== undefined) params.set('expired', filter.invitationExpired ? '1' : '0');
  if (filter.roleIds?.length) params.set('role', filter.roleIds.join(','));
  if (filter.module) params.set('module', `${filter.module.module}:${filter.module.minLevel}`);
  if (filter.orgUnitId) {
    params.set('unit', filter.orgUnitId);
    if (filter.includeDescendants) params.set('sub', '1');
  }
  if (filter.right) params.set('right', filter.right);
  if (filter.rights?.length) params.set('rights', filter.rights.join(','));
  if (filter.lastSignIn) {
    params.set('signin', filter.lastSignIn.kind === 'never' ? 'never' : String(filter.lastSignIn.days));
  }
  if (filter.createdFrom) params.set('from', localDayOf(filter.createdFrom));
  if (filter.createdTo) params.set('to', dayOfCreatedTo(filter.createdTo));
  if (filter.emailDomain) params.set('domain', filter.emailDomain);
  if (sort.field !== DEFAULT_USER_SORT.field || sort.direction !== DEFAULT_USER_SORT.direction) {
    params.set('sort', sort.field);
    params.set('dir', sort.direction);
  }
  return params;
}

/** The Users page's URL with one user's drawer open over the list (none: the list alone), keeping the view's `search`. */
export function userUrl(id: string | null, search: string): { pathname: string; search: string } {
  return { pathname: id === null ? '/admin/users' : `/admin/users/${encodeURIComponent(id)}`, search };
}
