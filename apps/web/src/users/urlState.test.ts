import { describe, expect, it } from 'vitest';
import { paramsFromView, viewFromParams } from './urlState';

describe('users view in the URL', () => {
  it('round-trips every filter and the sort', () => {
    const view = {
      filter: {
        search: 'martin',
        status: ['invited' as const, 'active' as const],
        invitationExpired: true,
        roleIds: ['r1', 'r2'],
        module: { module: 'budget', minLevel: 'edit' as const },
        orgUnitId: 'u1',
        includeDescendants: true,
        right: 'buyer',
      },
      sort: { field: 'email' as const, direction: 'desc' as const },
    };
    expect(viewFromParams(paramsFromView(view))).toEqual(view);
  });

  it('reads an empty or hand-edited URL as the default view, ignoring nonsense', () => {
    expect(viewFromParams(new URLSearchParams(''))).toEqual({
      filter: {},
      sort: { field: 'name', direction: 'asc' },
    });
    expect(viewFromParams(new URLSearchParams('status=bogus,active&sort=nope&module=budget:admin'))).toEqual({
      filter: { status: ['active'] },
      sort: { field: 'name', direction: 'asc' },
    });
  });

  it('keeps the default sort out of the URL', () => {
    expect(paramsFromView({ filter: {}, sort: { field: 'name', direction: 'asc' } }).toString()).toBe('');
  });
});
