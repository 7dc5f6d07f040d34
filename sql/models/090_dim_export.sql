-- dim_export: die Exporte der Behörden, wie der Exportkatalog von ipoint sie beschreibt
-- (pipeline/source), eine Zeile je Export.
-- * export: Name des Exports (wie in core_lieferungen.export und im Dateinamen)
-- * titel: deutscher Titel
-- * turnus: täglich oder monatlich
-- * bestand: true, wenn jede Lieferung der vollständige Bestand ist (der Datensee führt eine
--   Historie der Zustände); false, wenn jede Lieferung nur Neues bringt
-- * je_kreis: true, wenn jeder Kreis getrennt liefert (Aufenthaltsentscheidungen)
-- * hoechstalter_tage: so viele Tage alt darf die neueste Lieferung am Tag des Aufbaus sein
--   (Prüfung aktualitaet)
-- * reihenfolge: Reihenfolge der Übernahme (der Kundenbestand zuerst)
CREATE TABLE dim_export AS
SELECT export, titel, turnus, bestand, je_kreis, hoechstalter_tage, reihenfolge FROM katalog ORDER BY reihenfolge;
