-- mart_bewegung_tag: Zugänge und Abgänge je Tag und Kreis (Abgänge nach Grund), wie sie
-- mart_woche_kreis je Woche zählt: jede Registrierung und jeder Abgang in seiner neuesten
-- gelieferten Fassung (je Betreuung, core_betreuungen). Aus ihr setzen sich Wochen und Monate
-- zusammen; die Berichte schützen damit die Teile einer Woche, die in zwei Monate fällt.
-- * tag: Tag des Zugangs oder Abgangs
-- * bewegung: zugang oder abgang
-- * abgangsgrund: Grund des Abgangs (dim_code); leer bei Zugängen
-- * anzahl: Personen
CREATE TABLE mart_bewegung_tag AS
WITH betreuungen AS (
    SELECT zugang_ip, abgang_ip, abgangsgrund, kreis FROM core_betreuungen
)
SELECT zugang_ip AS tag, kreis, 'zugang' AS bewegung, NULL::VARCHAR AS abgangsgrund, count(*) AS anzahl
FROM betreuungen
WHERE zugang_ip >= date_trunc('week', (SELECT erster_stichtag FROM dim_stichtage))
GROUP BY ALL
UNION ALL
SELECT abgang_ip, kreis, 'abgang', abgangsgrund, count(*)
FROM betreuungen
WHERE abgang_ip >= date_trunc('week', (SELECT erster_stichtag FROM dim_stichtage))
GROUP BY ALL
ORDER BY ALL;
