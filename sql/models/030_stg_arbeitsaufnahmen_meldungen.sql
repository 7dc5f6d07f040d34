-- stg_arbeitsaufnahmen_meldungen: jede gemeldete Fassung einer Arbeits- oder Ausbildungsaufnahme, wie geliefert.
-- * stichtag: Stichtag der Lieferung
-- * lieferung: Name der gelieferten Datei
-- * source_line: Zeile in der Lieferung
-- * meldedatum: Tag, an dem diese Fassung gemeldet wurde
-- * storno: true, wenn diese Fassung die Aufnahme storniert
CREATE TABLE stg_arbeitsaufnahmen_meldungen AS
SELECT * EXCLUDE (filename),
       regexp_extract(filename, '[^/]*$') AS lieferung
FROM read_parquet(getvariable('glob_arbeitsaufnahmen'),
                  hive_partitioning = true, filename = true);
