-- stg_arbeitsaufnahmen: Arbeits- und Ausbildungsaufnahmen in ihrer gültigen Fassung.
-- Je Aufnahme_ID gilt die Fassung mit dem spätesten Meldedatum (bei Gleichstand die der späteren
-- Lieferung); stornierte Aufnahmen zählen nirgends.
-- * integration: true für SVB_VZ, SVB_TZ, AUSB und SELBST (Integration nach § 48a SGB II, K2)
CREATE TABLE stg_arbeitsaufnahmen AS
SELECT * EXCLUDE (storno, fassung),
       art IN ('SVB_VZ', 'SVB_TZ', 'AUSB', 'SELBST') AS integration
FROM stg_arbeitsaufnahmen_meldungen
WHERE fassung = 1 AND NOT storno;
