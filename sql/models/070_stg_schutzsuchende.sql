-- stg_schutzsuchende: Schutzsuchende je Gemeinde und Statusgruppe am Monatsende (Kommunales Integrationszentrum).
-- * stichtag: Monatsende
-- * gemeinde: Amtlicher Gemeindeschlüssel (geliefert als AGS; der mitgelieferte Name steht nicht hier,
--   die Namen stehen in dim_gemeinde)
-- * anzahl: Zahl der Schutzsuchenden; leer, wo die Quelle "." meldet (unbekannt oder geheim zu halten),
--   niemals als null gezählt
CREATE TABLE stg_schutzsuchende AS
SELECT stichtag::DATE AS stichtag, kreis, ags AS gemeinde, statusgruppe, anzahl
FROM lake_ki_schutzsuchende;
