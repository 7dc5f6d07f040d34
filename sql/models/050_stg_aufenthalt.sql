-- stg_aufenthalt: Aufenthaltsentscheidungen der Ausländerbehörden; eine spätere Entscheidung für
-- dieselbe Person ersetzt eine frühere ab ihrem gültigAb (bei gleichem gültigAb und Stichtag die
-- spätere in der Lieferung).
-- * meldung_id: Pseudonym der Kennung der Meldung
-- * azr_token: Pseudonym der AZR-Nummer
-- * kunde_token: Pseudonym der Kundennummer (leer, wenn die Person kein Kunde ist)
-- * aufenthaltsstatus: Aufenthaltsstatus laut Entscheidung (Codes wie core_kunden.aufenthaltsstatus,
--   dim_code; geliefert als status)
-- * gueltig_ab, gueltig_bis: Geltung laut Bescheid
-- * ersetzt_ab: gültigAb der nächsten Entscheidung für dieselbe Person (leer: gilt fort)
-- * stichtag: Tag der Meldung (Lieferung)
CREATE TABLE stg_aufenthalt AS
SELECT * EXCLUDE (filename, source_line, export) RENAME (status AS aufenthaltsstatus),
       lead(gueltig_ab) OVER (PARTITION BY azr_token ORDER BY gueltig_ab, stichtag, filename, source_line) AS ersetzt_ab
FROM lake_abh_aufenthalt;
