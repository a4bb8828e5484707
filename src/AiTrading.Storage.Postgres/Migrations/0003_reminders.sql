-- Reminders for the Orleans ADO.NET reminder provider. grain_hash is the grain's uniform hash as a signed
-- integer; silos read the reminders of their own range of the hash ring.
CREATE TABLE reminder (
    service_id     text        NOT NULL,
    grain_id       text        NOT NULL,
    reminder_name  text        NOT NULL,
    grain_hash     integer     NOT NULL,
    start_time     timestamptz NOT NULL,
    period_ms      bigint      NOT NULL,
    version        integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX reminder_by_hash ON reminder (service_id, grain_hash);

-- Reminders under the column names the provider reads.
CREATE VIEW reminder_row AS
SELECT service_id, grain_hash, grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM reminder;
