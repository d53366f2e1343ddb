-- A keyed voting mail (POST …/online/mail with an Idempotency-Key) being sent now (docs/members-and-decisions.md,
-- "A retried voting mail"). Written when the codes are prepared, before any mail goes out; deleted at the commit that
-- makes the mailed codes valid (which stores the key) or when the mailing ends without one. silo is the Orleans silo
-- address (with its generation) of the silo running the mailing: a retry through any silo asks the cluster's
-- membership whether that silo still runs (then: still being sent, 409 mail-in-progress) or not (the mailing was
-- interrupted; restarting it needs restartInterrupted). started_at is an ISO instant from the service's clock.
CREATE TABLE warmte_voting_mailing (
    voting_key      text NOT NULL,
    idempotency_key text NOT NULL,
    fingerprint     text NOT NULL,
    silo            text NOT NULL,
    started_at      text NOT NULL,
    PRIMARY KEY (voting_key, idempotency_key)
);
