-- dim_code: jede Schlüsselliste der Exporte mit der deutschen Bezeichnung jedes Codes, aus dem
-- Exportkatalog von ipoint (pipeline/source, pipeline/labels.go) erzeugt. Verknüpfung: die Spalte
-- spalte einer Tabelle, die aus dem Export stammt (stg_*, core_*), mit code. Dazu der Code
-- UNBEKANNT für Abgänge, deren Grund der Kundenbestand nicht liefert.
-- * export: Export, der die Spalte liefert (dim_export)
-- * spalte: Spalte in der Auswertungsdatenbank
-- * code: Code, wie geliefert
-- * bezeichnung: deutsche Bezeichnung; bei kreis und gemeinde der Name; leer bei Staatsangehörigkeiten
--   (ISO 3166-1 Alpha-3, dazu XXA staatenlos, XXB Flüchtling nach der Genfer Konvention, XXC sonstiger
--   Flüchtling, XXX ungeklärt)
-- * reihenfolge: Stelle des Codes in seiner Liste (Reihenfolge des Vertrags)
CREATE TABLE dim_code AS
SELECT export, spalte, code, bezeichnung, reihenfolge FROM katalog_codes ORDER BY export, spalte, reihenfolge;
