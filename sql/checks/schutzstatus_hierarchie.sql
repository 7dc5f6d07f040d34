-- schutzstatus_hierarchie: die amtliche Tabelle der Schutzsuchenden folgt der Hierarchie ihrer Schutzstatuskategorien (dim_schutzstatus): die Teile einer Kategorie ergeben zusammen höchstens die Kategorie, vollständige Teile genau die Kategorie, jeweils bis auf die Rundung von Destatis (2 je Wert); sonst ist die Lieferung fehlerhaft oder die Hierarchie falsch verstanden.
WITH zeilen AS (
    SELECT s.*, d.oberkategorie FROM stg_destatis_schutzsuchende s JOIN dim_schutzstatus d USING (schutzstatus)
),
kategorien AS (
    SELECT DISTINCT z.stichtag, z.kreis, d.schutzstatus AS kategorie, d.teile_vollstaendig,
           (SELECT count(*) FROM dim_schutzstatus c WHERE c.oberkategorie = d.schutzstatus) AS teilkategorien
    FROM zeilen z, dim_schutzstatus d
    WHERE d.schutzstatus IN (SELECT oberkategorie FROM dim_schutzstatus)
),
vergleich AS (
    SELECT k.stichtag, k.kreis, k.kategorie, k.teile_vollstaendig, k.teilkategorien,
           coalesce(sum(z.anzahl) FILTER (z.schutzstatus = k.kategorie), 0) AS wert,
           coalesce(sum(z.anzahl) FILTER (z.oberkategorie = k.kategorie), 0) AS teile,
           count(*) FILTER (z.anzahl IS NULL) AS unbekannt,
           -- every (sex, nationality) of the category or its parts: its value and its parts', 2 each
           count(DISTINCT (z.geschlecht, z.staatsangehoerigkeit)) AS kombinationen
    FROM kategorien k
    LEFT JOIN zeilen z
      ON z.stichtag = k.stichtag AND z.kreis = k.kreis AND (z.schutzstatus = k.kategorie OR z.oberkategorie = k.kategorie)
    GROUP BY ALL
)
SELECT stichtag, kreis, kategorie, wert, teile, 2 * (1 + teilkategorien) * kombinationen AS rundung_hoechstens
FROM vergleich
WHERE unbekannt = 0
  AND (teile > wert + 2 * (1 + teilkategorien) * kombinationen
       OR teile_vollstaendig AND abs(wert - teile) > 2 * (1 + teilkategorien) * kombinationen)
ORDER BY stichtag, kreis, kategorie;
