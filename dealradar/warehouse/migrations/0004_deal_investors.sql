-- 0004: each deal's investors (lead first) linked to registry companies where the registry knows them.
CREATE TABLE deal_investors (
    deal_id BIGINT NOT NULL,
    position INTEGER NOT NULL,          -- 1 = lead
    name VARCHAR NOT NULL,
    company_id VARCHAR,
    PRIMARY KEY (deal_id, position)
);
