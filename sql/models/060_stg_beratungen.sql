-- stg_beratungen: Beratungen von Geflüchteten, Ehrenamtlichen und Arbeitgebern.
-- * beratung_id: Pseudonym der Kennung der Beratung
-- * datum: Tag der Beratung
-- * zielgruppe: GEFLUECHTETE, EHRENAMT, ARBEITGEBER
-- * thema: ARBEIT, AUSBILDUNG, PRAKTIKUM, SPRACHE, ANERKENNUNG, RECHT, EINSTELLUNG, FOERDERUNG
-- * kanal: PERSOENLICH, TELEFON, VIDEO
-- * dauer_min: Dauer in Minuten
CREATE TABLE stg_beratungen AS
SELECT * EXCLUDE (filename, source_line, export)
FROM lake_beratungen;
