-- Message search (docs/search.md). pg_trgm is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What search compares, for the body and for the query alike: compatibility forms unified (NFKD:
-- full-width letters, ligatures), combining marks dropped (é finds e and e finds é), lower case.
-- IMMUTABLE, so a generated column and an index can use it; it only calls immutable functions.
CREATE FUNCTION search_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(regexp_replace(normalize(input, NFKD), '[\u0300-\u036f]', '', 'g')) $$;

-- Words, for whole words and prefixes: the `simple` configuration neither stems nor drops stop words.
-- Recomputed by every edit; a tombstone's body is empty, so it holds nothing.
ALTER TABLE "messages" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_fold("body"))) STORED;
CREATE INDEX "messages_search_vector_idx" ON "messages" USING GIN ("search_vector");

-- Substrings of three characters or more, in any script (CJK has no spaces between words).
CREATE INDEX "messages_search_trgm_idx" ON "messages" USING GIN (search_fold("body") gin_trgm_ops);
