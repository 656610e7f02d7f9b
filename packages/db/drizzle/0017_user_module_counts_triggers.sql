-- Keeps user_module_counts in step with users and module_access (see the table's comment in
-- schema.ts): each statement appends, per (role, status, module, level), the difference it made.
--
-- Exact under concurrent writers: a user's row is the lock both sides take. A role or status update
-- holds it until commit; a module_access statement locks the rows of the users it touched (FOR SHARE,
-- a no-op when the transaction holds them already) before reading their role and status, so it reads
-- the committed role of a concurrent update, and an update that waited on it reads (a fresh snapshot
-- per statement of a volatile function) the access rows it committed.
-- The planner has no statistics for transition tables: every lookup below is one index probe per
-- user by construction (a lateral subquery it cannot flatten), never a plan chosen from a guess.
CREATE FUNCTION roster_user_module_counts_after_user_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
  HAVING sum(side.n) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_module_counts_update AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_module_counts_after_user_update();
--> statement-breakpoint
CREATE FUNCTION roster_user_module_counts_after_access_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH owners AS (
    SELECT u.id, u.role_id, u.status
    FROM (SELECT DISTINCT user_id FROM new_access) AS touched
    CROSS JOIN LATERAL (SELECT id, role_id, status FROM users WHERE id = touched.user_id FOR SHARE) AS u
  )
  INSERT INTO user_module_counts (role_id, status, module, level, n)
  SELECT owners.role_id, owners.status, a.module, a.level, count(*)
  FROM new_access a JOIN owners ON owners.id = a.user_id
  GROUP BY owners.role_id, owners.status, a.module, a.level;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER module_access_counts_insert AFTER INSERT ON module_access
  REFERENCING NEW TABLE AS new_access
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_module_counts_after_access_insert();
--> statement-breakpoint
CREATE FUNCTION roster_user_module_counts_after_access_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH owners AS (
    SELECT u.id, u.role_id, u.status
    FROM (SELECT DISTINCT user_id FROM old_access) AS touched
    CROSS JOIN LATERAL (SELECT id, role_id, status FROM users WHERE id = touched.user_id FOR SHARE) AS u
  )
  INSERT INTO user_module_counts (role_id, status, module, level, n)
  SELECT owners.role_id, owners.status, a.module, a.level, -count(*)
  FROM old_access a JOIN owners ON owners.id = a.user_id
  GROUP BY owners.role_id, owners.status, a.module, a.level;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER module_access_counts_delete AFTER DELETE ON module_access
  REFERENCING OLD TABLE AS old_access
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_module_counts_after_access_delete();
--> statement-breakpoint
CREATE FUNCTION roster_user_module_counts_after_access_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
  HAVING sum(moved.d) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER module_access_counts_update AFTER UPDATE ON module_access
  REFERENCING OLD TABLE AS old_access NEW TABLE AS new_access
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_module_counts_after_access_update();
--> statement-breakpoint
INSERT INTO user_module_counts (role_id, status, module, level, n)
SELECT u.role_id, u.status, ma.module, ma.level, count(*)
FROM module_access ma JOIN users u ON u.id = ma.user_id
GROUP BY u.role_id, u.status, ma.module, ma.level;
