-- dim_lieferzeitraum: der Zeitraum, den die angenommenen Lieferungen jedes Exports abdecken. Ein
-- Zeitraum einer Auswertung gilt als vollständig (Spalte vollstaendig der Marts), wenn er ganz in
-- diesem Zeitraum liegt: Tage vor der ersten Lieferung (etwa Abgänge vor dem ersten Kundenbestand)
-- und nach der neuesten kennt ipoint nicht. Lücken zwischen den Lieferungen zeigt die Prüfung
-- aktualitaet.
-- * export: Export (dim_export)
-- * von: erster abgedeckter Tag: der erste Stichtag; bei monatlichen Lieferungen neuer Ereignisse
--   (Beratungen) der erste Tag ihres Monats; leer, solange nichts geliefert ist
-- * bis: letzter abgedeckter Tag: der neueste Stichtag
CREATE TABLE dim_lieferzeitraum AS
SELECT e.export,
       CASE WHEN e.turnus = 'monatlich' AND NOT e.bestand THEN date_trunc('month', min(l.stichtag))::DATE
            ELSE min(l.stichtag) END AS von,
       max(l.stichtag) AS bis
FROM dim_export e
LEFT JOIN core_lieferungen l ON l.export = e.export AND l.ergebnis = 'ingested' AND NOT l.abgelaufen
GROUP BY e.export, e.turnus, e.bestand, e.reihenfolge
ORDER BY e.reihenfolge;
