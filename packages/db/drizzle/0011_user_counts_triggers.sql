-- Keeps user_counts in step with users (see the table's comment in schema.ts): each statement that
-- inserts, deletes or updates users appends, per (role, status), the difference it made. A statement
-- that changes neither role nor status (a version bump, a new name) appends nothing.
CREATE FUNCTION roster_user_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_counts (role_id, status, n)
  SELECT role_id, status, count(*) FROM new_users GROUP BY role_id, status;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_counts_insert AFTER INSERT ON users
  REFERENCING NEW TABLE AS new_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_counts_after_insert();
--> statement-breakpoint
CREATE FUNCTION roster_user_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_counts (role_id, status, n)
  SELECT role_id, status, -count(*) FROM old_users GROUP BY role_id, status;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_counts_delete AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_counts_after_delete();
--> statement-breakpoint
CREATE FUNCTION roster_user_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_counts (role_id, status, n)
  SELECT role_id, status, sum(d) FROM (
    SELECT role_id, status, 1 AS d FROM new_users
    UNION ALL
    SELECT role_id, status, -1 AS d FROM old_users
  ) AS moved
  GROUP BY role_id, status
  HAVING sum(d) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_counts_update AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_counts_after_update();
--> statement-breakpoint
INSERT INTO user_counts (role_id, status, n)
SELECT role_id, status, count(*) FROM users GROUP BY role_id, status;
