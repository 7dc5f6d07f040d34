-- dim_stichtage: die gelieferten Stichtage des Kundenbestands und der Stand der Daten.
-- * erster_stichtag: erster gelieferter Stichtag
-- * stand_aufnahmen: neuester gelieferter Stichtag der Arbeitsaufnahmen (leer, solange keine geliefert sind)
-- * stand: neuester gelieferter Stichtag des Kundenbestands oder der Arbeitsaufnahmen (Stand der
--   Auswertungen); eine Lieferung zählt auch, wenn sich an ihrem Stichtag nichts geändert hat
--   (ein Sonntag) oder wenn sie keine Zeilen hat
CREATE TABLE dim_stichtage AS
WITH geliefert AS (
    SELECT max(stichtag::DATE) AS neuester
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR'})
    WHERE outcome = 'ingested' AND export IN ('verbis_kunden', 'arbeitsaufnahmen')
)
SELECT min(valid_from) AS erster_stichtag,
       (SELECT max(stichtag) FROM stg_arbeitsaufnahmen_meldungen) AS stand_aufnahmen,
       greatest(max(valid_from), coalesce((SELECT max(stichtag) FROM stg_arbeitsaufnahmen_meldungen), max(valid_from)),
                coalesce((SELECT neuester FROM geliefert), max(valid_from))) AS stand
FROM stg_kunden_verlauf;
