-- issue 18: the search table's rows are written in name order, so that the matches of a term
-- clustered in the names (every "Martin" of a million users) sit on a few pages of it and not one
-- page each: a search that reads its matches reads those pages. Each statement that creates users
-- (an import's batch, the seed's) writes their rows sorted by name; a change of role, status or
-- last sign-in updates a row in place (fillfactor 90, migration 0022), so the order holds. The rows
-- already there keep theirs: rewritten by name (CLUSTER on the name index), 100,000 users of 200,000
-- changed by id cost more CPU (the hand-written floor of a role change 60 % more, a deactivation
-- 20 % more), each batch's rows then spread over the whole table.
CREATE OR REPLACE FUNCTION roster_user_search_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_search (user_id, document, last_name, first_name, email, status, role_id, last_login_at)
  SELECT id, roster_search_document(first_name, last_name, email), last_name, first_name, email,
    status, role_id, last_login_at
  FROM new_users
  ORDER BY last_name, first_name, id;
  RETURN NULL;
END $$;
