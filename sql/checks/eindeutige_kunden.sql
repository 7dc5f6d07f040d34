-- eindeutige_kunden: je Kunde höchstens ein gültiger Zustand zu jedem Zeitpunkt (Schlüssel eindeutig).
SELECT kunde_token, valid_from, count(*) AS zustaende
FROM stg_kunden_verlauf
GROUP BY kunde_token, valid_from
HAVING count(*) > 1;
