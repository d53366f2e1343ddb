-- Members today per cooperative beside the project summaries (docs/storage.md, "Members today beside the
-- summaries"): the umbrella comparison's "Leden" read in one query instead of one register grain call per
-- cooperative. Written by the member register's own commit, in its transaction, stamped with the register
-- snapshot's version (register_version): a row whose stamp differs from the snapshot's version (written by a
-- build that did not know this table) is not used. members is the count on as_of (ISO date); changes lists the
-- later days on which it moves ("2027-01-01:+3;2027-02-01:-1"), so any later day's count is derived without a
-- recomputation after midnight. Existing registers get their row at the first start (MemberCountStartup); until
-- then a read asks the register, never answering 0 from a missing row. Derived data: emptying it loses nothing.
CREATE TABLE warmte_member_count (
    cooperative_id   TEXT    NOT NULL PRIMARY KEY,
    register_version INTEGER NOT NULL,
    as_of            TEXT    NOT NULL,
    members          INTEGER NOT NULL,
    changes          TEXT    NOT NULL,
    modified_at      TEXT    NOT NULL
) WITHOUT ROWID;
