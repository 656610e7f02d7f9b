import {
  type BulkOperation,
  MODULES,
  type PlanContext,
  type PlanUser,
  planBulkOperation,
  summarizeOutcomes,
} from '@roster/domain';
import { percentile } from './stats';

const SOURCE = '00000000-0000-7000-8000-999999999999';

function planUser(i: number): PlanUser {
  return {
    id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    email: `user.${i}@example.test`,
    status: (['created', 'invited', 'active', 'deactivated'] as const)[i % 4] ?? 'active',
    roleId: 'reader',
    roleIsAdmin: false,
    activatedAt: i % 3 ? new Date() : null,
    access: {
      modules: { [MODULES[i % MODULES.length] ?? 'budget']: 'edit', portfolio: 'read' },
      // Sorted, as the users list returns them.
      scope: [
        ...new Set([
          `unit-${String(i % 40).padStart(2, '0')}`,
          `unit-${String((i * 7) % 40).padStart(2, '0')}`,
        ]),
      ].sort(),
      rights: i % 5 ? ['buyer'] : [],
    },
    invitation:
      i % 4 === 1
        ? { lastSentAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() + 86_400_000) }
        : null,
    version: 1,
  };
}

/**
 * The client-side preview's work: the domain rule over 10,000 loaded users plus the counts per
 * outcome and reason, in Node (the same code the browser runs).
 */
export function benchPreview(users = 10_000, runs = 30) {
  const loaded = Array.from({ length: users }, (_, i) => planUser(i));
  const source: PlanUser = {
    ...planUser(users + 1),
    id: SOURCE,
    access: { modules: { budget: 'edit', projects: 'read' }, scope: ['unit-1'], rights: ['data_export'] },
  };
  const context: PlanContext = {
    actorId: 'actor',
    now: new Date(),
    activeAdminCount: 3,
    invitationTtlMs: 7 * 86_400_000,
    role: { id: 'buyer', isAdmin: false },
    source,
  };
  const cases: [string, BulkOperation][] = [
    ['deactivate', { kind: 'deactivate' }],
    ['assign role', { kind: 'assign_role', roleId: 'buyer' }],
    ['invite', { kind: 'invite' }],
    ['copy access (replace)', { kind: 'copy_access', sourceUserId: SOURCE }],
    ['copy access (merge)', { kind: 'copy_access', sourceUserId: SOURCE, mode: 'merge' }],
  ];
  return cases.map(([name, operation]) => {
    const samples: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const started = performance.now();
      summarizeOutcomes(planBulkOperation(operation, loaded, context).outcomes);
      if (i >= 5) samples.push(performance.now() - started);
    }
    return { name, p50: percentile(samples, 50), p95: percentile(samples, 95) };
  });
}
