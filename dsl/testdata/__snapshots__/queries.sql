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

-- metric purchases
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "purchases"
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "revenue"
FROM "events__metrics"

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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "views"
FROM "events__metrics"

-- profile customers
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "purchases",
  "revenue"
FROM "events__metrics"

-- profile customer_days
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
"events__daily" AS (
  SELECT
    "user_id",
    CAST("event_time" AS DATE) AS "day",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1, 2
)
SELECT
  "user_id",
  "day",
  "views",
  "purchases",
  "revenue"
FROM "events__daily"

-- segment vip
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"
WHERE "revenue" >= 1000

-- query revenue_by_day
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
SELECT
  CAST("event_time" AS DATE) AS "day",
  coalesce(sum("price"), 0) AS "revenue",
  count(*) AS "orders",
  count(DISTINCT "user_id") AS "buyers"
FROM "events"
WHERE "event_type" = 'purchase'
GROUP BY 1
ORDER BY "day"

-- query funnel
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
SELECT
  "event_type",
  count(*) AS "events",
  count(DISTINCT "user_id") AS "customers"
FROM "events"
GROUP BY 1
ORDER BY "events" DESC

-- query top_brands
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
SELECT
  "brand",
  coalesce(sum("price"), 0) AS "revenue"
FROM "events"
WHERE "event_type" = 'purchase' AND "brand" IS NOT NULL
GROUP BY 1
ORDER BY "revenue" DESC
LIMIT 10

-- query segment_sizes
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT
  count(*) AS "everyone",
  count(*) FILTER (WHERE ("revenue" >= 1000)) AS "vip",
  count(*) FILTER (WHERE "purchases" > 0) AS "buyers"
FROM "events__metrics"

-- query top_vips
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"
WHERE ("revenue" >= 1000)
ORDER BY "revenue" DESC
LIMIT 5

-- query active_days
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
"events__daily" AS (
  SELECT
    "user_id",
    CAST("event_time" AS DATE) AS "day",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1, 2
)
SELECT
  "day",
  count(*) AS "active"
FROM "events__daily"
WHERE "views" > 0
GROUP BY 1
ORDER BY "day"

-- query best_day
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
"revenue_by_day" AS (
  SELECT
    CAST("event_time" AS DATE) AS "day",
    coalesce(sum("price"), 0) AS "revenue",
    count(*) AS "orders",
    count(DISTINCT "user_id") AS "buyers"
  FROM "events"
  WHERE "event_type" = 'purchase'
  GROUP BY 1
  ORDER BY "day"
)
SELECT
  *
FROM "revenue_by_day"
ORDER BY "revenue" DESC
LIMIT 1

-- plot revenue_chart
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
"revenue_by_day" AS (
  SELECT
    CAST("event_time" AS DATE) AS "day",
    coalesce(sum("price"), 0) AS "revenue",
    count(*) AS "orders",
    count(DISTINCT "user_id") AS "buyers"
  FROM "events"
  WHERE "event_type" = 'purchase'
  GROUP BY 1
  ORDER BY "day"
)
SELECT *
FROM "revenue_by_day"

-- sql vip_share
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
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views"
  FROM "events"
  GROUP BY 1
),
"vip" AS (
  SELECT
    "user_id",
    "revenue"
  FROM "events__metrics"
  WHERE "revenue" >= 1000
),
"customers" AS (
  SELECT
    "user_id",
    "purchases",
    "revenue"
  FROM "events__metrics"
)
SELECT count(*) FILTER (WHERE vip) * 1.0 / count(*) AS share FROM (SELECT user_id, user_id IN (SELECT user_id FROM vip) AS vip FROM customers)

-- pipeline live
-- (not compiled: see diagnostics)
