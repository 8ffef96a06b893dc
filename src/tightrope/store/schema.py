"""Named, ordered schema migrations.

Each migration runs once, inside a transaction, and is recorded in
``schema_migrations``.  Add new ones at the end; never edit an applied one.
Column names follow the export contract so export is a plain SELECT.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_core_tables",
        """
        CREATE TABLE documents (
            doc_id VARCHAR PRIMARY KEY,
            path VARCHAR, url VARCHAR, title VARCHAR, publisher VARCHAR,
            published VARCHAR, published_precision VARCHAR, published_method VARCHAR,
            source_format VARCHAR, text VARCHAR NOT NULL,
            ingested_at TIMESTAMP DEFAULT current_timestamp,
            extracted_version VARCHAR
        );
        CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL,
            event_date DATE, date_precision VARCHAR, date_method VARCHAR,
            event_type VARCHAR, sub_event_type VARCHAR, plover_type VARCHAR, plover_mode VARCHAR,
            actor1 VARCHAR, actor1_id VARCHAR, assoc_actor_1 VARCHAR,
            actor2 VARCHAR, actor2_id VARCHAR, assoc_actor_2 VARCHAR,
            origin_country VARCHAR, location VARCHAR, admin1 VARCHAR, country VARCHAR,
            latitude DOUBLE, longitude DOUBLE, geo_precision INTEGER, geo_method VARCHAR,
            weapon VARCHAR, fatalities INTEGER, outcome VARCHAR, claim_status VARCHAR,
            attributed_to VARCHAR[], hedged BOOLEAN, trigger VARCHAR,
            method VARCHAR, confidence DOUBLE,
            text VARCHAR, char_start INTEGER, char_end INTEGER
        );
        CREATE TABLE statements (
            statement_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, date VARCHAR,
            speaker VARCHAR, speaker_id VARCHAR, speaker_role VARCHAR, speaker_org VARCHAR,
            statement_type VARCHAR, target VARCHAR, quote VARCHAR,
            method VARCHAR, confidence DOUBLE,
            text VARCHAR, char_start INTEGER, char_end INTEGER
        );
        CREATE TABLE stats (
            stat_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL,
            subject VARCHAR, origin VARCHAR, target VARCHAR, value DOUBLE, unit VARCHAR,
            approximate BOOLEAN, period_start DATE, period_end DATE, source VARCHAR,
            method VARCHAR, confidence DOUBLE,
            text VARCHAR, char_start INTEGER, char_end INTEGER
        );
        CREATE TABLE relations (
            relation_id VARCHAR PRIMARY KEY,
            subject VARCHAR, subject_id VARCHAR, relation VARCHAR, object VARCHAR, object_id VARCHAR,
            doc_id VARCHAR NOT NULL, method VARCHAR, confidence DOUBLE,
            text VARCHAR, char_start INTEGER, char_end INTEGER
        );
        CREATE TABLE text_actors (
            actor_id VARCHAR PRIMARY KEY, name VARCHAR, actor_type VARCHAR, country VARCHAR,
            doc_id VARCHAR, char_start INTEGER, char_end INTEGER
        );
        CREATE TABLE rejects (
            path VARCHAR, item VARCHAR, reason VARCHAR, run_id VARCHAR,
            rejected_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
            files INTEGER, documents INTEGER, new_documents INTEGER, rejects INTEGER
        );
        """,
    ),
    (
        # Cross-article merging (resolve/merge.py): one row per incident and one
        # per member mention; rebuilt wholesale by merge_events().  actor_links
        # maps text actors to the KB actor or fuller text name they stand for.
        "0002_canonical_events",
        """
        CREATE TABLE canonical_events (
            canonical_event_id VARCHAR PRIMARY KEY,
            event_date DATE, date_precision VARCHAR,
            event_type VARCHAR, sub_event_type VARCHAR, plover_type VARCHAR,
            actor1 VARCHAR, actor1_id VARCHAR, actor2 VARCHAR, actor2_id VARCHAR,
            location VARCHAR, admin1 VARCHAR, country VARCHAR,
            latitude DOUBLE, longitude DOUBLE, geo_precision INTEGER,
            weapon VARCHAR, fatalities INTEGER, fatalities_max INTEGER,
            claim_statuses VARCHAR[], n_mentions INTEGER, n_documents INTEGER,
            doc_ids VARCHAR[], publishers VARCHAR[],
            first_reported VARCHAR, last_reported VARCHAR
        );
        CREATE TABLE canonical_members (
            canonical_event_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
            char_start INTEGER, char_end INTEGER, claim_status VARCHAR,
            PRIMARY KEY (canonical_event_id, event_id)
        );
        CREATE TABLE actor_links (
            actor_id VARCHAR PRIMARY KEY, canonical_id VARCHAR NOT NULL, method VARCHAR, score DOUBLE
        );
        """,
    ),
]
