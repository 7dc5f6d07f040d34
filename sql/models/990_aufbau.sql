-- aufbau: wofür diese Auswertungsdatenbank gebaut wurde (genau eine Zeile). Der nächtliche
-- Lauf baut sie nur neu, wenn sich der Datensee geändert hat oder ein neuer Kalendertag
-- begonnen hat; er entscheidet das nach dieser Tabelle, nie nach Dateizeiten.
-- * datenversion: SHA-256 des Manifests, aus dem sie gebaut wurde (wie core_lieferungen.datenversion)
-- * tag: Kalendertag in der Zeitzone der Konfiguration, für den sie gebaut wurde; die
--   Aktualitätsprüfung misst das Alter der Lieferungen an diesem Tag
-- * stand: neuester gelieferter Stichtag (wie dim_stichtage.stand)
CREATE TABLE aufbau AS
SELECT getvariable('datenversion') AS datenversion, getvariable('today') AS tag, (SELECT stand FROM dim_stichtage) AS stand;
