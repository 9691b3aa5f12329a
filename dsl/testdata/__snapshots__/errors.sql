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

-- metric revenue
-- (not compiled: see diagnostics)

-- metric views
-- (not compiled: see diagnostics)

-- segment vip
-- (not compiled: see diagnostics)

-- segment loop_a
-- (not compiled: see diagnostics)

-- segment loop_b
-- (not compiled: see diagnostics)

-- metric twice
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
    count(*) AS "twice"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "twice"
FROM "events__metrics"

-- profile daily
-- (not compiled: see diagnostics)

-- metric trend
-- (not compiled: see diagnostics)
