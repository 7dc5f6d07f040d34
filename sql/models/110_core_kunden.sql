-- core_kunden: jeder Kunde mit seinem neuesten Stand (aktuell betreut oder abgegangen); eine Sicht
-- (View) auf die geltenden Zustände (valid_to leer) in stg_kunden_verlauf, bei jeder Abfrage berechnet.
-- * kunde_token: Pseudonym der Kundennummer
-- * herkunftsgruppe: 8 Asylherkunftsländer, Ukraine, Sonstige (nach Staatsangehörigkeit)
-- * erster_stichtag: erster Stichtag, an dem der Kunde im Bestand stand
CREATE VIEW core_kunden AS
SELECT v.* EXCLUDE (valid_from, valid_to),
       herkunftsgruppe(staatsangehoerigkeit) AS herkunftsgruppe,
       least(f.erster_stichtag, v.valid_from) AS erster_stichtag
FROM stg_kunden_verlauf v
-- Nur abgelöste Zustände sind älter als der jetzige (valid_to leer): nur ihre Kunden brauchen
-- die Suche nach dem ersten, die übrigen stehen seit ihrem einzigen Zustand im Bestand.
LEFT JOIN (SELECT kunde_token, min(valid_from) AS erster_stichtag FROM stg_kunden_verlauf
           WHERE valid_to IS NOT NULL GROUP BY 1) f USING (kunde_token)
WHERE v.valid_to IS NULL;
