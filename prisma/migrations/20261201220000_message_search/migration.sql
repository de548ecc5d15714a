-- Message search (docs/search.md). pg_trgm is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What search compares, for the body and for the query alike: compatibility forms unified (NFKD:
-- full-width letters, ligatures), combining marks dropped (é finds e and e finds é), lower case.
-- IMMUTABLE, so generated columns can use it; it only calls immutable functions.
CREATE FUNCTION search_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(regexp_replace(normalize(input, NFKD), '[\u0300-\u036f]', '', 'g')) $$;

-- Both generated from the body, so every edit recomputes them in its own statement; a tombstone's
-- body is empty, so it holds nothing. `search_text` is the folded body, stored: folding it again
-- for every candidate row of a search costs more than the search itself. `search_vector` is its
-- words in the `simple` configuration, which neither stems nor drops stop words (a generated
-- column cannot read another, so it folds the body again).
ALTER TABLE "messages"
  ADD COLUMN "search_text" TEXT GENERATED ALWAYS AS (search_fold("body")) STORED,
  ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_fold("body"))) STORED;

-- Substrings of three characters or more, in any script (CJK has no spaces between words).
CREATE INDEX "messages_search_text_idx" ON "messages" USING GIN ("search_text" gin_trgm_ops);
-- Word prefixes.
CREATE INDEX "messages_search_vector_idx" ON "messages" USING GIN ("search_vector");
