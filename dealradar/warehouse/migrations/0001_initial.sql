-- 0001: the initial warehouse schema (raw -> staged tables; marts are views in 0002).
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_run_id START 1;
CREATE TABLE ingest_runs (
    run_id BIGINT PRIMARY KEY,
    source VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,            -- running | completed | failed
    n_read BIGINT NOT NULL DEFAULT 0,
    n_loaded BIGINT NOT NULL DEFAULT 0,
    n_duplicates BIGINT NOT NULL DEFAULT 0,
    n_rejected BIGINT NOT NULL DEFAULT 0,
    message VARCHAR
);

CREATE SEQUENCE IF NOT EXISTS seq_article_id START 1;
CREATE TABLE articles (
    article_id BIGINT PRIMARY KEY,
    run_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,            -- the file or URL it came from
    position BIGINT,                    -- line or record number in the source
    external_id VARCHAR,                -- the id the source gave it, if any
    outlet VARCHAR,
    author VARCHAR,
    url VARCHAR,
    canonical_url VARCHAR,
    title VARCHAR NOT NULL,
    body VARCHAR NOT NULL DEFAULT '',
    published_at TIMESTAMP,             -- UTC
    date_flag VARCHAR,                  -- null | from_url | missing | unparsed
    content_hash VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_reject_id START 1;
CREATE TABLE rejects (
    reject_id BIGINT PRIMARY KEY,
    run_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    position BIGINT,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    rejected_at TIMESTAMP NOT NULL
);

CREATE TABLE deal_facts (
    article_id BIGINT PRIMARY KEY,
    company VARCHAR,
    company_id VARCHAR,
    amount DOUBLE,
    currency VARCHAR,
    amount_usd DOUBLE,
    amount_floor BOOLEAN NOT NULL DEFAULT false,
    round_stage VARCHAR,
    valuation_usd DOUBLE,
    investors VARCHAR[],
    acquirer VARCHAR,
    flags VARCHAR[],
    evidence VARCHAR,                   -- JSON list of {field, value, source, start, end, text}
    extracted_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_deal_id START 1;
CREATE TABLE deals (
    deal_id BIGINT PRIMARY KEY,
    signal VARCHAR NOT NULL,
    company VARCHAR,
    company_key VARCHAR,
    company_id VARCHAR,
    amount DOUBLE,
    currency VARCHAR,
    amount_usd DOUBLE,
    round_stage VARCHAR,
    valuation_usd DOUBLE,
    investors VARCHAR[],
    acquirer VARCHAR,
    announced_at TIMESTAMP,
    n_articles INTEGER NOT NULL,
    has_conflict BOOLEAN NOT NULL DEFAULT false,
    conflicts VARCHAR,                  -- JSON {field: [values]}
    manual BOOLEAN NOT NULL DEFAULT false,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE deal_articles (
    article_id BIGINT PRIMARY KEY,      -- an article belongs to at most one deal
    deal_id BIGINT NOT NULL
);

-- Manual merge/split decisions survive deal rebuilds.
CREATE TABLE deal_overrides (
    article_id BIGINT PRIMARY KEY,
    pin_key VARCHAR NOT NULL,           -- articles with the same pin_key form one deal
    made_by VARCHAR NOT NULL,
    made_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_label_id START 1;
CREATE TABLE labels (
    label_id BIGINT PRIMARY KEY,
    article_id BIGINT NOT NULL,
    sector VARCHAR NOT NULL,
    signal VARCHAR NOT NULL,
    action VARCHAR NOT NULL,            -- accept | correct
    labelled_by VARCHAR NOT NULL,
    labelled_at TIMESTAMP NOT NULL,
    undone BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE model_versions (
    version_id VARCHAR PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    base_model VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    profile VARCHAR,
    hyperparams VARCHAR NOT NULL,       -- JSON
    data_hash VARCHAR NOT NULL,
    label_counts VARCHAR NOT NULL,      -- JSON
    metrics VARCHAR,                    -- JSON
    baseline_metrics VARCHAR,           -- JSON
    device VARCHAR NOT NULL,
    duration_s DOUBLE NOT NULL,
    path VARCHAR NOT NULL,
    taxonomy_version INTEGER NOT NULL,
    status VARCHAR NOT NULL,            -- candidate | active | retired | deleted
    promoted_at TIMESTAMP,
    notes VARCHAR
);

CREATE TABLE predictions (
    article_id BIGINT NOT NULL,
    version_id VARCHAR NOT NULL,
    sector VARCHAR NOT NULL,
    sector_conf DOUBLE NOT NULL,
    sector_2nd VARCHAR,
    sector_2nd_conf DOUBLE,
    signal VARCHAR NOT NULL,
    signal_conf DOUBLE NOT NULL,
    signal_2nd VARCHAR,
    signal_2nd_conf DOUBLE,
    predicted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, version_id)
);

CREATE TABLE companies (
    company_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    aliases VARCHAR[],
    kind VARCHAR NOT NULL,              -- startup | big_tech | investor | other
    sector VARCHAR,
    sector_origin VARCHAR NOT NULL,     -- bundled | inferred | corrected
    country VARCHAR,
    founded_year INTEGER,
    description VARCHAR,
    sources VARCHAR,                    -- JSON
    merged_into VARCHAR,
    updated_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_change_id START 1;
CREATE TABLE company_changes (
    change_id BIGINT PRIMARY KEY,
    company_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    before VARCHAR,
    after VARCHAR,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS seq_export_id START 1;
CREATE TABLE exports (
    export_id BIGINT PRIMARY KEY,
    format VARCHAR NOT NULL,
    filters VARCHAR NOT NULL,
    version_id VARCHAR,
    taxonomy_version INTEGER NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Conditional-request state of polled feeds (ETag / Last-Modified).
CREATE TABLE feed_state (
    url VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    checked_at TIMESTAMP NOT NULL
);
