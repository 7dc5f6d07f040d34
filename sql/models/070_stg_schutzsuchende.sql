-- stg_schutzsuchende: Schutzsuchende je Gemeinde und Statusgruppe am Monatsende (Kommunales Integrationszentrum).
-- * stichtag: Monatsende
-- * anzahl: Zahl der Schutzsuchenden; leer, wo die Quelle "." meldet (unbekannt oder geheim zu halten),
--   niemals als null gezählt
CREATE TABLE stg_schutzsuchende AS
SELECT stichtag::DATE AS stichtag, kreis, ags, gemeinde, statusgruppe, anzahl
FROM read_parquet(getvariable('glob_ki_schutzsuchende'), hive_partitioning = true);
