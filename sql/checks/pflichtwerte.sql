-- pflichtwerte: Pflichtangaben des Kundenbestands sind gefüllt.
SELECT kunde_token, valid_from
FROM stg_kunden_verlauf
WHERE zugang_ip IS NULL OR kreis IS NULL OR gemeinde IS NULL OR status IS NULL OR rechtskreis IS NULL;
