-- waisen: Aufnahmen von Personen, die der Kundenbestand nie geführt hat (gezählt, kein Fehler).
-- schwere: hinweis
SELECT a.aufnahme_id, a.beginn
FROM stg_arbeitsaufnahmen a
WHERE NOT EXISTS (SELECT 1 FROM stg_kunden_verlauf k WHERE k.kunde_token = a.kunde_token);
