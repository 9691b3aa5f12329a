-- source we"ird
WITH
"as_of" AS (
  SELECT max("select") AS "as_of"
  FROM read_parquet('/work/data/it''s here/*.parquet')
),
"we""ird" AS (
  SELECT *
  FROM read_parquet('/work/data/it''s here/*.parquet')
  WHERE "select" <= (SELECT "as_of" FROM "as_of")
)
SELECT *
FROM "we""ird"

-- metric quote
WITH
"as_of" AS (
  SELECT max("select") AS "as_of"
  FROM read_parquet('/work/data/it''s here/*.parquet')
),
"we""ird" AS (
  SELECT *
  FROM read_parquet('/work/data/it''s here/*.parquet')
  WHERE "select" <= (SELECT "as_of" FROM "as_of")
),
"we""ird__metrics" AS (
  SELECT
    "user id",
    count(*) FILTER (WHERE "col""umn" = '''; DROP TABLE x; --') AS "quote",
    count(*) FILTER (WHERE "order" = 'a\b' OR "order" = 'it''''s') AS "backslash",
    count(*) FILTER (WHERE starts_with("名前", '电子') AND contains("名前", '%_')) AS "unicode",
    coalesce(sum("price "")"), 0) AS "sum""; --"
  FROM "we""ird"
  GROUP BY 1
)
SELECT "user id", "quote"
FROM "we""ird__metrics"

-- metric backslash
WITH
"as_of" AS (
  SELECT max("select") AS "as_of"
  FROM read_parquet('/work/data/it''s here/*.parquet')
),
"we""ird" AS (
  SELECT *
  FROM read_parquet('/work/data/it''s here/*.parquet')
  WHERE "select" <= (SELECT "as_of" FROM "as_of")
),
"we""ird__metrics" AS (
  SELECT
    "user id",
    count(*) FILTER (WHERE "col""umn" = '''; DROP TABLE x; --') AS "quote",
    count(*) FILTER (WHERE "order" = 'a\b' OR "order" = 'it''''s') AS "backslash",
    count(*) FILTER (WHERE starts_with("名前", '电子') AND contains("名前", '%_')) AS "unicode",
    coalesce(sum("price "")"), 0) AS "sum""; --"
  FROM "we""ird"
  GROUP BY 1
)
SELECT "user id", "backslash"
FROM "we""ird__metrics"

-- metric unicode
WITH
"as_of" AS (
  SELECT max("select") AS "as_of"
  FROM read_parquet('/work/data/it''s here/*.parquet')
),
"we""ird" AS (
  SELECT *
  FROM read_parquet('/work/data/it''s here/*.parquet')
  WHERE "select" <= (SELECT "as_of" FROM "as_of")
),
"we""ird__metrics" AS (
  SELECT
    "user id",
    count(*) FILTER (WHERE "col""umn" = '''; DROP TABLE x; --') AS "quote",
    count(*) FILTER (WHERE "order" = 'a\b' OR "order" = 'it''''s') AS "backslash",
    count(*) FILTER (WHERE starts_with("名前", '电子') AND contains("名前", '%_')) AS "unicode",
    coalesce(sum("price "")"), 0) AS "sum""; --"
  FROM "we""ird"
  GROUP BY 1
)
SELECT "user id", "unicode"
FROM "we""ird__metrics"

-- metric sum"; --
WITH
"as_of" AS (
  SELECT max("select") AS "as_of"
  FROM read_parquet('/work/data/it''s here/*.parquet')
),
"we""ird" AS (
  SELECT *
  FROM read_parquet('/work/data/it''s here/*.parquet')
  WHERE "select" <= (SELECT "as_of" FROM "as_of")
),
"we""ird__metrics" AS (
  SELECT
    "user id",
    count(*) FILTER (WHERE "col""umn" = '''; DROP TABLE x; --') AS "quote",
    count(*) FILTER (WHERE "order" = 'a\b' OR "order" = 'it''''s') AS "backslash",
    count(*) FILTER (WHERE starts_with("名前", '电子') AND contains("名前", '%_')) AS "unicode",
    coalesce(sum("price "")"), 0) AS "sum""; --"
  FROM "we""ird"
  GROUP BY 1
)
SELECT "user id", "sum""; --"
FROM "we""ird__metrics"
