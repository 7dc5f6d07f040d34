-- dim_gemeinde: die 18 Gemeinden der beiden Kreise mit Namen und Einwohnerzahl.
-- Verknüpfung: core_kunden.gemeinde, stg_kunden_verlauf.gemeinde, core_bevoelkerung.gemeinde und
-- mart_struktur_monat.auspraegung (bei merkmal = 'gemeinde') tragen den Gemeindeschlüssel.
-- * gemeinde: Amtlicher Gemeindeschlüssel (8 Stellen)
-- * name: Name der Gemeinde
-- * kreis: Kreisschlüssel (dim_kreis)
-- * einwohner: Einwohner (IT.NRW; Siegen-Wittgenstein 31.12.2019, Olpe 30.06.2023); nur zur Einordnung
CREATE TABLE dim_gemeinde AS
SELECT gemeinde, name, kreis, einwohner FROM katalog_gemeinden ORDER BY gemeinde;
