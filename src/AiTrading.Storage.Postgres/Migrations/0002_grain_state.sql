-- Grain state for the Orleans ADO.NET persistence provider. The key is everything the provider sends about a
-- grain; the hashes come first so the index narrows quickly. version is the grain state's ETag.
CREATE TABLE grain_state (
    service_id          text        NOT NULL,
    grain_type_hash     integer     NOT NULL,
    grain_id_hash       integer     NOT NULL,
    grain_id_n0         bigint      NOT NULL,
    grain_id_n1         bigint      NOT NULL,
    grain_type          text        NOT NULL,
    grain_id_extension  text        NOT NULL DEFAULT '',
    payload             bytea,
    version             integer     NOT NULL,
    changed_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
);
