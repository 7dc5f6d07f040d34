-- dim_kreis: die Kreise, die der Integration Point betreut, mit Namen.
-- * kreis: Kreisschlüssel (5 Stellen; 05966 Olpe, 05970 Siegen-Wittgenstein), wie in allen Tabellen mit einer Spalte kreis
-- * name: Name des Kreises
CREATE TABLE dim_kreis AS
SELECT kreis, name FROM katalog_kreise ORDER BY kreis;
