-- dim_stichtage: die gelieferten Stichtage des Kundenbestands und der Stand der Daten.
-- * erster_stichtag: erster gelieferter Stichtag
-- * stand_aufnahmen: neuester gelieferter Stichtag der Arbeitsaufnahmen (leer, solange keine geliefert sind)
-- * stand: neuester gelieferter Stichtag des Kundenbestands oder der Arbeitsaufnahmen (Stand der
--   Auswertungen); eine Lieferung zählt auch, wenn sich an ihrem Stichtag nichts geändert hat
--   (ein Sonntag) oder wenn sie keine Zeilen hat
-- * vollstaendig_bis: bis zu diesem Tag sind beide täglichen Lieferungen da, Kundenbestand und
--   Arbeitsaufnahmen (ohne je gelieferte Arbeitsaufnahmen: der Kundenbestand); Wochen- und
--   Monatsberichte erscheinen nur für Zeiträume bis zu diesem Tag. Fehlt der Kundenbestand eines
--   Sonntags, während seine Arbeitsaufnahmen da sind, wartet der Wochenbericht auf ihn
CREATE TABLE dim_stichtage AS
WITH geliefert AS (
    SELECT max(stichtag::DATE) AS neuester,
           max(stichtag::DATE) FILTER (export = 'verbis_kunden') AS kunden,
           max(stichtag::DATE) FILTER (export = 'arbeitsaufnahmen') AS aufnahmen
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR'})
    WHERE outcome = 'ingested' AND export IN ('verbis_kunden', 'arbeitsaufnahmen')
),
je_export AS (
    SELECT min(valid_from) AS erster_stichtag,
           max(valid_from) AS kunden_zustand,
           (SELECT max(stichtag) FROM stg_arbeitsaufnahmen_meldungen) AS stand_aufnahmen,
           (SELECT kunden FROM geliefert) AS kunden_geliefert,
           (SELECT aufnahmen FROM geliefert) AS aufnahmen_geliefert,
           (SELECT neuester FROM geliefert) AS neuester
    FROM stg_kunden_verlauf
),
bis AS (
    SELECT *,
           greatest(coalesce(kunden_zustand, kunden_geliefert), coalesce(kunden_geliefert, kunden_zustand)) AS kunden_bis,
           greatest(coalesce(stand_aufnahmen, aufnahmen_geliefert), coalesce(aufnahmen_geliefert, stand_aufnahmen)) AS aufnahmen_bis
    FROM je_export
)
SELECT erster_stichtag, stand_aufnahmen,
       greatest(kunden_zustand, coalesce(stand_aufnahmen, kunden_zustand), coalesce(neuester, kunden_zustand)) AS stand,
       least(kunden_bis, coalesce(aufnahmen_bis, kunden_bis)) AS vollstaendig_bis
FROM bis;
