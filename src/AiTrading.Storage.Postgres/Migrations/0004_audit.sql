-- The audit log: append-only, hash-chained, partitioned by month of the record's time.
-- time_ticks keeps the record's exact time (100 ns ticks, as hashed); recorded_at is the same instant for
-- partitioning. audit_head is each stream's last sequence and hash: appends compare-and-set it, so two writers
-- can never both extend a stream from the same record. audit_anchor is the last record of a stream that
-- retention dropped, where verification of the retained records starts.
CREATE TABLE audit_record (
    stream         text        NOT NULL,
    sequence       bigint      NOT NULL,
    time_ticks     bigint      NOT NULL,
    recorded_at    timestamptz NOT NULL,
    kind           text        NOT NULL,
    payload        text        NOT NULL,
    previous_hash  char(64)    NOT NULL,
    hash           char(64)    NOT NULL,
    PRIMARY KEY (stream, sequence, recorded_at)
) PARTITION BY RANGE (recorded_at);

CREATE TABLE audit_head (
    stream    text     PRIMARY KEY,
    sequence  bigint   NOT NULL,
    hash      char(64) NOT NULL
);

CREATE TABLE audit_anchor (
    stream    text     PRIMARY KEY,
    sequence  bigint   NOT NULL,
    hash      char(64) NOT NULL
);

CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The month partition holding instant t, created on first use. Creators queue on an advisory lock; one that
-- finds the partition made meanwhile by another transaction carries on.
CREATE OR REPLACE FUNCTION audit_ensure_partition(t timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
    month_start timestamptz := date_trunc('month', t, 'UTC');
    partition   text := 'audit_record_p' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
BEGIN
    IF to_regclass(partition) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('aitrading.audit_partition'));
        BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_record FOR VALUES FROM (%L) TO (%L)',
                           partition, month_start, month_start + interval '1 month');
            EXECUTE format('CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON %I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()', partition);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;
        END;
    END IF;
    RETURN partition;
END
$fn$;

-- Appends one record if it extends the stream's head (sequence 1 only to an empty stream); false otherwise.
CREATE OR REPLACE FUNCTION audit_append(
    p_stream text, p_sequence bigint, p_time_ticks bigint, p_recorded_at timestamptz,
    p_kind text, p_payload text, p_previous_hash text, p_hash text) RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_sequence = 1 THEN
        INSERT INTO audit_head (stream, sequence, hash) VALUES (p_stream, 1, p_hash) ON CONFLICT DO NOTHING;
    ELSE
        UPDATE audit_head SET sequence = p_sequence, hash = p_hash
         WHERE stream = p_stream AND sequence = p_sequence - 1 AND hash = p_previous_hash;
    END IF;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM audit_ensure_partition(p_recorded_at);
    INSERT INTO audit_record (stream, sequence, time_ticks, recorded_at, kind, payload, previous_hash, hash)
    VALUES (p_stream, p_sequence, p_time_ticks, p_recorded_at, p_kind, p_payload, p_previous_hash, p_hash);
    RETURN true;
END
$fn$;
