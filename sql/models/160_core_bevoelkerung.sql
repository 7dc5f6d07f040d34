-- core_bevoelkerung: Schutzsuchende je Monatsende, Gemeinde und Statusgruppe; unbekannte Werte bleiben leer.
-- * anzahl: Zahl der Schutzsuchenden; leer, wo die Quelle "." meldet (unbekannt oder geheim zu halten)
CREATE TABLE core_bevoelkerung AS
SELECT * FROM stg_schutzsuchende;
