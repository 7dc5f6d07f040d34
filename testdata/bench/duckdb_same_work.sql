-- The fair peer of BenchmarkIngestVsDuckDB (pipeline/warehouse/ingest_bench_test.go):
-- taken unchanged, below this header, from the team's shared benchmark folder
-- (/work/shared/bench/duckdb_same_work.sql, issue 18), where a data engineer wrote what
-- they would run in DuckDB to do ipoint's work on a job-starts delivery. It lives here
-- because CI runs on a clean clone without that folder. The benchmark splits it into
-- statements, replaces {IN} (the CSV file), {OUT} (a folder) and {KEY} (the 64-hex key
-- the ipoint child uses) and runs them in order, in process, on the project's driver.
-- The job a data engineer would write in DuckDB instead of ipoint's ingest of one
-- arbeitsaufnahmen delta: every column typed by the contract (German dates and decimals),
-- code lists and identifier formats checked, Ende not before Beginn, the Kundennummer and
-- Betriebsnummer replaced by keyed SHA-256 tokens, accepted rows to one Parquet file and
-- rejected rows with their line and reason to another. {IN}, {OUT}, {KEY} are replaced.
SET threads = 2;
SET preserve_insertion_order = false;
CREATE TEMP TABLE raw AS
SELECT row_number() OVER () + 1 AS line, *
FROM read_csv('{IN}', delim = ';', header = true, all_varchar = true, quote = '"');
CREATE TEMP TABLE typed AS
SELECT line, aufnahme_id, kundennummer, art, betriebsnummer, wz2008,
       try_strptime(beginn, '%d.%m.%Y')::DATE AS beginn_d,
       try_strptime(nullif(ende, ''), '%d.%m.%Y')::DATE AS ende_d,
       try_strptime(meldedatum, '%d.%m.%Y')::DATE AS melde_d,
       try_cast(replace(nullif(wochenstunden, ''), ',', '.') AS DECIMAL(6,2)) AS stunden,
       try_cast(replace(replace(nullif(bruttoentgelt, ''), '.', ''), ',', '.') AS DECIMAL(12,2)) AS entgelt,
       gefoerdert, storno, ende, wochenstunden, bruttoentgelt,
       CASE
         WHEN NOT regexp_full_match(aufnahme_id, 'AU-\d{4}-\d{6}') THEN 'Aufnahme_ID'
         WHEN NOT regexp_full_match(kundennummer, '\d{3}[A-Z]\d{6}') THEN 'Kundennummer'
         WHEN art NOT IN ('SVB_VZ','SVB_TZ','AUSB','SELBST','MINI','PRAK','EQ') THEN 'Art'
         WHEN try_strptime(beginn, '%d.%m.%Y') IS NULL THEN 'Beginn'
         WHEN ende <> '' AND try_strptime(ende, '%d.%m.%Y') IS NULL THEN 'Ende'
         WHEN wochenstunden <> '' AND try_cast(replace(wochenstunden, ',', '.') AS DECIMAL(6,2)) IS NULL THEN 'Wochenstunden'
         WHEN bruttoentgelt <> '' AND try_cast(replace(replace(bruttoentgelt, '.', ''), ',', '.') AS DECIMAL(12,2)) IS NULL THEN 'Bruttoentgelt'
         WHEN wz2008 <> '' AND NOT regexp_full_match(wz2008, '\d{2}(\.\d{1,2}(\.\d)?)?') THEN 'WZ2008'
         WHEN gefoerdert NOT IN ('J','N') THEN 'Gefoerdert'
         WHEN betriebsnummer <> '' AND NOT regexp_full_match(betriebsnummer, '\d{8}') THEN 'Betriebsnummer'
         WHEN try_strptime(meldedatum, '%d.%m.%Y') IS NULL THEN 'Meldedatum'
         WHEN storno NOT IN ('J','N') THEN 'Storno'
         WHEN ende <> '' AND try_strptime(ende, '%d.%m.%Y') < try_strptime(beginn, '%d.%m.%Y') THEN 'Ende vor Beginn'
       END AS reject
FROM raw;
COPY (
  SELECT aufnahme_id, sha256('{KEY}' || kundennummer) AS kunde_token, art, beginn_d AS beginn, ende_d AS ende,
         stunden AS wochenstunden, entgelt AS bruttoentgelt, nullif(wz2008, '') AS wz2008, gefoerdert = 'J' AS gefoerdert,
         CASE WHEN betriebsnummer <> '' THEN sha256('{KEY}' || betriebsnummer) END AS betrieb_token,
         melde_d AS meldedatum, storno = 'J' AS storno
  FROM typed WHERE reject IS NULL
) TO '{OUT}/accepted.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (SELECT line, reject FROM typed WHERE reject IS NOT NULL) TO '{OUT}/rejected.parquet' (FORMAT parquet);
SELECT (SELECT count(*) FROM typed WHERE reject IS NULL) AS accepted, (SELECT count(*) FROM typed WHERE reject IS NOT NULL) AS rejected;
