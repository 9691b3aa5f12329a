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

-- pipeline ok
-- (not compiled: see diagnostics)

-- pipeline hdfs
-- (not compiled: see diagnostics)

-- pipeline bad_topic
-- (not compiled: see diagnostics)

-- pipeline no_brokers
-- (not compiled: see diagnostics)

-- pipeline wrong_into
-- (not compiled: see diagnostics)

-- pipeline bad_clause
-- (not compiled: see diagnostics)

-- pipeline bad_unit
-- (not compiled: see diagnostics)
