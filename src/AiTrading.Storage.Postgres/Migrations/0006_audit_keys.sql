-- Idempotency keys of audit records. A writer that may repeat an append after a crash (an order's fill, a
-- strategy's decision) names the record with a key; an append whose key its stream already holds stores nothing
-- and answers the record that holds it. The key is not part of the hashed record.
CREATE TABLE audit_key (
    stream    text   NOT NULL,
    key       text   NOT NULL,
    sequence  bigint NOT NULL,
    PRIMARY KEY (stream, key)
);

-- 0: appended; -1: the record does not extend the stream's head (nothing stored); n > 0: record n already holds the
-- key (nothing stored). Two writers racing with one key: the second's key insert fails the primary key and its whole
-- append rolls back.
CREATE OR REPLACE FUNCTION audit_append_keyed(
    p_stream text, p_sequence bigint, p_time_ticks bigint, p_recorded_at timestamptz,
    p_kind text, p_payload text, p_previous_hash text, p_hash text, p_key text) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    existing bigint;
BEGIN
    SELECT sequence INTO existing FROM audit_key WHERE stream = p_stream AND key = p_key;
    IF FOUND THEN
        RETURN existing;
    END IF;
    IF NOT audit_append(p_stream, p_sequence, p_time_ticks, p_recorded_at, p_kind, p_payload, p_previous_hash, p_hash) THEN
        RETURN -1;
    END IF;
    INSERT INTO audit_key (stream, key, sequence) VALUES (p_stream, p_key, p_sequence);
    RETURN 0;
END
$fn$;
