-- eindeutige_aufnahmen: jede Aufnahme_ID höchstens einmal in ihrer gültigen Fassung.
SELECT aufnahme_id, count(*) AS fassungen
FROM stg_arbeitsaufnahmen
GROUP BY aufnahme_id
HAVING count(*) > 1;
