-- The SQL the Orleans ADO.NET providers run, keyed as they look it up (SELECT QueryKey, QueryText FROM
-- OrleansQuery). Parameters arrive by name (@DeploymentId, @Version, ...); result columns are matched by name.
-- Every parameter is cast: untyped nulls would otherwise leave PostgreSQL unable to infer their type.
CREATE TABLE orleansquery (
    querykey   varchar(64) PRIMARY KEY,
    querytext  text        NOT NULL
);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Clustering -------------------------------------------------------------------------------------------------
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO cluster_version (cluster_id) VALUES (CAST(@DeploymentId AS text))
    ON CONFLICT (cluster_id) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created)
$q$),

('MembershipReadAllKey', $q$
SELECT v.version AS "Version", m.*
FROM cluster_version v
LEFT JOIN cluster_member_row m ON m.cluster_id = v.cluster_id
WHERE v.cluster_id = CAST(@DeploymentId AS text)
$q$),

('MembershipReadRowKey', $q$
SELECT v.version AS "Version", m.*
FROM cluster_version v
LEFT JOIN cluster_member_row m ON m.cluster_id = v.cluster_id
                              AND m."Address" = CAST(@Address AS text)
                              AND m."Port" = CAST(@Port AS integer)
                              AND m."Generation" = CAST(@Generation AS integer)
WHERE v.cluster_id = CAST(@DeploymentId AS text)
$q$),

('InsertMembershipKey', $q$
WITH claimed AS (
    UPDATE cluster_version SET version = version + 1, changed_at = now()
    WHERE cluster_id = CAST(@DeploymentId AS text)
      AND version = CAST(@Version AS integer)
      AND NOT EXISTS (SELECT 1 FROM cluster_member
                      WHERE cluster_id = CAST(@DeploymentId AS text) AND address = CAST(@Address AS text)
                        AND port = CAST(@Port AS integer) AND generation = CAST(@Generation AS integer))
    RETURNING cluster_id),
added AS (
    INSERT INTO cluster_member (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                start_time, i_am_alive_time)
    SELECT cluster_id, CAST(@Address AS text), CAST(@Port AS integer), CAST(@Generation AS integer),
           COALESCE(CAST(@SiloName AS text), ''), COALESCE(CAST(@HostName AS text), ''), CAST(@Status AS integer),
           CAST(@ProxyPort AS integer), CAST(@StartTime AS timestamptz), CAST(@IAmAliveTime AS timestamptz)
    FROM claimed
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM added)
$q$),

('UpdateMembershipKey', $q$
WITH claimed AS (
    UPDATE cluster_version SET version = version + 1, changed_at = now()
    WHERE cluster_id = CAST(@DeploymentId AS text)
      AND version = CAST(@Version AS integer)
      AND EXISTS (SELECT 1 FROM cluster_member
                  WHERE cluster_id = CAST(@DeploymentId AS text) AND address = CAST(@Address AS text)
                    AND port = CAST(@Port AS integer) AND generation = CAST(@Generation AS integer))
    RETURNING cluster_id),
changed AS (
    UPDATE cluster_member m
    SET status = CAST(@Status AS integer), suspect_times = CAST(@SuspectTimes AS text),
        i_am_alive_time = CAST(@IAmAliveTime AS timestamptz)
    FROM claimed
    WHERE m.cluster_id = claimed.cluster_id AND m.address = CAST(@Address AS text)
      AND m.port = CAST(@Port AS integer) AND m.generation = CAST(@Generation AS integer)
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM changed)
$q$),

('UpdateIAmAlivetimeKey', $q$
UPDATE cluster_member SET i_am_alive_time = CAST(@IAmAliveTime AS timestamptz)
WHERE cluster_id = CAST(@DeploymentId AS text) AND address = CAST(@Address AS text)
  AND port = CAST(@Port AS integer) AND generation = CAST(@Generation AS integer)
$q$),

('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM cluster_member
WHERE cluster_id = CAST(@DeploymentId AS text) AND status = CAST(@Status AS integer) AND proxy_port > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM cluster_version WHERE cluster_id = CAST(@DeploymentId AS text)
$q$),

('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM cluster_member
WHERE cluster_id = CAST(@DeploymentId AS text)
  AND i_am_alive_time < CAST(@IAmAliveTime AS timestamptz)
  AND status = 6
$q$),

-- Grain state ------------------------------------------------------------------------------------------------
-- A write returns the new version as NewGrainStateVersion, or no row when the caller's version is stale (Orleans reports a conflict).
('WriteToStorageKey', $q$
WITH changed AS (
    UPDATE grain_state
    SET payload = CAST(@PayloadBinary AS bytea), version = version + 1, changed_at = now()
    WHERE service_id = CAST(@ServiceId AS text) AND grain_type_hash = CAST(@GrainTypeHash AS integer)
      AND grain_id_hash = CAST(@GrainIdHash AS integer) AND grain_id_n0 = CAST(@GrainIdN0 AS bigint)
      AND grain_id_n1 = CAST(@GrainIdN1 AS bigint) AND grain_type = CAST(@GrainTypeString AS text)
      AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version),
created AS (
    INSERT INTO grain_state (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type,
                             grain_id_extension, payload, version)
    SELECT CAST(@ServiceId AS text), CAST(@GrainTypeHash AS integer), CAST(@GrainIdHash AS integer),
           CAST(@GrainIdN0 AS bigint), CAST(@GrainIdN1 AS bigint), CAST(@GrainTypeString AS text),
           COALESCE(CAST(@GrainIdExtensionString AS text), ''), CAST(@PayloadBinary AS bytea), 1
    WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS "NewGrainStateVersion" FROM changed
UNION ALL
SELECT version FROM created
$q$),

('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM grain_state
WHERE service_id = CAST(@ServiceId AS text) AND grain_type_hash = CAST(@GrainTypeHash AS integer)
  AND grain_id_hash = CAST(@GrainIdHash AS integer) AND grain_id_n0 = CAST(@GrainIdN0 AS bigint)
  AND grain_id_n1 = CAST(@GrainIdN1 AS bigint) AND grain_type = CAST(@GrainTypeString AS text)
  AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
$q$),

('ClearStorageKey', $q$
UPDATE grain_state
SET payload = NULL, version = version + 1, changed_at = now()
WHERE service_id = CAST(@ServiceId AS text) AND grain_type_hash = CAST(@GrainTypeHash AS integer)
  AND grain_id_hash = CAST(@GrainIdHash AS integer) AND grain_id_n0 = CAST(@GrainIdN0 AS bigint)
  AND grain_id_n1 = CAST(@GrainIdN1 AS bigint) AND grain_type = CAST(@GrainTypeString AS text)
  AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
  AND version = CAST(@GrainStateVersion AS integer)
RETURNING version
$q$),

-- Returns the version after the stored one: Orleans treats an unchanged version as a conflict.
('DeleteStorageKey', $q$
DELETE FROM grain_state
WHERE service_id = CAST(@ServiceId AS text) AND grain_type_hash = CAST(@GrainTypeHash AS integer)
  AND grain_id_hash = CAST(@GrainIdHash AS integer) AND grain_id_n0 = CAST(@GrainIdN0 AS bigint)
  AND grain_id_n1 = CAST(@GrainIdN1 AS bigint) AND grain_type = CAST(@GrainTypeString AS text)
  AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
  AND version = CAST(@GrainStateVersion AS integer)
RETURNING version + 1
$q$),

-- Reminders --------------------------------------------------------------------------------------------------
('ReadReminderRowsKey', $q$
SELECT * FROM reminder_row
WHERE service_id = CAST(@ServiceId AS text) AND "GrainId" = CAST(@GrainId AS text)
$q$),

('ReadReminderRowKey', $q$
SELECT * FROM reminder_row
WHERE service_id = CAST(@ServiceId AS text) AND "GrainId" = CAST(@GrainId AS text)
  AND "ReminderName" = CAST(@ReminderName AS text)
$q$),

-- The ring range (begin, end] when it does not wrap in signed order ...
('ReadRangeRows1Key', $q$
SELECT * FROM reminder_row
WHERE service_id = CAST(@ServiceId AS text)
  AND grain_hash > CAST(@BeginHash AS integer) AND grain_hash <= CAST(@EndHash AS integer)
$q$),

-- ... and when it does.
('ReadRangeRows2Key', $q$
SELECT * FROM reminder_row
WHERE service_id = CAST(@ServiceId AS text)
  AND (grain_hash > CAST(@BeginHash AS integer) OR grain_hash <= CAST(@EndHash AS integer))
$q$),

('UpsertReminderRowKey', $q$
INSERT INTO reminder (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (CAST(@ServiceId AS text), CAST(@GrainId AS text), CAST(@ReminderName AS text), CAST(@GrainHash AS integer),
        CAST(@StartTime AS timestamptz), CAST(@Period AS bigint), 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = EXCLUDED.grain_hash, start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
    version = reminder.version + 1
RETURNING version AS "Version"
$q$),

('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM reminder
    WHERE service_id = CAST(@ServiceId AS text) AND grain_id = CAST(@GrainId AS text)
      AND reminder_name = CAST(@ReminderName AS text) AND version = CAST(@Version AS integer)
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM removed)
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM reminder WHERE service_id = CAST(@ServiceId AS text)
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
