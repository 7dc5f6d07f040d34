-- core_teilnahmen: jede Teilnahme an einer Maßnahme oder einem Kurs in ihrem neuesten Stand.
-- * sprachkurs: true für Integrationskurse (IK, IK_ALPHA, IK_JUGEND) und Berufssprachkurse (BSK)
CREATE TABLE core_teilnahmen AS
SELECT * EXCLUDE (valid_from, valid_to),
       massnahmeart IN ('IK', 'IK_ALPHA', 'IK_JUGEND', 'BSK') AS sprachkurs
FROM stg_massnahmen_verlauf
WHERE valid_to IS NULL;
