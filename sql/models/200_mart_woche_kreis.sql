-- mart_woche_kreis: Kennzahlen je ISO-Kalenderwoche (nach ISO-Jahr) und Kreis.
-- * iso_jahr, kw: ISO-Jahr und Kalenderwoche
-- * stichtag: Wochenende (Sonntag) oder, in der laufenden Woche, der Stand der Daten
-- * zugaenge: Zugänge beim Integration Point in der Woche
-- * abgaenge_*: Abgänge in der Woche nach Grund (abgangsgrund in stg_kunden_verlauf)
-- * bestand: betreute Kunden am Stichtag
-- * bestand_*: Bestand nach Status am Stichtag
-- * foerderbedarf: Kunden mit besonderem Förderbedarf im Bestand
-- * anteil_foerderbedarf: Anteil der Kunden mit besonderem Förderbedarf am Bestand
-- * vollstaendig: true, wenn die Lieferungen des Kundenbestands die ganze Woche (Montag bis Sonntag)
--   abdecken; false für eine Woche vor oder bei der ersten Lieferung und für die laufende Woche
CREATE TABLE mart_woche_kreis AS
WITH params AS (
    SELECT erster_stichtag, stand FROM dim_stichtage
),
wochen AS (
    SELECT w::DATE AS montag, least(w::DATE + 6, (SELECT stand FROM params)) AS stichtag
    FROM params, generate_series(date_trunc('week', erster_stichtag), stand, INTERVAL 7 DAY) AS t(w)
),
kreise AS (
    SELECT unnest(['05966', '05970']) AS kreis
),
-- Every registration and every exit the history holds (a client who left and registered
-- again has two stays), each in its stay's latest recorded form (core_betreuungen).
betreuungen AS (
    SELECT zugang_ip, abgang_ip, abgangsgrund, kreis FROM core_betreuungen
),
abgaenge_einzeln AS (
    SELECT * FROM betreuungen WHERE abgang_ip IS NOT NULL
),
zugaenge AS (
    SELECT date_trunc('week', zugang_ip)::DATE AS montag, kreis, count(*) AS n
    FROM betreuungen WHERE zugang_ip IS NOT NULL GROUP BY ALL
),
abgaenge AS (
    SELECT date_trunc('week', abgang_ip)::DATE AS montag, kreis,
           count(*) FILTER (abgangsgrund = 'INT') AS int,
           count(*) FILTER (abgangsgrund = 'UEBERG') AS ueberg,
           count(*) FILTER (abgangsgrund = 'LEIST') AS leist,
           count(*) FILTER (abgangsgrund = 'UMZ') AS umz,
           count(*) FILTER (abgangsgrund = 'EINB') AS einb,
           count(*) FILTER (abgangsgrund = 'RUECK') AS rueck,
           count(*) FILTER (abgangsgrund = 'MITW') AS mitw,
           count(*) FILTER (abgangsgrund = 'SONST') AS sonst,
           count(*) FILTER (abgangsgrund = 'UNBEKANNT') AS unbekannt
    FROM abgaenge_einzeln GROUP BY ALL
),
-- Der Bestand einer Woche: wer an ihrem Stichtag registriert ist, in dem Zustand, der an
-- diesem Tag gilt. Ein Zustand zählt von greatest(valid_from, zugang_ip) bis vor
-- least(valid_to, abgang_ip); gezählt wird über diese Anfangs- und Endtage (je Kreis,
-- Status und Förderbedarf ein laufender Stand, je Woche der am Stichtag geltende), statt
-- jede Woche mit jedem Zustand zu verbinden: das wüchse mit den Wochen mal den Zuständen.
spannen AS (
    SELECT kreis, status, foerderbedarf,
           greatest(valid_from, zugang_ip) AS von, least(valid_to, abgang_ip) AS bis
    FROM stg_kunden_verlauf
    WHERE zugang_ip IS NOT NULL
),
wechsel AS (
    SELECT kreis, status, foerderbedarf, tag, sum(d) AS d
    FROM (SELECT kreis, status, foerderbedarf, von AS tag, 1 AS d FROM spannen WHERE bis IS NULL OR bis > von
          UNION ALL
          SELECT kreis, status, foerderbedarf, bis, -1 FROM spannen WHERE bis > von)
    GROUP BY ALL
),
laufend AS (
    SELECT kreis, status, foerderbedarf, tag,
           sum(d) OVER (PARTITION BY kreis, status, foerderbedarf ORDER BY tag) AS n
    FROM wechsel
),
bestand_teile AS (
    SELECT w.montag, g.kreis, g.status, g.foerderbedarf, l.n
    FROM wochen w
    CROSS JOIN (SELECT DISTINCT kreis, status, foerderbedarf FROM wechsel) g
    ASOF JOIN laufend l
      ON l.kreis IS NOT DISTINCT FROM g.kreis AND l.status IS NOT DISTINCT FROM g.status
     AND l.foerderbedarf IS NOT DISTINCT FROM g.foerderbedarf AND l.tag <= w.stichtag
),
bestand AS (
    SELECT montag, kreis,
           sum(n)::BIGINT AS n,
           coalesce(sum(n) FILTER (status = 'AL'), 0)::BIGINT AS al,
           coalesce(sum(n) FILTER (status = 'AS'), 0)::BIGINT AS as_,
           coalesce(sum(n) FILTER (status = 'MASSN'), 0)::BIGINT AS massn,
           coalesce(sum(n) FILTER (status = 'IK'), 0)::BIGINT AS ik,
           coalesce(sum(n) FILTER (status = 'ERW'), 0)::BIGINT AS erw,
           coalesce(sum(n) FILTER (status = 'NA'), 0)::BIGINT AS na,
           coalesce(sum(n) FILTER (foerderbedarf), 0)::BIGINT AS foerder
    FROM bestand_teile
    GROUP BY ALL
    HAVING sum(n) > 0
)
SELECT isoyear(w.montag) AS iso_jahr, week(w.montag) AS kw, w.montag, w.stichtag, k.kreis,
       coalesce(z.n, 0) AS zugaenge,
       coalesce(a.int, 0) AS abgaenge_int, coalesce(a.ueberg, 0) AS abgaenge_ueberg, coalesce(a.leist, 0) AS abgaenge_leist,
       coalesce(a.umz, 0) AS abgaenge_umz, coalesce(a.einb, 0) AS abgaenge_einb, coalesce(a.rueck, 0) AS abgaenge_rueck,
       coalesce(a.mitw, 0) AS abgaenge_mitw, coalesce(a.sonst, 0) AS abgaenge_sonst,
       coalesce(a.unbekannt, 0) AS abgaenge_unbekannt,
       coalesce(b.n, 0) AS bestand,
       coalesce(b.al, 0) AS bestand_al, coalesce(b.as_, 0) AS bestand_as, coalesce(b.massn, 0) AS bestand_massn,
       coalesce(b.ik, 0) AS bestand_ik, coalesce(b.erw, 0) AS bestand_erw, coalesce(b.na, 0) AS bestand_na,
       coalesce(b.foerder, 0) AS foerderbedarf,
       b.foerder / nullif(b.n, 0) AS anteil_foerderbedarf,
       abgedeckt('verbis_kunden', w.montag, (w.montag + 6)::DATE) AS vollstaendig
FROM wochen w
CROSS JOIN kreise k
LEFT JOIN zugaenge z ON z.montag = w.montag AND z.kreis = k.kreis
LEFT JOIN abgaenge a ON a.montag = w.montag AND a.kreis = k.kreis
LEFT JOIN bestand b ON b.montag = w.montag AND b.kreis = k.kreis
ORDER BY w.montag, k.kreis;
