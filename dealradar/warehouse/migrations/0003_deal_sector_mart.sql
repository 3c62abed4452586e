-- 0003: materialise each deal's sector (majority effective label of its articles) so that the
-- dashboard's deal queries do not recompute votes over every prediction. Refreshed by
-- dealradar.marts.refresh_deal_sectors after deals are rebuilt, articles classified or labelled,
-- and a model version promoted or rolled back.
CREATE TABLE deal_sectors (
    deal_id BIGINT PRIMARY KEY,
    sector VARCHAR NOT NULL
);

CREATE OR REPLACE VIEW mart_deals AS
SELECT d.*, coalesce(s.sector, 'other') AS sector
FROM deals d LEFT JOIN deal_sectors s USING (deal_id);
