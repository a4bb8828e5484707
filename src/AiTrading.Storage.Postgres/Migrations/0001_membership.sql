-- Cluster membership for the Orleans ADO.NET clustering provider. One version row per cluster id is the
-- table's optimistic-concurrency token: every insert or update of a member bumps it, or changes nothing.
CREATE TABLE cluster_version (
    cluster_id  text        PRIMARY KEY,
    version     integer     NOT NULL DEFAULT 0,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cluster_member (
    cluster_id      text        NOT NULL REFERENCES cluster_version (cluster_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

-- Members under the column names the provider reads.
CREATE VIEW cluster_member_row AS
SELECT cluster_id, address AS "Address", port AS "Port", generation AS "Generation", silo_name AS "SiloName",
       host_name AS "HostName", status AS "Status", proxy_port AS "ProxyPort", suspect_times AS "SuspectTimes",
       start_time AS "StartTime", i_am_alive_time AS "IAmAliveTime"
FROM cluster_member;
