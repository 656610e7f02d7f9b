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

describe('the filters of issue 19 item 7 in the URL', () => {
  it('round-trips last sign-in, created between (days of the calendar), e-mail domain and rights', () => {
    const view = viewFromParams(
      new URLSearchParams('signin=90&from=2026-03-01&to=2026-03-31&domain=ACME.com&rights=buyer,data_export'),
    );
    expect(view.filter).toEqual({
      lastSignIn: { kind: 'olderThan', days: 90 },
      createdFrom: new Date(2026, 2, 1).toISOString(),
      createdTo: new Date(2026, 3, 1).toISOString(),
      emailDomain: 'acme.com',
      rights: ['buyer', 'data_export'],
    });
    const params = paramsFromView(view);
    expect(Object.fromEntries(params)).toEqual({
      signin: '90',
      from: '2026-03-01',
      to: '2026-03-31',
      domain: 'acme.com',
      rights: 'buyer,data_export',
    });
    expect(viewFromParams(params)).toEqual(view);
    expect(viewFromParams(new URLSearchParams('signin=never')).filter).toEqual({
      lastSignIn: { kind: 'never' },
    });
  });

  it('ignores a hand-edited value the filter would refuse', () => {
    expect(
      viewFromParams(new URLSearchParams('signin=0&from=2026-02-30&to=yesterday&domain=a b.com&rights='))
        .filter,
    ).toEqual({});
    expect(viewFromParams(new URLSearchParams('signin=99999')).filter).toEqual({});
  });

  it('a one-day range is that whole day', () => {
    const { filter } = viewFromParams(new URLSearchParams('from=2026-03-01&to=2026-03-01'));
    expect(new Date(filter.createdTo ?? '').getTime() - new Date(filter.createdFrom ?? '').getTime()).toBe(
      86_400_000,
    );
  });
});
