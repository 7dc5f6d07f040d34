-- stg_kunden_verlauf: Verlauf des Kundenbestands (VerBIS), ein Zustand je Kunde und Gültigkeitszeitraum.
-- Ein Zustand gilt von valid_from bis vor valid_to (leer: gilt noch). Fehlt ein Kunde in einer
-- Lieferung, gilt sein letzter Zustand fort.
-- * kunde_token: Pseudonym der Kundennummer
-- * geburtsjahr: Geburtsjahr (Tag und Monat werden nicht gespeichert)
-- * zugang_ip: Zugang beim Integration Point
-- * abgang_ip: Abgang vom Integration Point (leer: noch betreut)
-- * abgangsgrund: INT Arbeit/Ausbildung, UEBERG Übergabe an die Regelbetreuung, LEIST Ende des Leistungsbezugs,
--   UMZ Umzug, EINB Einbürgerung, RUECK Rückkehr, MITW fehlende Mitwirkung, SONST sonstige Gründe, UNBEKANNT
--   (Abgang ohne Grund); ältere Lieferungen kennen UEBERG, LEIST und MITW nicht und führen diese Abgänge unter SONST
-- * status: AL arbeitslos, AS arbeitsuchend, MASSN Maßnahme, IK Integrationskurs, ERW erwerbstätig, NA nicht verfügbar
CREATE TABLE stg_kunden_verlauf AS
SELECT * EXCLUDE (export)
FROM read_parquet(getvariable('glob_verbis_kunden'));
