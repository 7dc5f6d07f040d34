-- abdeckung_plausibel: die Abdeckung liegt zwischen 0 und 1, gegen beide Nenner; ist eine Zelle unbekannt oder eine Zeile abgewiesen, bleibt die Summe unbekannt.
SELECT stichtag, kreis, abdeckung, abdeckung_hoechstens, abdeckung_amtlich, zellen_unbekannt, zeilen_abgewiesen
FROM mart_abdeckung
WHERE abdeckung_hoechstens < 0 OR abdeckung_hoechstens > 1
   OR abdeckung_amtlich < 0 OR abdeckung_amtlich > 1
   OR (zellen_unbekannt + zeilen_abgewiesen > 0 AND (schutzsuchende IS NOT NULL OR abdeckung IS NOT NULL));
