-- core_bevoelkerung: Schutzsuchende je Monatsende, Gemeinde und Statusgruppe; unbekannte Werte bleiben leer.
CREATE TABLE core_bevoelkerung AS
SELECT * FROM stg_schutzsuchende;
