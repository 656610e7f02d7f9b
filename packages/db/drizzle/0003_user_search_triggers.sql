-- Keeps user_search in step with users. Inserts are handled per statement (one set-based insert for
-- a whole batch of new users); updates fire only when a name or the e-mail changes, which no bulk
-- operation does, so role and status updates never touch the search index.
CREATE FUNCTION roster_search_document(first_name text, last_name text, email text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(first_name || ' ' || last_name || ' ' || email) $$;
--> statement-breakpoint
CREATE FUNCTION roster_user_search_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_search (user_id, document)
  SELECT id, roster_search_document(first_name, last_name, email) FROM new_users;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_search_insert AFTER INSERT ON users
  REFERENCING NEW TABLE AS new_users
  FOR EACH STATEMENT EXECUTE FUNCTION roster_user_search_after_insert();
--> statement-breakpoint
CREATE FUNCTION roster_user_search_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_search SET document = roster_search_document(NEW.first_name, NEW.last_name, NEW.email)
  WHERE user_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, email ON users
  FOR EACH ROW EXECUTE FUNCTION roster_user_search_after_update();
--> statement-breakpoint
INSERT INTO user_search (user_id, document)
SELECT id, roster_search_document(first_name, last_name, email) FROM users
ON CONFLICT (user_id) DO NOTHING;
