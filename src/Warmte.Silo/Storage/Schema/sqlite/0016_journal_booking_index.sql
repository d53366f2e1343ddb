-- Warmtenet: a cash plan's spending row found by its booking's id (docs/storage.md, "The journal").
-- A correction (POST /api/projects/{id}/spending/{bookingId}/correction) reads the booking it corrects
-- by this index, then that month's rows (tag), instead of every spending row of the project.
-- Partial: only spending rows are indexed; the query names kind = 'spending' and the same
-- expression literally (AdoNetJournalStore.FindBookingAsync), so the planner can use it.
CREATE INDEX ix_warmte_journal_booking ON warmte_journal (grain_type, grain_key, json_extract(payload, '$.booking.id'))
    WHERE kind = 'spending';
