-- Each keyed voting mailing run has its own id (review19 #1): a run's end deletes only its own mark, so a first request
-- that ends after a restart under the same key on the same silo process no longer deletes the restart's mark. A mark
-- from before this migration has run '' and is ended by no request; a retry finds it and (its silo gone) restarts it.
ALTER TABLE warmte_voting_mailing ADD COLUMN run text NOT NULL DEFAULT '';
