-- issue 18: user_search keeps, beside the search document, a copy of the columns the users list
-- filters and sorts a search by. Only user_id and document are indexed, so a change of role, status
-- or last sign-in updates the copy in place (a HOT update, no index touched) when its page has room:
-- the table keeps 10 % of each page free.
ALTER TABLE user_search SET (fillfactor = 90);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION roster_user_search_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_search (user_id, document, last_name, first_name, email, status, role_id, last_login_at)
  SELECT id, roster_search_document(first_name, last_name, email), last_name, first_name, email,
    status, role_id, last_login_at
  FROM new_users;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- One set-based update per statement on users (a bulk batch of thousands of users is one join of its
-- transition tables), for the users whose copied columns changed; a version bump changes nothing.
CREATE OR REPLACE FUNCTION roster_user_search_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_search s
  SET document = roster_search_document(n.first_name, n.last_name, n.email),
    last_name = n.last_name, first_name = n.first_name, email = n.email,
    status = n.status, role_id = n.role_id, last_login_at = n.last_login_at
  FROM new_users n JOIN old_users o ON o.id = n.id
  WHERE s.user_id = n.id
    AND (n.first_name, n.last_name, n.email, n.status, n.role_id, n.last_login_at)
      IS DISTINCT FROM (o.first_name, o.last_name, o.email, o.status, o.role_id, o.last_login_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_search_update AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_search_after_update();
--> statement-breakpoint
INSERT INTO user_search (user_id, document, last_name, first_name, email, status, role_id, last_login_at)
SELECT id, roster_search_document(first_name, last_name, email), last_name, first_name, email,
  status, role_id, last_login_at
FROM users;
--> statement-breakpoint
CREATE INDEX "user_search_document_trgm_idx" ON "user_search" USING gin ("document" gin_trgm_ops);
