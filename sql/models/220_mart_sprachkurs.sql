-- mart_sprachkurs: Ergebnisse der Integrations- und Berufssprachkurse je Monat des Kursendes,
-- nach dem neuesten Stand jeder Teilnahme, ab dem ersten Monat der Lieferungen.
-- * monat: erster Tag des Monats, in dem die Teilnahme endete
-- * anzahl: beendete Teilnahmen mit diesem Ergebnis
CREATE TABLE mart_sprachkurs AS
SELECT date_trunc('month', ende_tatsaechlich)::DATE AS monat, massnahmeart, ergebnis, count(*) AS anzahl
FROM stg_massnahmen_verlauf
WHERE valid_to IS NULL AND status = 'BEENDET' AND ergebnis IS NOT NULL
  AND ende_tatsaechlich >= date_trunc('month', (SELECT erster_stichtag FROM dim_stichtage))
GROUP BY ALL
ORDER BY ALL;
