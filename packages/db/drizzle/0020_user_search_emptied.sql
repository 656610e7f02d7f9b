-- issue 18: user_search gets a copy of the columns the users list filters and sorts a search by
-- (migration 0021 adds them NOT NULL, 0022 refills the table from users). Emptied first, with its
-- trigram index dropped, so the refill writes the table once and builds the index once.
DROP TRIGGER users_search_update ON users;
--> statement-breakpoint
DROP INDEX "user_search_document_trgm_idx";
--> statement-breakpoint
TRUNCATE user_search;
