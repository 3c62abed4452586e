-- 0002: staged views and marts. The effective label of an article is the
-- latest analyst label, else the active model version's prediction.
CREATE VIEW stg_active_predictions AS
SELECT p.*
FROM predictions p
JOIN model_versions v ON v.version_id = p.version_id AND v.status = 'active';

CREATE VIEW stg_latest_labels AS
SELECT * EXCLUDE (rn) FROM (
    SELECT l.*, row_number() OVER (PARTITION BY article_id ORDER BY labelled_at DESC, label_id DESC) AS rn
    FROM labels l WHERE NOT undone
) WHERE rn = 1;

CREATE VIEW stg_article_labels AS
SELECT
    a.article_id,
    coalesce(l.sector, p.sector) AS sector,
    coalesce(l.signal, p.signal) AS signal,
    CASE WHEN l.article_id IS NOT NULL THEN 1.0 ELSE p.sector_conf END AS sector_conf,
    CASE WHEN l.article_id IS NOT NULL THEN 1.0 ELSE p.signal_conf END AS signal_conf,
    p.sector_2nd, p.signal_2nd,
    p.version_id,
    CASE WHEN l.article_id IS NOT NULL THEN 'analyst'
         WHEN p.article_id IS NOT NULL THEN 'model' END AS label_origin
FROM articles a
LEFT JOIN stg_latest_labels l USING (article_id)
LEFT JOIN stg_active_predictions p USING (article_id);

-- One row per deal with its sector: the majority effective sector of its articles.
CREATE VIEW mart_deals AS
WITH votes AS (
    SELECT da.deal_id, al.sector, count(*) AS n
    FROM deal_articles da JOIN stg_article_labels al USING (article_id)
    WHERE al.sector IS NOT NULL
    GROUP BY ALL
), top AS (
    SELECT deal_id, arg_max(sector, n) AS sector FROM votes GROUP BY deal_id
)
SELECT d.*, coalesce(top.sector, 'other') AS sector
FROM deals d LEFT JOIN top USING (deal_id);
