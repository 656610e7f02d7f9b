import type { PlanUser } from '../src';

/** Fixed ids and times of the domain's bulk tests. */
export const NOW = new Date('2026-05-01T12:00:00Z');
export const DAY = 86_400_000;
export const ADMIN_ROLE = '00000000-0000-7000-8000-00000000000a';
export const READER_ROLE = '00000000-0000-7000-8000-00000000000b';
export const BUYER_ROLE = '00000000-0000-7000-8000-00000000000c';
export const ACTOR = '00000000-0000-7000-8000-0000000000ff';

let seq = 0;

/** A user as the rules see one: an active Reader unless told otherwise, with a fresh id each call. */
export function user(overrides: Partial<PlanUser> = {}): PlanUser {
  seq += 1;
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    email: `user${seq}@example.com`,
    status: 'active',
    roleId: READER_ROLE,
    roleIsAdmin: false,
    activatedAt: new Date('2026-01-01T00:00:00Z'),
    access: { modules: {}, scope: [], rights: [] },
    invitation: null,
    version: 1,
    ...overrides,
  };
}
