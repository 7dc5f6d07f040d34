-- abgang_vor_zugang: kein Abgang vor dem Zugang.
SELECT kunde_token, zugang_ip, abgang_ip
FROM stg_kunden_verlauf
WHERE abgang_ip < zugang_ip;
