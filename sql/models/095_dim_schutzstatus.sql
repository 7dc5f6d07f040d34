-- dim_schutzstatus: die Schutzstatuskategorien der amtlichen Statistik über Schutzsuchende (GENESIS-Merkmal SCHST2)
-- als Hierarchie, nicht als Aufteilung: Schutzsuchende sind die mit offenem, anerkanntem oder abgelehntem
-- Schutzstatus (die drei Kategorien ohne Oberkategorie); die übrigen sind Teile davon.
-- * schutzstatus: Schlüssel wie in GENESIS
-- * bezeichnung: Bezeichnung
-- * oberkategorie: die Kategorie, von der sie ein Teil ist; leer für die drei, die zusammen alle Schutzsuchenden ergeben
-- * ebene: 1 für die drei obersten Kategorien, 2 und 3 für ihre Teile
-- * teile_vollstaendig: true, wenn die Teile der Kategorie zusammen die ganze Kategorie ergeben (bis auf die
--   Rundung); false, wenn sie nur einen Teil davon ausweisen oder keine Teile hat
-- * reihenfolge: Reihenfolge der Kategorien (jede nach ihrer Oberkategorie)
CREATE TABLE dim_schutzstatus AS
SELECT schutzstatus, bezeichnung, oberkategorie, ebene, teile_vollstaendig, reihenfolge
FROM schutzstatus_katalog ORDER BY reihenfolge;
