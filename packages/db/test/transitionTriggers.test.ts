import { auto_explain } from '@electric-sql/pglite/contrib/auto_explain';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDb, pgliteFromTemplate } from '../src/testing';

/** One connection that runs SQL text and hands back the notices each statement raised. */
type NoticedConnection = {
  run: (text: string) => Promise<string[]>;
  close: () => Promise<void>;
};

/**
 * A connection of its own (a PL/pgSQL plan is kept per connection) to a database of this test, with
 * auto_explain loaded: every statement's plan, those inside triggers too, comes back as a notice.
 */
async function noticedConnection(): Promise<NoticedConnection> {
  const template = inject('rosterTemplate');
  const notices: string[] = [];
  const taken = () => notices.splice(0, notices.length);
  if (template.kind === 'postgres') {
    const db = await createTestDb();
    const client = postgres(db.url ?? '', {
      max: 1,
      onnotice: (notice) => notices.push(notice.message ?? ''),
    });
    return {
      run: async (text) => {
        await client.unsafe(text).simple();
        return taken();
      },
      close: async () => {
        await client.end();
        await db.close();
      },
    };
  }
  const pglite = await pgliteFromTemplate(template.file, { auto_explain });
  return {
    run: async (text) => {
      await pglite.exec(text, { onNotice: (notice) => notices.push(notice.message ?? '') });
      return taken();
    },
    close: () => pglite.close(),
  };
}

type PlanNode = {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'CTE Name'?: string;
  Plans?: PlanNode[];
};

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** A statement's plan: which of its nodes read a transition table, through a CTE's scan too. */
function transitionReads(plan: PlanNode) {
  const ctes = new Map(
    nodesOf(plan).flatMap((node) => {
      const name = node['Subplan Name']?.match(/^CTE (.+)$/)?.[1];
      return name ? [[name, node] as const] : [];
    }),
  );
  const reads = (node: PlanNode): boolean => {
    if (node['Node Type'] === 'Named Tuplestore Scan') return true;
    const cte = node['Node Type'] === 'CTE Scan' ? ctes.get(node['CTE Name'] ?? '') : undefined;
    return (cte !== undefined && reads(cte)) || (node.Plans ?? []).some(reads);
  };
  return reads;
}

/**
 * Nested loops whose two sides both read transition tables: each row of one side compared with every
 * row of the other, a cost that grows with the square of the rows a statement changed.
 */
function squareJoins(plan: PlanNode): PlanNode[] {
  const reads = transitionReads(plan);
  return nodesOf(plan).filter((node) => {
    const side = (relationship: string) =>
      (node.Plans ?? []).find((child) => child['Parent Relationship'] === relationship);
    const [outer, inner] = [side('Outer'), side('Inner')];
    return node['Node Type'] === 'Nested Loop' && outer && inner && reads(outer) && reads(inner);
  });
}

/** The plans auto_explain sent as notices (`duration: … ms  plan:` then the plan as JSON). */
const plansOf = (notices: string[]): PlanNode[] =>
  notices.flatMap((notice) => {
    const start = notice.indexOf('{');
    if (!notice.includes('plan:') || start < 0) return [];
    const explained = JSON.parse(notice.slice(start)) as { Plan: PlanNode };
    return [explained.Plan];
  });

describe('statement triggers on users and module_access', () => {
  let connection: NoticedConnection;
  const USERS = 400;

  beforeAll(async () => {
    connection = await noticedConnection();
    await connection.run(`
      insert into users (id, email, first_name, last_name, status, role_id)
      select gen_random_uuid(), 'trigger-' || n || '@example.com', 'First' || n, 'Last' || n, 'active',
        (select id from roles where name = 'Reader')
      from generate_series(1, ${USERS}) as n;
      load 'auto_explain';
      set auto_explain.log_min_duration = 0;
      set auto_explain.log_nested_statements = on;
      set auto_explain.log_format = 'json';
      set auto_explain.log_level = 'notice';`);
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('join their transition tables by a plan made for each statement, not the first one of the connection', async () => {
    // The first statements of the connection change one user (a sign-in, an edit): a plan kept from
    // them would join 400 rows with 400 by a nested loop.
    const one = `(select id from users where email = 'trigger-1@example.com')`;
    await connection.run(
      `update users set role_id = (select id from roles where name = 'Contributor') where id = ${one}`,
    );
    await connection.run(
      `insert into module_access (user_id, module, level) select ${one}, 'budget', 'read'`,
    );
    await connection.run(`update module_access set level = 'edit' where user_id = ${one}`);
    await connection.run(`delete from module_access where user_id = ${one}`);

    const plans = [
      ...plansOf(
        await connection.run(`insert into module_access (user_id, module, level)
        select id, 'budget', 'read' from users where email like 'trigger-%'`),
      ),
      ...plansOf(
        await connection.run(`update users set role_id = (select id from roles where name = 'Contributor')
        where email like 'trigger-%'`),
      ),
      ...plansOf(await connection.run(`update module_access set level = 'edit' where module = 'budget'`)),
      ...plansOf(await connection.run(`delete from module_access where module = 'budget'`)),
    ];
    // Every trigger that reads its transition tables was explained, and none squares its rows. Six
    // trigger statements fired: the module counts of the insert, the update and the delete of
    // module_access; on users, the counts (no join), the module counts and the search copy.
    expect(plans.filter((plan) => transitionReads(plan)(plan)).length).toBe(6);
    expect(plans.flatMap(squareJoins)).toEqual([]);
  });
});
