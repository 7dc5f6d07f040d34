-- core_schutzsuchende_amtlich: Schutzsuchende je Kreis und Stichtag (31.12.) laut amtlicher Statistik
-- (Statistisches Bundesamt, Statistik über Schutzsuchende, Tabelle 12531-0043), nach der Hierarchie der
-- Schutzstatuskategorien (dim_schutzstatus): Schutzsuchende sind die mit offenem, anerkanntem oder abgelehntem
-- Schutzstatus, nie die Summe aller Zeilen, die die meisten Personen zwei- oder dreimal zählt. Destatis rundet jeden
-- Wert auf ein Vielfaches von 5, Summen sind Summen gerundeter Werte. Die Tabelle selbst weist eine Summe zurück, die
-- nicht die der obersten Ebene ist oder deren anerkannter Schutzstatus von seinen feinsten Teilen weiter abweicht,
-- als die Rundung erlaubt. Quelle: Statistisches Bundesamt (Destatis), Datenlizenz Deutschland – Namensnennung –
-- Version 2.0.
-- * stichtag: Stichtag der Statistik (31.12.)
-- * kreis: Kreisschlüssel
-- * zeilen: Zeilen der Lieferung für den Kreis (ohne abgewiesene); ohne jede Zeile ist die Summe unbekannt, nicht 0
-- * offen: Schutzsuchende mit offenem Schutzstatus (Summe der bekannten Werte)
-- * anerkannt: mit anerkanntem Schutzstatus (Summe der bekannten Werte)
-- * abgelehnt: mit abgelehntem Schutzstatus (Summe der bekannten Werte)
-- * anerkannt_teile: befristet anerkannt aus dem Asylverfahren + nicht aus dem Asylverfahren + unbefristet
--   anerkannt: die feinsten Teile des anerkannten Schutzstatus, zur Prüfung der Hierarchie
-- * rundung_hoechstens: so weit können anerkannt und anerkannt_teile allein durch die Rundung auseinanderliegen
--   (2 je Wert, der in eine der beiden Summen eingeht oder als 0 fehlt)
-- * werte_unbekannt: Werte der obersten Ebene, die die Quelle als "." (unbekannt oder geheim) meldet
-- * teile_unbekannt: Werte der feinsten Teile des anerkannten Schutzstatus, die die Quelle als "." meldet
-- * zeilen_abgewiesen: abgewiesene Zeilen der Lieferung, die für den Kreis zählten oder keinem Kreis sicher
--   zuzuordnen sind (core_abgewiesene_zeilen)
-- * hierarchie_stimmig: false, wenn anerkannt und anerkannt_teile weiter auseinanderliegen, als die Rundung erlaubt
--   (nur geprüft, wo alle Teile bekannt sind)
-- * schutzsuchende: offen + anerkannt + abgelehnt; leer (unbekannt), wenn ein Wert der obersten Ebene unbekannt ist,
--   eine Zeile abgewiesen wurde, die Hierarchie nicht stimmt oder die Lieferung keine Zeile für den Kreis hat
CREATE TABLE core_schutzsuchende_amtlich (
    stichtag DATE NOT NULL,
    kreis VARCHAR NOT NULL,
    zeilen BIGINT NOT NULL,
    offen BIGINT NOT NULL,
    anerkannt BIGINT NOT NULL,
    abgelehnt BIGINT NOT NULL,
    anerkannt_teile BIGINT NOT NULL,
    rundung_hoechstens BIGINT NOT NULL,
    werte_unbekannt BIGINT NOT NULL,
    teile_unbekannt BIGINT NOT NULL,
    zeilen_abgewiesen BIGINT NOT NULL,
    hierarchie_stimmig BOOLEAN NOT NULL,
    schutzsuchende BIGINT,
    PRIMARY KEY (stichtag, kreis),
    -- The total is the top level of the hierarchy, and the top level agrees with the finest parts.
    CHECK (schutzsuchende IS NULL OR schutzsuchende = offen + anerkannt + abgelehnt),
    CHECK (schutzsuchende IS NULL OR teile_unbekannt > 0 OR abs(anerkannt - anerkannt_teile) <= rundung_hoechstens)
);
INSERT INTO core_schutzsuchende_amtlich
WITH zeilen AS (
    SELECT s.*, d.ebene FROM stg_destatis_schutzsuchende s JOIN dim_schutzstatus d USING (schutzstatus)
),
stichtage AS (
    SELECT DISTINCT s.stichtag, k.kreis
    FROM stg_destatis_schutzsuchende s, (SELECT unnest(['05966', '05970']) AS kreis) k
),
summen AS (
    SELECT stichtag, kreis, count(*) AS zeilen,
           coalesce(sum(anzahl) FILTER (schutzstatus = 'SCHUTZST-OF'), 0) AS offen,
           coalesce(sum(anzahl) FILTER (schutzstatus = 'SCHUTZST-AK-1'), 0) AS anerkannt,
           coalesce(sum(anzahl) FILTER (schutzstatus = 'SCHUTZST-X'), 0) AS abgelehnt,
           coalesce(sum(anzahl) FILTER (schutzstatus IN ('SCHUTZST-AK-3', 'SCHUTZST-AK-4', 'SCHUTZST-AK-5')), 0) AS anerkannt_teile,
           -- every (sex, nationality) with a recognised status: its total and three parts, 2 each
           8 * count(DISTINCT (geschlecht, staatsangehoerigkeit)) FILTER (schutzstatus LIKE 'SCHUTZST-AK-%') AS rundung_hoechstens,
           count(*) FILTER (ebene = 1 AND anzahl IS NULL) AS werte_unbekannt,
           count(*) FILTER (schutzstatus IN ('SCHUTZST-AK-3', 'SCHUTZST-AK-4', 'SCHUTZST-AK-5') AND anzahl IS NULL) AS teile_unbekannt
    FROM zeilen GROUP BY ALL
),
abgewiesen AS (
    SELECT s.stichtag, s.kreis, coalesce(sum(a.zeilen), 0) AS zeilen
    FROM stichtage s
    LEFT JOIN core_abgewiesene_zeilen a
      ON a.export = 'destatis_12531' AND a.stichtag = s.stichtag AND (a.kreis = s.kreis OR a.kreis = 'unbekannt')
    GROUP BY ALL
),
alle AS (
    SELECT s.stichtag, s.kreis, coalesce(z.zeilen, 0) AS zeilen,
           coalesce(z.offen, 0) AS offen, coalesce(z.anerkannt, 0) AS anerkannt, coalesce(z.abgelehnt, 0) AS abgelehnt,
           coalesce(z.anerkannt_teile, 0) AS anerkannt_teile, coalesce(z.rundung_hoechstens, 0) AS rundung_hoechstens,
           coalesce(z.werte_unbekannt, 0) AS werte_unbekannt, coalesce(z.teile_unbekannt, 0) AS teile_unbekannt,
           a.zeilen AS zeilen_abgewiesen
    FROM stichtage s
    LEFT JOIN summen z USING (stichtag, kreis)
    JOIN abgewiesen a USING (stichtag, kreis)
)
SELECT stichtag, kreis, zeilen, offen, anerkannt, abgelehnt, anerkannt_teile, rundung_hoechstens, werte_unbekannt, teile_unbekannt,
       zeilen_abgewiesen,
       teile_unbekannt > 0 OR abs(anerkannt - anerkannt_teile) <= rundung_hoechstens AS hierarchie_stimmig,
       CASE WHEN zeilen > 0 AND werte_unbekannt = 0 AND zeilen_abgewiesen = 0 AND (teile_unbekannt > 0 OR abs(anerkannt - anerkannt_teile) <= rundung_hoechstens)
            THEN offen + anerkannt + abgelehnt END AS schutzsuchende
FROM alle
ORDER BY stichtag, kreis;
