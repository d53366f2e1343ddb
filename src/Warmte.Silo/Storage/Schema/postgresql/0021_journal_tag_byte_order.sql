-- Warmtenet: journal tags compare in byte order (the "C" collation), as on SQLite, so a count by tag
-- prefix (AdoNetJournalStore.CountByTagPrefixAsync: the online marks of one meeting, tag "meeting/member")
-- is a range on the tag index, tag >= 'meeting/' AND tag < 'meeting0', with the same answer on both
-- engines. In a database created with a language's collation (en_US.UTF-8, nl-NL) that range would
-- skip punctuation and miss or add tags; LIKE 'meeting/%' would read '%' and '_' in an id as wildcards,
-- and a COLLATE "C" in the query alone cannot use an index of another collation. Equality on tag
-- (every other tag read) means the same in both collations.
-- Only the collation changes (text stays text): PostgreSQL keeps the table's rows as they are and
-- rebuilds the index on tag (ix_warmte_journal_tag), once, at the first start of this build.
ALTER TABLE warmte_journal ALTER COLUMN tag TYPE text COLLATE "C";
