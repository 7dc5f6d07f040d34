-- stg_aufenthalt: Aufenthaltsentscheidungen der Ausländerbehörden; eine spätere Entscheidung für
-- dieselbe Person ersetzt eine frühere ab ihrem gültigAb (bei gleichem gültigAb und Stichtag die
-- spätere in der Lieferung).
-- * meldung_id: Pseudonym der Kennung der Meldung
-- * azr_token: Pseudonym der AZR-Nummer
-- * kunde_token: Pseudonym der Kundennummer (leer, wenn die Person kein Kunde ist)
-- * status: Aufenthaltsstatus (GEST, DUL, DUL_A, DUL_B, AE25_1, AE25_2, AE25_3, AE24, FIKT, NE, EINB, SONST)
-- * gueltig_ab, gueltig_bis: Geltung laut Bescheid
-- * ersetzt_ab: gültigAb der nächsten Entscheidung für dieselbe Person (leer: gilt fort)
-- * stichtag: Tag der Meldung (Lieferung)
CREATE TABLE stg_aufenthalt AS
SELECT * EXCLUDE (filename, source_line),
       lead(gueltig_ab) OVER (PARTITION BY azr_token ORDER BY gueltig_ab, stichtag, filename, source_line) AS ersetzt_ab
FROM read_parquet(getvariable('glob_abh_aufenthalt'), hive_partitioning = true, filename = true);
