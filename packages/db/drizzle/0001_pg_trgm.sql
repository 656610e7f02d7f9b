-- Trigram indexes make substring search of names and e-mails fast (issue 3); PGlite ships the extension too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
