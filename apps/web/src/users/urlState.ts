import {
  DEFAULT_USER_SORT,
  GRANTED_ACCESS_LEVELS,
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
  if (sort.field !== DEFAULT_USER_SORT.field || sort.direction !== DEFAULT_USER_SORT.direction) {
    params.set('sort', sort.field);
    params.set('dir', sort.direction);
  }
  return params;
}
