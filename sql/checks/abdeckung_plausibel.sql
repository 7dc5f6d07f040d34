-- abdeckung_plausibel: die Abdeckung liegt zwischen 0 und 1; ist eine Zelle unbekannt, bleibt die Summe unbekannt.
SELECT stichtag, kreis, abdeckung, abdeckung_hoechstens, zellen_unbekannt
FROM mart_abdeckung
WHERE abdeckung_hoechstens < 0 OR abdeckung_hoechstens > 1
   OR (zellen_unbekannt > 0 AND (schutzsuchende IS NOT NULL OR abdeckung IS NOT NULL));
