-- core_beratungen: die Beratungen, je Monat und Kreis zählbar.
-- * monat: erster Tag des Monats der Beratung
CREATE TABLE core_beratungen AS
SELECT *, date_trunc('month', datum)::DATE AS monat FROM stg_beratungen;
