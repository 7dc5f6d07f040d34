package warehouse

// AnalystQueries are the ten typical analyst queries (written down here, measured by
// BenchmarkNationalWarehouse directly and by cmd/ipoint's BenchmarkServeNational through
// ipoint serve with psql).
var AnalystQueries = []struct{ Name, SQL string }{
	{"Bestand je Kreis, letzte 12 Wochen", `SELECT iso_jahr, kw, kreis, bestand, bestand_al, bestand_ik FROM mart_woche_kreis ORDER BY montag DESC LIMIT 24`},
	{"Zugänge nach Staatsangehörigkeit, letzte 4 Wochen", `SELECT staatsangehoerigkeit, count(*) AS n FROM stg_kunden_verlauf WHERE valid_to IS NULL AND zugang_ip >= (SELECT stand FROM dim_stichtage) - 28 GROUP BY 1 ORDER BY 2 DESC`},
	{"Status am Stichtag je Kreis", `SELECT kreis, status, count(*) FROM stg_kunden_verlauf, dim_stichtage d WHERE valid_from <= d.stand AND (valid_to IS NULL OR valid_to > d.stand) AND abgang_ip IS NULL GROUP BY ALL ORDER BY ALL`},
	{"Altersgruppen nach Geschlecht im Bestand", `SELECT geschlecht, (year(d.stand) - geburtsjahr) // 10 * 10 AS alter, count(*) FROM stg_kunden_verlauf, dim_stichtage d WHERE valid_to IS NULL AND abgang_ip IS NULL GROUP BY ALL ORDER BY ALL`},
	{"Aufnahmen nach Art und Monat", `SELECT * FROM mart_monat ORDER BY monat`},
	{"Median-Entgelt Vollzeit nach Wirtschaftszweig", `SELECT wz2008, median(bruttoentgelt) AS median_entgelt, count(*) FROM stg_arbeitsaufnahmen WHERE art = 'SVB_VZ' GROUP BY 1 ORDER BY 3 DESC LIMIT 20`},
	{"Sprachniveau der Kunden im Integrationskurs", `SELECT sprachniveau, count(*) FROM stg_kunden_verlauf WHERE valid_to IS NULL AND status = 'IK' GROUP BY 1 ORDER BY 1`},
	{"Aufenthaltsstatus: Entscheidungen und Ablösungen", `SELECT aufenthaltsstatus, count(*) AS entscheidungen, count(ersetzt_ab) AS abgeloest FROM stg_aufenthalt GROUP BY 1 ORDER BY 2 DESC`},
	{"Beratungen nach Zielgruppe und Thema", `SELECT date_trunc('month', datum) AS monat, zielgruppe, thema, count(*), sum(dauer_min) FROM stg_beratungen GROUP BY ALL ORDER BY ALL`},
	{"Statuswechsel der letzten 7 Tage", `SELECT v.status, count(*) FROM stg_kunden_verlauf v, dim_stichtage d WHERE v.valid_from > d.stand - 7 AND v.valid_from > d.erster_stichtag GROUP BY 1 ORDER BY 2 DESC`},
}
