-- stg_arbeitsaufnahmen_meldungen: jede gemeldete Fassung einer Arbeits- oder Ausbildungsaufnahme, wie geliefert.
-- Name und Zeile der gelieferten Datei stehen nur im Datensee (Datenschutz: über sie führt die
-- archivierte Datei zur Person); die Reihenfolge der Fassungen steht in fassung.
-- * aufnahme_id: Pseudonym der Aufnahme_ID
-- * stichtag: Stichtag der Lieferung
-- * meldedatum: Tag, an dem diese Fassung gemeldet wurde
-- * storno: true, wenn diese Fassung die Aufnahme storniert
-- * fassung: 1 für die gültige Fassung der Aufnahme, 2 für die davor usw. (spätestes Meldedatum,
--   bei Gleichstand die spätere Lieferung, dann die spätere Zeile)
CREATE TABLE stg_arbeitsaufnahmen_meldungen AS
SELECT * EXCLUDE (filename, source_line, export),
       row_number() OVER (PARTITION BY aufnahme_id
                          ORDER BY meldedatum DESC, stichtag DESC, source_line DESC) AS fassung
FROM lake_arbeitsaufnahmen;
