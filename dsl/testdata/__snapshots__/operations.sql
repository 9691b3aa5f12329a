-- source events
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
)
SELECT *
FROM "events"

-- source files
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"files" AS (
  SELECT *
  FROM read_parquet('/work/x/*.parquet')
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
)
SELECT *
FROM "files"

-- metric revenue
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "revenue"
FROM "events__metrics"

-- profile customers
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"

-- segment vip
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"
WHERE "revenue" >= 1000

-- segment big
WITH
"as_of" AS (
  SELECT greatest(
    (SELECT max("event_time") FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)),
    (SELECT max("event_time") FROM read_parquet('/work/x/*.parquet'))
  ) AS "as_of"
),
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= (SELECT "as_of" FROM "as_of")
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"
WHERE "revenue" >= 5000

-- schedule nightly
-- (not compiled: see diagnostics)

-- schedule hourly
-- (not compiled: see diagnostics)

-- schedule fresh
-- (not compiled: see diagnostics)

-- destination crm
-- (not compiled: see diagnostics)

-- destination plain
-- (not compiled: see diagnostics)

-- schedule bad_cron
-- (not compiled: see diagnostics)

-- schedule bad_zone
-- (not compiled: see diagnostics)

-- schedule bad_every
-- (not compiled: see diagnostics)

-- schedule bad_unit
-- (not compiled: see diagnostics)

-- schedule bad_refresh
-- (not compiled: see diagnostics)

-- schedule bad_missed
-- (not compiled: see diagnostics)

-- schedule bad_on
-- (not compiled: see diagnostics)

-- schedule bad_trigger
-- (not compiled: see diagnostics)

-- schedule zone_on_interval
-- (not compiled: see diagnostics)

-- destination bad_url
-- (not compiled: see diagnostics)

-- destination bad_kind
-- (not compiled: see diagnostics)

-- destination bad_secret
-- (not compiled: see diagnostics)

-- destination no_segments
-- (not compiled: see diagnostics)

-- destination wrong_segment
-- (not compiled: see diagnostics)
