-- abgedeckt: Makro abgedeckt(export, anfang, ende): true, wenn die Lieferungen des Exports den
-- Zeitraum von anfang bis ende ganz abdecken (dim_lieferzeitraum); die Marts berechnen damit
-- ihre Spalte vollstaendig.
CREATE MACRO abgedeckt(exp, anfang, ende) AS
    coalesce((SELECT z.von <= anfang AND ende <= z.bis FROM dim_lieferzeitraum z WHERE z.export = exp), false);
