-- stg_destatis_schutzsuchende: Schutzsuchende laut amtlicher Statistik (Statistisches Bundesamt, Statistik über
-- Schutzsuchende, Tabelle 12531-0043) je Stichtag, Kreis, Schutzstatuskategorie, Geschlecht und Staatsangehörigkeit,
-- wie geliefert: eine Zeile je Wert. Die Schutzstatuskategorien sind eine Hierarchie (dim_schutzstatus): die Summe
-- aller Zeilen zählt die meisten Personen zwei- oder dreimal; die Summe je Kreis steht in core_schutzsuchende_amtlich.
-- Quelle: Statistisches Bundesamt (Destatis), Datenlizenz Deutschland – Namensnennung – Version 2.0.
-- * stichtag: Stichtag der Statistik (31.12.)
-- * kreis: Kreisschlüssel
-- * schutzstatus: Schutzstatuskategorie (Schlüssel wie in GENESIS, siehe dim_schutzstatus)
-- * geschlecht: GESM männlich, GESW weiblich
-- * staatsangehoerigkeit: Staatsangehörigkeit (Schlüssel wie in GENESIS, z. B. ST475 Syrien)
-- * staatsangehoerigkeit_name: Bezeichnung der Staatsangehörigkeit laut Destatis
-- * anzahl: Zahl der Schutzsuchenden, von Destatis auf ein Vielfaches von 5 gerundet; leer, wo die Quelle "."
--   meldet (unbekannt oder geheim), niemals als null gezählt. Werte 0 liefert Destatis nicht (keine Zeile).
CREATE TABLE stg_destatis_schutzsuchende AS
SELECT stichtag::DATE AS stichtag, kreis, schutzstatus, geschlecht, staatsangehoerigkeit, staatsangehoerigkeit_name, anzahl
FROM lake_destatis_12531;
