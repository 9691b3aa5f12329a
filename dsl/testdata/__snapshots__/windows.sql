-- source events
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
)
SELECT *
FROM "events"

-- metric revenue_7d
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "revenue_7d"
FROM "events__metrics"

-- metric views_24h
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "views_24h"
FROM "events__metrics"

-- metric first_half
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "first_half"
FROM "events__metrics"

-- metric morning
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "morning"
FROM "events__metrics"

-- metric weekend
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "weekend"
FROM "events__metrics"

-- metric tenure
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "tenure"
FROM "events__metrics"

-- metric big_category
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "big_category"
FROM "events__metrics"

-- metric recency
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", "recency"
FROM "events__metrics"

-- metric spend_band
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT "user_id", (CASE WHEN "revenue_7d" > 100 THEN 'high' ELSE coalesce(upper('low'), 'none') END) AS "spend_band"
FROM "events__metrics"

-- segment new_and_hot
WITH
"events" AS (
  SELECT *
  FROM read_parquet('/lake/events/**/*.parquet', hive_partitioning = true)
  WHERE "event_time" <= CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)
),
"events__metrics" AS (
  SELECT
    "user_id",
    coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 7 DAY), 0) AS "revenue_7d",
    count(*) FILTER (WHERE "event_type" = 'view' AND "event_time" > CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP) - INTERVAL 24 HOUR) AS "views_24h",
    count(*) FILTER (WHERE "event_time" >= DATE '2019-10-01' AND "event_time" < DATE '2019-10-15' + INTERVAL 1 DAY) AS "first_half",
    count(*) FILTER (WHERE hour("event_time") BETWEEN 6 AND 11) AS "morning",
    count(*) FILTER (WHERE isodow("event_time") IN (6, 7)) AS "weekend",
    date_diff('day', min("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) AS "tenure",
    count(*) FILTER (WHERE "category_id" = 2053013555631882655) AS "big_category",
    CASE WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 7 THEN 'active' WHEN date_diff('day', max("event_time"), CAST(DATE '2019-10-31' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)) <= 30 THEN 'cooling' ELSE 'lapsed' END AS "recency"
  FROM "events"
  GROUP BY 1
)
SELECT
  "user_id",
  "tenure",
  "revenue_7d"
FROM "events__metrics"
WHERE "tenure" < 7 AND "revenue_7d" > 0
