-- mart_sprachkurs: Ergebnisse der Integrations- und Berufssprachkurse je Monat des Kursendes,
-- nach dem neuesten Stand jeder Teilnahme, ab dem ersten Monat der Lieferungen.
-- * monat: erster Tag des Monats, in dem die Teilnahme endete
-- * massnahmeart: Art des Kurses (dim_code)
-- * ergebnis: Ergebnis der Sprachprüfung (dim_code)
-- * anzahl: beendete Teilnahmen mit diesem Ergebnis
-- * vollstaendig: true, wenn die Lieferungen der Teilnahmen den ganzen Monat abdecken
CREATE TABLE mart_sprachkurs AS
SELECT date_trunc('month', ende_tatsaechlich)::DATE AS monat, massnahmeart, ergebnis, count(*) AS anzahl,
       abgedeckt('massnahmen', date_trunc('month', ende_tatsaechlich)::DATE, last_day(ende_tatsaechlich)) AS vollstaendig
FROM stg_massnahmen_verlauf
WHERE valid_to IS NULL AND teilnahmestatus = 'BEENDET' AND ergebnis IS NOT NULL
  AND ende_tatsaechlich >= date_trunc('month', (SELECT erster_stichtag FROM dim_stichtage))
GROUP BY ALL
ORDER BY ALL;
