-- core_aufnahmen: jede Arbeits- und Ausbildungsaufnahme in ihrer gültigen Fassung, mit dem Kreis des Kunden.
-- * kreis: Kreis des Kunden (leer, wenn der Kundenbestand die Person nicht kennt)
CREATE TABLE core_aufnahmen AS
SELECT a.*, k.kreis
FROM stg_arbeitsaufnahmen a
LEFT JOIN core_kunden k USING (kunde_token);
