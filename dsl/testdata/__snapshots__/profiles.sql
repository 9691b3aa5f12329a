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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "views"
FROM "events__metrics"

-- metric carts
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "carts"
FROM "events__metrics"

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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "revenue"
FROM "events__metrics"

-- metric sessions
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "sessions"
FROM "events__metrics"

-- metric last_seen
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "last_seen"
FROM "events__metrics"

-- metric favourite_brand
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "favourite_brand"
FROM "events__metrics"

-- metric first_category
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", "first_category"
FROM "events__metrics"

-- metric conversion
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", ("purchases" / NULLIF("views", 0)) AS "conversion"
FROM "events__metrics"

-- metric aov
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT "user_id", ("revenue" / NULLIF("purchases", 0)) AS "aov"
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "views",
  "purchases",
  "revenue",
  ("purchases" / NULLIF("views", 0)) AS "conversion",
  ("revenue" / NULLIF("purchases", 0)) AS "aov",
  "last_seen",
  ("revenue" >= 1000 AND "purchases" >= 3) AS "vip"
FROM "events__metrics"

-- segment buyers
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "purchases"
FROM "events__metrics"
WHERE "purchases" > 0

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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "revenue",
  "purchases"
FROM "events__metrics"
WHERE "revenue" >= 1000 AND "purchases" >= 3

-- segment at_risk
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "last_seen"
FROM "events__metrics"
WHERE ("purchases" > 0) AND date_diff('day', "last_seen", (SELECT "as_of" FROM "as_of")) > 14

-- segment browsers
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "views"
FROM "events__metrics"
WHERE "views" >= 5 AND NOT ("purchases" > 0)

-- segment fans
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
    s."user_id",
    s."views",
    s."carts",
    s."purchases",
    s."revenue",
    s."sessions",
    s."last_seen",
    m1."favourite_brand",
    s."first_category"
  FROM (
    SELECT
      "user_id",
      count(*) FILTER (WHERE "event_type" = 'view') AS "views",
      count(*) FILTER (WHERE "event_type" = 'cart') AS "carts",
      count(*) FILTER (WHERE "event_type" = 'purchase') AS "purchases",
      coalesce(sum("price") FILTER (WHERE "event_type" = 'purchase'), 0) AS "revenue",
      count(DISTINCT "user_session") AS "sessions",
      max("event_time") AS "last_seen",
      arg_min("category_code", "event_time") FILTER (WHERE "category_code" IS NOT NULL) AS "first_category"
    FROM "events"
    GROUP BY 1
  ) AS s
  LEFT JOIN (
    SELECT "user_id", arg_max(v, (n, v)) AS "favourite_brand"
    FROM (
      SELECT "user_id", "brand" AS v, count(*) AS n
      FROM "events"
      WHERE "brand" IS NOT NULL AND ("brand" IS NOT NULL)
      GROUP BY 1, 2
    )
    GROUP BY 1
  ) AS m1 USING ("user_id")
)
SELECT
  "user_id",
  "first_category",
  "favourite_brand"
FROM "events__metrics"
WHERE starts_with("first_category", 'electronics.smart') AND "favourite_brand" IN ('samsung', 'apple')
