-- mart_kohorte: Verlauf der Zugangskohorten (Quartal des Zugangs): kumulierter Anteil mit einer
-- ersten Integration nach Monaten seit dem Zugang, geschätzt nach Kaplan-Meier (wer ohne
-- Integration abgeht oder noch betreut wird, zählt bis dahin als unter Risiko, danach zensiert).
-- Gezählt werden Betreuungen (core_betreuungen): wer abging und sich erneut registrierte, zählt
-- in der Kohorte jedes Zugangs, mit der ersten Integration während dieser Betreuung.
-- * kohorte: erstes Quartal des Zugangs (Tag)
-- * gruppe: Aufteilung (alle, geschlecht, herkunft)
-- * auspraegung: Ausprägung der Gruppe (alle; m, w, ...; 8 Asylherkunftsländer, Ukraine, Sonstige)
-- * monat_seit_zugang: Monate seit dem Zugang
-- * unter_risiko: Kunden ohne Integration, noch beobachtet zu Beginn des Monats
-- * integrationen: erste Integrationen in diesem Monat
-- * anteil_integriert: kumulierter Anteil mit erster Integration (1 - Überlebensfunktion)
-- * vollstaendig: true, wenn die Lieferungen des Kundenbestands das ganze Quartal der Kohorte abdecken
--   (alle ihre Zugänge sind bekannt); false für eine Kohorte, deren Quartal vor der ersten Lieferung
--   begann, und für das laufende Quartal
CREATE TABLE mart_kohorte AS
WITH kunden AS (
    SELECT kunde_token, zugang_ip, abgang_ip, geschlecht,
           herkunftsgruppe(staatsangehoerigkeit) AS herkunft
    FROM core_betreuungen
),
erste AS (
    SELECT k.kunde_token, k.zugang_ip, min(a.beginn) AS integration
    FROM kunden k JOIN stg_arbeitsaufnahmen a ON a.kunde_token = k.kunde_token AND a.integration AND a.beginn >= k.zugang_ip
    GROUP BY k.kunde_token, k.zugang_ip
),
dauer AS (
    SELECT k.*, date_trunc('quarter', k.zugang_ip)::DATE AS kohorte,
           e.integration IS NOT NULL AND (k.abgang_ip IS NULL OR e.integration <= k.abgang_ip) AS ereignis,
           floor(datediff('day', k.zugang_ip,
                 CASE WHEN e.integration IS NOT NULL AND (k.abgang_ip IS NULL OR e.integration <= k.abgang_ip) THEN e.integration
                      ELSE least(coalesce(k.abgang_ip, (SELECT stand FROM dim_stichtage)), (SELECT stand FROM dim_stichtage)) END) / 30.4375)::INTEGER AS monate
    FROM kunden k LEFT JOIN erste e USING (kunde_token, zugang_ip)
    -- Job starts are known from the first delivery on: older cohorts would lose their
    -- early integrations and look worse than they were.
    WHERE k.zugang_ip >= (SELECT erster_stichtag FROM dim_stichtage)
),
gruppen AS (
    SELECT kohorte, 'alle' AS gruppe, 'alle' AS auspraegung, monate, ereignis FROM dauer
    UNION ALL SELECT kohorte, 'geschlecht', geschlecht, monate, ereignis FROM dauer
    UNION ALL SELECT kohorte, 'herkunft', herkunft, monate, ereignis FROM dauer
),
raster AS (
    -- each subgroup up to its own longest observation: beyond it nobody is at risk
    SELECT g.kohorte, g.gruppe, g.auspraegung, t.m AS monat_seit_zugang
    FROM (SELECT kohorte, gruppe, auspraegung, max(monate) AS bis FROM gruppen GROUP BY ALL) g,
         range(0, 25) AS t(m)
    WHERE t.m <= g.bis
),
zaehlung AS (
    SELECT r.kohorte, r.gruppe, r.auspraegung, r.monat_seit_zugang,
           count(*) FILTER (g.monate >= r.monat_seit_zugang) AS unter_risiko,
           count(*) FILTER (g.monate = r.monat_seit_zugang AND g.ereignis) AS integrationen
    FROM raster r JOIN gruppen g USING (kohorte, gruppe, auspraegung)
    GROUP BY ALL
)
SELECT *,
       1 - exp(sum(ln(greatest(coalesce(1 - integrationen / nullif(unter_risiko, 0), 1), 1e-12)))
               OVER (PARTITION BY kohorte, gruppe, auspraegung ORDER BY monat_seit_zugang)) AS anteil_integriert,
       abgedeckt('verbis_kunden', kohorte, (kohorte + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE) AS vollstaendig
FROM zaehlung
ORDER BY kohorte, gruppe, auspraegung, monat_seit_zugang;
