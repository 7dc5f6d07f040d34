-- core_teilnahmen: jede Teilnahme an einer Maßnahme oder einem Kurs in ihrem neuesten Stand; eine Sicht
-- (View) auf die geltenden Zustände (valid_to leer) in stg_massnahmen_verlauf, bei jeder Abfrage berechnet.
-- * sprachkurs: true für Integrationskurse (IK, IK_ALPHA, IK_JUGEND) und Berufssprachkurse (BSK)
CREATE VIEW core_teilnahmen AS
SELECT * EXCLUDE (valid_from, valid_to),
       massnahmeart IN ('IK', 'IK_ALPHA', 'IK_JUGEND', 'BSK') AS sprachkurs
FROM stg_massnahmen_verlauf
WHERE valid_to IS NULL;
