-- core_betreuungen: jede Betreuung eines Kunden beim Integration Point (vom Zugang bis zum Abgang)
-- in ihrer neuesten gelieferten Fassung, ein Zustand aus stg_kunden_verlauf je Betreuung; eine
-- Sicht (View), bei jeder Abfrage berechnet. Eine neue Betreuung beginnt erst, wenn nach einem
-- gelieferten Abgang ein anderes Zugangsdatum kommt (erneute Registrierung). Ändert sich das
-- Zugangsdatum ohne Abgang dazwischen, ist es eine Korrektur derselben Betreuung; ein
-- geänderter Abgang zählt einmal, mit seinem neuesten Datum; ein zurückgenommener Abgang zählt
-- nicht. Zugänge und Abgänge der Marts (mart_woche_kreis, mart_bewegung_tag) und die Kohorten
-- (mart_kohorte) zählen Betreuungen.
-- * valid_from: erster Stichtag des neuesten Zustands der Betreuung
CREATE VIEW core_betreuungen AS
SELECT * EXCLUDE (naechster_zugang, naechster_stichtag, valid_to)
FROM (SELECT *,
             lead(zugang_ip) OVER w AS naechster_zugang,
             lead(valid_from) OVER w AS naechster_stichtag
      FROM stg_kunden_verlauf
      WINDOW w AS (PARTITION BY kunde_token ORDER BY valid_from))
WHERE naechster_stichtag IS NULL
   OR (abgang_ip IS NOT NULL AND naechster_zugang IS DISTINCT FROM zugang_ip);
