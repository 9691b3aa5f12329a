-- source events
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
)
SELECT *
FROM "events"

-- metric views
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "views"
FROM "events__metrics"

-- metric revenue
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "revenue"
FROM "events__metrics"

-- segment engaged
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "engaged__1" >= 5

-- segment engaged_apple
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE "engaged_apple__1" >= 5 AND "views" > 10

-- segment busy
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "engaged__1" >= 5 OR "busy__2" = 2

-- segment browsed_not_bought
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "browsed_not_bought__1" >= 1 AND NOT "browsed_not_bought__2" >= 1

-- segment new_buyers
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE coalesce("new_buyers__1" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY, FALSE)

-- segment regulars
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "regulars__1" >= 3

-- segment lapsed
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE coalesce("lapsed__1_last" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY, FALSE)

-- segment lapsed_recent
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE coalesce("lapsed__1_last" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 14 DAY AND "lapsed_recent__1_window" > 0, FALSE)

-- segment returning
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE coalesce("returning__1_first" >= "returning__1_before" + INTERVAL 14 DAY, FALSE)

-- segment active
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "active__1" >= 1

-- segment abandoned_carts
WITH
"abandoned_carts__1" AS (
  WITH
  "__step1" AS (
    SELECT "user_id", "product_id", "event_time" AS "__t", "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY AS "__s1", "event_type" = 'cart' AS "__s2", "event_type" = 'purchase' AS "__n"
    FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
    SEMI JOIN (
      SELECT DISTINCT "user_id", "product_id"
      FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
      WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND (("event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) OR ("event_type" = 'cart') OR ("event_type" = 'purchase')) AND ("event_type" = 'cart')
    ) AS "__candidates" USING ("user_id", "product_id")
    WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND (("event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) OR ("event_type" = 'cart') OR ("event_type" = 'purchase'))
  ),
  "__step2" AS (
    SELECT *, "__s2" AND "__p2" IS NOT NULL AS "__v2"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p2",
        min("__t") FILTER (WHERE "__n") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS "__next"
      FROM "__step1"
    )
  )
  SELECT DISTINCT "user_id"
  FROM "__step2"
  WHERE "__v2" AND "__t" + INTERVAL 1 HOUR <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND ("__next" IS NULL OR "__next" > "__t" + INTERVAL 1 HOUR)
)
SELECT "user_id"
FROM "abandoned_carts__1"

-- segment quick_buyers
WITH
"quick_buyers__1" AS (
  WITH
  "__step1" AS (
    SELECT "user_id", "event_time" AS "__t", "event_type" = 'view' AS "__s1", "event_type" = 'cart' AS "__s2", "event_type" = 'purchase' AS "__s3", "event_time" AS "__b1"
    FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
    SEMI JOIN (
      SELECT DISTINCT "user_id"
      FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
      WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "event_type" IN ('view', 'cart', 'purchase') AND ("event_type" = 'purchase')
    ) AS "__candidates" USING ("user_id")
    WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "event_type" IN ('view', 'cart', 'purchase')
  ),
  "__step2" AS (
    SELECT *, "__s2" AND "__p2" IS NOT NULL AND "__t" <= "__p2" + INTERVAL 10 MINUTE AS "__v2"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p2",
        max("__b1") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__b2"
      FROM "__step1"
    )
  ),
  "__step3" AS (
    SELECT *, "__s3" AND "__p3" IS NOT NULL AND "__t" <= "__p3" + INTERVAL 1 HOUR AS "__v3"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__v2") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p3",
        max("__b2") FILTER (WHERE "__v2") OVER (PARTITION BY "user_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__b3"
      FROM "__step2"
    )
  )
  SELECT DISTINCT "user_id"
  FROM "__step3"
  WHERE "__v3" AND "__t" <= "__b3" + INTERVAL 2 HOUR
)
SELECT "user_id"
FROM "quick_buyers__1"

-- segment no_second_thoughts
WITH
"no_second_thoughts__1" AS (
  WITH
  "__step1" AS (
    SELECT "user_id", "product_id", "event_time" AS "__t", "event_type" = 'cart' AS "__s1", "event_type" = 'purchase' AS "__s2", "event_type" = 'remove_from_cart' AS "__x2"
    FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
    SEMI JOIN (
      SELECT DISTINCT "user_id", "product_id"
      FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
      WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "event_type" IN ('cart', 'purchase', 'remove_from_cart') AND ("event_type" = 'purchase')
    ) AS "__candidates" USING ("user_id", "product_id")
    WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "event_type" IN ('cart', 'purchase', 'remove_from_cart')
  ),
  "__step2" AS (
    SELECT *, "__s2" AND "__p2" IS NOT NULL AND ("__d2" IS NULL OR "__d2" < "__p2") AS "__v2"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p2",
        max("__t") FILTER (WHERE "__x2") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "__d2"
      FROM "__step1"
    )
  )
  SELECT DISTINCT "user_id"
  FROM "__step2"
  WHERE "__v2"
)
SELECT "user_id"
FROM "no_second_thoughts__1"

-- segment top_spenders
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue"
FROM "events__metrics"
WHERE coalesce("revenue" >= (SELECT "v" FROM (
  SELECT "v", row_number() OVER (ORDER BY "v" DESC) AS "r", count(*) OVER () AS "n"
  FROM (SELECT "revenue" AS "v" FROM "events__metrics")
  WHERE "v" IS NOT NULL
) WHERE "r" = ("n" * 10 + 99) // 100), FALSE)

-- segment least_engaged
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE coalesce("views" <= (SELECT "v" FROM (
  SELECT "v", row_number() OVER (ORDER BY "v" ASC) AS "r", count(*) OVER () AS "n"
  FROM (SELECT "views" AS "v" FROM "events__metrics")
  WHERE "v" IS NOT NULL
) WHERE "r" = least("n", 100)), FALSE)

-- segment above_median
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "revenue",
  "views"
FROM "events__metrics"
WHERE coalesce("revenue" > (SELECT quantile_cont("revenue", 0.5) FROM "events__metrics"), FALSE) AND coalesce("views" < (SELECT quantile_cont("views", 0.9) FROM "events__metrics"), FALSE)

-- segment new_top
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "user_id" IN (SELECT "user_id" FROM read_parquet('/lake/_kohort/membership/notebook/top_spenders/intervals.parquet') WHERE "entered_at" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "entered_at" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY)

-- segment former_top
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id"
FROM "events__metrics"
WHERE "user_id" IN (SELECT "user_id" FROM read_parquet('/lake/_kohort/membership/notebook/top_spenders/intervals.parquet') WHERE "entered_at" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "left_at" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "left_at" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) OR "user_id" IN (SELECT "user_id" FROM read_parquet('/lake/_kohort/membership/notebook/top_spenders/intervals.parquet') WHERE "entered_at" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND "entered_at" < DATE '2019-10-15' + INTERVAL 1 DAY AND ("left_at" IS NULL OR "left_at" > least(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP), DATE '2019-10-15')))

-- profile behaviour
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    count(*) FILTER (WHERE "event_type" = 'view') AS "views",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged__1",
    count(*) FILTER (WHERE "event_type" = 'view' AND "brand" = 'apple' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) AS "engaged_apple__1",
    count(*) FILTER (WHERE "event_type" IN ('cart', 'purchase')) AS "busy__2",
    count(*) FILTER (WHERE "event_type" = 'view' AND "price" > 100 AND "brand" IS NOT NULL) AS "browsed_not_bought__1",
    count(*) FILTER (WHERE "event_type" = 'purchase') AS "browsed_not_bought__2",
    min("event_time") FILTER (WHERE "event_type" = 'purchase') AS "new_buyers__1",
    count(DISTINCT (epoch_us(CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) - epoch_us("event_time")) // 604800000000) FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 4 WEEK) AS "regulars__1",
    max("event_time") FILTER (WHERE "event_type" = 'purchase') AS "lapsed__1_last",
    count(*) FILTER (WHERE "event_type" = 'purchase' AND "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-20' + INTERVAL 1 DAY) AS "lapsed_recent__1_window",
    min("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_first",
    max("event_time") FILTER (WHERE "event_type" = 'purchase' AND "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY) AS "returning__1_before",
    count(*) FILTER (WHERE "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 1 DAY) AS "active__1"
  FROM "events"
  GROUP BY 1
),
"abandoned_carts__1" AS (
  WITH
  "__step1" AS (
    SELECT "user_id", "product_id", "event_time" AS "__t", "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY AS "__s1", "event_type" = 'cart' AS "__s2", "event_type" = 'purchase' AS "__n"
    FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
    SEMI JOIN (
      SELECT DISTINCT "user_id", "product_id"
      FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
      WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND (("event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) OR ("event_type" = 'cart') OR ("event_type" = 'purchase')) AND ("event_type" = 'cart')
    ) AS "__candidates" USING ("user_id", "product_id")
    WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND (("event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 30 DAY) OR ("event_type" = 'cart') OR ("event_type" = 'purchase'))
  ),
  "__step2" AS (
    SELECT *, "__s2" AND "__p2" IS NOT NULL AS "__v2"
    FROM (
      SELECT *,
        max("__t") FILTER (WHERE "__s1") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS "__p2",
        min("__t") FILTER (WHERE "__n") OVER (PARTITION BY "user_id", "product_id" ORDER BY "__t" RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS "__next"
      FROM "__step1"
    )
  )
  SELECT DISTINCT "user_id"
  FROM "__step2"
  WHERE "__v2" AND "__t" + INTERVAL 1 HOUR <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) AND ("__next" IS NULL OR "__next" > "__t" + INTERVAL 1 HOUR)
)
SELECT
  "user_id",
  "views",
  "revenue",
  ("engaged__1" >= 5) AS "engaged",
  ("user_id" IN (SELECT "user_id" FROM "abandoned_carts__1")) AS "abandoned_carts",
  (coalesce("revenue" >= (SELECT "v" FROM (
    SELECT "v", row_number() OVER (ORDER BY "v" DESC) AS "r", count(*) OVER () AS "n"
    FROM (SELECT "revenue" AS "v" FROM "events__metrics")
    WHERE "v" IS NOT NULL
  ) WHERE "r" = ("n" * 10 + 99) // 100), FALSE)) AS "top_spenders"
FROM "events__metrics"
