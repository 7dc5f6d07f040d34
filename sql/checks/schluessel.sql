-- schluessel: nur zulässige Schlüssel in Status, Rechtskreis und Art der Aufnahme.
SELECT 'status' AS spalte, status AS wert FROM stg_kunden_verlauf
WHERE status NOT IN ('AL', 'AS', 'MASSN', 'IK', 'ERW', 'NA')
UNION ALL
SELECT 'rechtskreis', rechtskreis FROM stg_kunden_verlauf WHERE rechtskreis NOT IN ('SGB2', 'SGB3')
UNION ALL
SELECT 'art', art FROM stg_arbeitsaufnahmen WHERE art NOT IN ('SVB_VZ', 'SVB_TZ', 'AUSB', 'SELBST', 'MINI', 'PRAK', 'EQ');
