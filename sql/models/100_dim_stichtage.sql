-- dim_stichtage: die gelieferten Stichtage des Kundenbestands und der Stand der Daten.
-- * erster_stichtag: erster gelieferter Stichtag
-- * stand_aufnahmen: neuester gelieferter Stichtag der Arbeitsaufnahmen (leer, solange keine geliefert sind)
-- * stand: neuester gelieferter Stichtag (Stand der Auswertungen)
CREATE TABLE dim_stichtage AS
SELECT min(valid_from) AS erster_stichtag,
       (SELECT max(stichtag) FROM stg_arbeitsaufnahmen_meldungen) AS stand_aufnahmen,
       greatest(max(valid_from), coalesce((SELECT max(stichtag) FROM stg_arbeitsaufnahmen_meldungen), max(valid_from))) AS stand
FROM stg_kunden_verlauf;
