-- source events
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
)
SELECT *
FROM "events"

-- metric views
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "views"
FROM "events__metrics"

-- metric revenue
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "revenue"
FROM "events__metrics"

-- segment never_holds
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE "views" > 5 AND "views" < 3

-- segment fraction
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE "views" >= 2.5

-- segment nobody
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE NOT "nobody__1" >= 1

-- segment bad_share
-- (not compiled: see diagnostics)

-- segment bad_gap
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"bad_gap__1" AS (
  WITH
  "__step1" AS (
    SELECT "user_id", "event_time" AS "__t", "event_type" = 'view' AS "__s1", "event_type" = 'cart' AS "__s2", "event_time" AS "__b1"
    FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
    SEMI JOIN (
      SELECT DISTINCT "user_id"
      FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
      WHERE "event_time" <= (SELECT "as_of" FROM "as_of") AND "event_type" IN ('view', 'cart') AND ("event_type" = 'cart')
    ) AS "__candidates" USING ("user_id")
    WHERE "event_time" <= (SELECT "as_of" FROM "as_of") AND "event_type" IN ('view', 'cart')
  ),
  "__step2" AS (
    SELECT *, "__s2" AND "__p2" IS NOT NULL AND "__t" <= "__p2" + INTERVAL 2 HOUR AS "__v2"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p2",
        max("__b1") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__b2"
      FROM "__step1"
    )
  )
  SELECT DISTINCT "user_id"
  FROM "__step2"
  WHERE "__v2" AND "__t" <= "__b2" + INTERVAL 1 HOUR
)
SELECT "user_id"
FROM "bad_gap__1"

-- segment bad_step
-- (not compiled: see diagnostics)

-- segment bad_clause
-- (not compiled: see diagnostics)

-- segment bad_verb
-- (not compiled: see diagnostics)

-- segment in_metric_place
-- (not compiled: see diagnostics)

-- metric m
-- (not compiled: see diagnostics)

-- segment broken
-- (not compiled: see diagnostics)

-- segment after_broken
WITH
"as_of" AS (
  SELECT max("event_time") AS "as_of"
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "nobody__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE "views" > 1
