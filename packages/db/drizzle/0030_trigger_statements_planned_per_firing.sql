-- The statement triggers that join their transition tables run that join through EXECUTE, so that it
-- is planned each time the trigger fires, for the rows that statement changed.
--
-- A PL/pgSQL statement is planned once per connection and the plan kept. The planner takes a
-- transition table's size from the rows it holds the first time, so a connection whose first update of
-- users changed one user (a sign-in, an edit) joined the transition tables of every later update by a
-- nested loop: a bulk batch of 10,000 users then compared 10,000 × 10,000 rows. Measured at 200,000
-- users on PostgreSQL 15: one batch's role change took 50.4 s after a one-user update on the same
-- connection, 2.7 s on a fresh one, 1.6 s planned per firing. Planning each firing costs a one-user
-- update a few tenths of a millisecond.
--
-- The triggers that read one transition table with no join (counts by role and status, search rows of
-- new users) are linear whatever their plan and are left as they were.
CREATE OR REPLACE FUNCTION roster_user_search_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    UPDATE user_search s
    SET document = roster_search_document(n.first_name, n.last_name, n.email),
      last_name = n.last_name, first_name = n.first_name, email = n.email,
      status = n.status, role_id = n.role_id, last_login_at = n.last_login_at
    FROM new_users n JOIN old_users o ON o.id = n.id
    WHERE s.user_id = n.id
      AND (n.first_name, n.last_name, n.email, n.status, n.role_id, n.last_login_at)
        IS DISTINCT FROM (o.first_name, o.last_name, o.email, o.status, o.role_id, o.last_login_at)$q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION roster_user_module_counts_after_user_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    WITH moved AS MATERIALIZED (
      SELECT nu.id, nu.role_id AS new_role, nu.status AS new_status, o.role_id AS old_role, o.status AS old_status
      FROM old_users o JOIN new_users nu ON nu.id = o.id
      WHERE o.role_id <> nu.role_id OR o.status <> nu.status
    ),
    moves AS (
      SELECT moved.new_role, moved.new_status, moved.old_role, moved.old_status, ma.module, ma.level, count(*) AS n
      FROM moved
      -- One index probe per moved user, and nothing sorted after it (OFFSET 0 keeps the planner from
      -- flattening the probe into a join it would plan from guesses).
      CROSS JOIN LATERAL (SELECT module, level FROM module_access WHERE user_id = moved.id OFFSET 0) AS ma
      GROUP BY moved.new_role, moved.new_status, moved.old_role, moved.old_status, ma.module, ma.level
    )
    INSERT INTO user_module_counts (role_id, status, module, level, n)
    SELECT side.role_id, side.status, moves.module, moves.level, sum(side.n)
    FROM moves
    CROSS JOIN LATERAL (VALUES (moves.new_role, moves.new_status, moves.n), (moves.old_role, moves.old_status, -moves.n))
      AS side(role_id, status, n)
    GROUP BY side.role_id, side.status, moves.module, moves.level
    HAVING sum(side.n) <> 0$q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION roster_user_module_counts_after_access_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    WITH owners AS (
      SELECT u.id, u.role_id, u.status
      FROM (SELECT DISTINCT user_id FROM new_access) AS touched
      CROSS JOIN LATERAL (SELECT id, role_id, status FROM users WHERE id = touched.user_id FOR SHARE) AS u
    )
    INSERT INTO user_module_counts (role_id, status, module, level, n)
    SELECT owners.role_id, owners.status, a.module, a.level, count(*)
    FROM new_access a JOIN owners ON owners.id = a.user_id
    GROUP BY owners.role_id, owners.status, a.module, a.level$q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION roster_user_module_counts_after_access_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    WITH owners AS (
      SELECT u.id, u.role_id, u.status
      FROM (SELECT DISTINCT user_id FROM old_access) AS touched
      CROSS JOIN LATERAL (SELECT id, role_id, status FROM users WHERE id = touched.user_id FOR SHARE) AS u
    )
    INSERT INTO user_module_counts (role_id, status, module, level, n)
    SELECT owners.role_id, owners.status, a.module, a.level, -count(*)
    FROM old_access a JOIN owners ON owners.id = a.user_id
    GROUP BY owners.role_id, owners.status, a.module, a.level$q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION roster_user_module_counts_after_access_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    WITH owners AS (
      SELECT u.id, u.role_id, u.status
      FROM (SELECT user_id FROM new_access UNION SELECT user_id FROM old_access) AS touched
      CROSS JOIN LATERAL (SELECT id, role_id, status FROM users WHERE id = touched.user_id FOR SHARE) AS u
    )
    INSERT INTO user_module_counts (role_id, status, module, level, n)
    SELECT owners.role_id, owners.status, moved.module, moved.level, sum(moved.d)
    FROM (
      SELECT user_id, module, level, 1 AS d FROM new_access
      UNION ALL
      SELECT user_id, module, level, -1 AS d FROM old_access
    ) AS moved
    JOIN owners ON owners.id = moved.user_id
    GROUP BY owners.role_id, owners.status, moved.module, moved.level
    HAVING sum(moved.d) <> 0$q$;
  RETURN NULL;
END $$;
