-- core_kunden: jeder Kunde mit seinem neuesten Stand (aktuell betreut oder abgegangen).
-- * kunde_token: Pseudonym der Kundennummer
-- * herkunftsgruppe: 8 Asylherkunftsländer, Ukraine, Sonstige (nach Staatsangehörigkeit)
-- * erster_stichtag: erster Stichtag, an dem der Kunde im Bestand stand
CREATE TABLE core_kunden AS
SELECT v.* EXCLUDE (valid_from, valid_to),
       herkunftsgruppe(staatsangehoerigkeit) AS herkunftsgruppe,
       f.erster_stichtag
FROM stg_kunden_verlauf v
JOIN (SELECT kunde_token, min(valid_from) AS erster_stichtag FROM stg_kunden_verlauf GROUP BY 1) f USING (kunde_token)
WHERE v.valid_to IS NULL;
