-- bestand_plausibel: kein negativer Bestand, Bestand nach Status addiert sich zum Bestand.
SELECT iso_jahr, kw, kreis, bestand
FROM mart_woche_kreis
WHERE bestand < 0
   OR bestand <> bestand_al + bestand_as + bestand_massn + bestand_ik + bestand_erw + bestand_na;
