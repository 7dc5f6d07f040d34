-- core_entscheidungen: die Aufenthaltsentscheidungen, die heute gelten (nicht durch eine spätere ersetzt).
CREATE TABLE core_entscheidungen AS
SELECT * FROM stg_aufenthalt WHERE ersetzt_ab IS NULL;
