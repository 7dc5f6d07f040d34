package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
)

func init() {
	register(command{name: "config", summary: "die wirksame Konfiguration anzeigen (Geheimnisse geschwärzt)", run: runConfig})
}

func runConfig(ctx context.Context, args []string, e env) error {
	fs := newFlags("config", `Zeigt die wirksame Konfiguration: Vorgaben, darüber die Konfigurationsdatei
(<Datenverzeichnis>/ipoint.toml oder $IPOINT_CONFIG), darüber Umgebungsvariablen
IPOINT_... . Zu jedem Wert steht, woher er kommt. Passwörter und der
Pseudonymisierungsschlüssel werden nie angezeigt.`, e)
	homeDir := homeFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	printConfig(e.stdout, h)
	return nil
}

// printConfig writes the effective configuration as TOML, each value with its origin.
func printConfig(w io.Writer, h home) {
	c := h.cfg
	if c.file != "" {
		fmt.Fprintf(w, "# Konfigurationsdatei: %s\n", c.file)
	} else {
		fmt.Fprintln(w, "# keine Konfigurationsdatei: Vorgaben (ipoint init legt eine an)")
	}
	fmt.Fprintf(w, "# Datenverzeichnis: %s\n", h.dir)
	section := ""
	for _, s := range settings {
		sec, key, _ := strings.Cut(s.key, ".")
		if sec != section {
			fmt.Fprintf(w, "\n[%s]\n", sec)
			section = sec
		}
		val := tomlValue(s.field(c))
		if s.secret {
			if *(s.field(c).(*string)) == "" {
				continue
			}
			val = `"<redacted>"`
		}
		fmt.Fprintf(w, "%-16s = %-28s # %s\n", key, val, c.where(s.key))
	}
	fmt.Fprintf(w, "\n# Pseudonymisierungsschlüssel: %s (Inhalt <redacted>)\n", keySource(h))
}

func keySource(h home) string {
	if h.e.getenv("IPOINT_KEY") != "" {
		return "Umgebungsvariable IPOINT_KEY"
	}
	return h.keyFile()
}

func tomlValue(field any) string {
	switch f := field.(type) {
	case *string:
		return strconv.Quote(*f)
	case *int:
		return strconv.Itoa(*f)
	case *float64:
		return strconv.FormatFloat(*f, 'g', -1, 64)
	case *bool:
		return strconv.FormatBool(*f)
	case *[]string:
		q := make([]string, len(*f))
		for i, s := range *f {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(field)
}

// configTemplate is the commented file `ipoint init` writes; its values are the defaults.
var configTemplate = template.Must(template.New("config").Funcs(template.FuncMap{"q": strconv.Quote}).Parse(
	`# ipoint – Konfiguration
#
# Jeder Wert lässt sich mit einer Umgebungsvariablen überschreiben (in Klammern).
# "ipoint config" zeigt die wirksamen Werte und woher sie kommen. Geheimnisse stehen nie
# in dieser Datei: der Pseudonymisierungsschlüssel liegt in paths.key_file (oder
# IPOINT_KEY), das Mail-Passwort in mail.password_file (oder IPOINT_MAIL_PASSWORD).

[paths]
# Verzeichnisse, absolut oder relativ zum Datenverzeichnis.
inbox        = {{q .Paths.Inbox}}       # Posteingang der Lieferungen (IPOINT_INBOX)
quarantine   = {{q .Paths.Quarantine}}  # unlesbare Lieferungen mit Grund (IPOINT_QUARANTINE)
lake         = {{q .Paths.Lake}}        # pseudonymisierter Datensee, Parquet (IPOINT_LAKE)
warehouse    = {{q .Paths.Warehouse}}   # Auswertungsdatenbank, DuckDB (IPOINT_WAREHOUSE)
reports      = {{q .Paths.Reports}}     # Berichtsarchiv, HTML (IPOINT_REPORTS)
audit        = {{q .Paths.Audit}}       # Protokolle: Abfragen, Löschungen, Läufe (IPOINT_AUDIT)
key_file     = {{q .Paths.KeyFile}}     # Pseudonymisierungsschlüssel, Rechte 0600 (IPOINT_KEY_FILE)
metrics_dir  = {{q .Paths.Metrics}}     # Kennzahlen je Auftrag (ipoint_run.prom, …) für den Textfile-Collector des node_exporter (IPOINT_METRICS_DIR)

[reports]
# Geheimhaltung: Fallzahlen unter k erscheinen als *; BA-Regel: mindestens 3 (IPOINT_REPORTS_K)
k = {{.Reports.K}}
# Schutzbreite: wer alle veröffentlichten Zahlen und ihre Beziehungen kennt, kann einen
# geheim gehaltenen Wert höchstens auf eine Spanne dieser Breite eingrenzen; mindestens k,
# 0: so breit wie k (IPOINT_REPORTS_WIDTH)
width = {{.Reports.Width}}
# Verläufe (Kaplan-Meier) nur für Gruppen ab dieser Größe; mindestens 20 (IPOINT_REPORTS_MIN_GROUP)
min_group = {{.Reports.MinGroup}}

[ziele]
# Ziele, mit denen der Monatsbericht die Zahlen vergleicht; 0: kein Ziel
integrationen_monat       = {{.Targets.IntegrationsPerMonth}}  # Integrationen (K2) je Monat, beide Kreise (IPOINT_ZIELE_INTEGRATIONEN_MONAT)
integrationsquote_prozent = {{.Targets.QuotaPercent}}  # gleitende Integrationsquote über 12 Monate in % (IPOINT_ZIELE_INTEGRATIONSQUOTE_PROZENT)
abdeckung_prozent         = {{.Targets.CoveragePercent}}  # betreute Kunden je 100 Schutzsuchende (IPOINT_ZIELE_ABDECKUNG_PROZENT)

[schedule]
# Zeitplan für "ipoint schedule": Cron-Ausdrücke (Minute Stunde Tag Monat Wochentag) in
# dieser Zeitzone; "-" schaltet einen Auftrag ab.
timezone      = {{q .Schedule.Timezone}}  # (IPOINT_SCHEDULE_TIMEZONE)
nightly       = {{q .Schedule.Nightly}}    # nächtlicher Lauf (IPOINT_SCHEDULE_NIGHTLY)
weekly_report = {{q .Schedule.WeeklyReport}}     # Wochenbericht, montags (IPOINT_SCHEDULE_WEEKLY_REPORT)
retention     = {{q .Schedule.Retention}}     # Löschfristen anwenden, sonntags (IPOINT_SCHEDULE_RETENTION)

[retention]
# Aufbewahrung in Tagen (docs/operations.md: SGB III und BAMF-Kursdaten höchstens 5 Jahre;
# Rohdateien im Klartext kürzer).
lake_days       = {{.Retention.LakeDays}}  # Datensee und Verlauf (IPOINT_RETENTION_LAKE_DAYS)
rejects_days    = {{.Retention.RejectsDays}}   # abgewiesene Zeilen (IPOINT_RETENTION_REJECTS_DAYS)
archive_days    = {{.Retention.ArchiveDays}}    # übernommene Rohdateien im Archiv (IPOINT_RETENTION_ARCHIVE_DAYS)
quarantine_days = {{.Retention.QuarantineDays}}    # Dateien in Quarantäne (IPOINT_RETENTION_QUARANTINE_DAYS)
runs_days       = {{.Retention.RunsDays}}   # Laufprotokoll (IPOINT_RETENTION_RUNS_DAYS)
# Mindestfristen: Datensee 365, abgewiesene Zeilen 90, Archiv 7, Quarantäne 30,
# Laufprotokoll 90 Tage. Kürzere Fristen nur mit below_minimum = true, als bewusste
# Entscheidung (IPOINT_RETENTION_BELOW_MINIMUM).
below_minimum   = {{.Retention.BelowMinimum}}

[ingest]
# Anteil abgewiesener Zeilen einer Nacht, der noch kein Problem ist: sie werden gezählt
# und gemeldet, der Lauf endet aber erfolgreich, ohne Hinweis-Mail; 0: jede abgewiesene
# Zeile ist ein Problem; höchstens 0.05 (IPOINT_INGEST_REJECT_TOLERANCE)
reject_tolerance = {{.Ingest.RejectTolerance}}

[mail]
# SMTP mit STARTTLS und Anmeldung. Ohne host werden keine Mails verschickt.
host          = {{q .Mail.Host}}            # (IPOINT_MAIL_HOST)
port          = {{.Mail.Port}}           # (IPOINT_MAIL_PORT)
username      = {{q .Mail.Username}}            # (IPOINT_MAIL_USERNAME)
password_file = {{q .Mail.PasswordFile}}            # Datei mit dem Passwort (IPOINT_MAIL_PASSWORD_FILE; oder IPOINT_MAIL_PASSWORD)
ca_file       = {{q .Mail.CAFile}}            # CA des Mailservers als PEM-Datei, falls keine öffentliche (IPOINT_MAIL_CA_FILE)
from          = {{q .Mail.From}}            # Absender, z. B. "ipoint <ipoint@kreis.de>" (IPOINT_MAIL_FROM)
alerts        = []            # Empfänger der Hinweise nach Läufen mit Problemen (IPOINT_MAIL_ALERTS, durch Komma getrennt)
weekly_report = []            # Verteiler des Wochenberichts (IPOINT_MAIL_WEEKLY_REPORT)
monthly_report = []           # Verteiler des Monats- und des Verlaufsberichts, einmal je abgeschlossenem Monat (IPOINT_MAIL_MONTHLY_REPORT)
# Die Berichte gehen als PDF mit, wenn auf dem Server ein Chromium ist, sonst als
# HTML-Datei. Leer: Chromium auf dem PATH suchen; ein absoluter Pfad, z. B.
# "/usr/bin/chromium"; "-": immer HTML (IPOINT_MAIL_CHROMIUM)
chromium      = {{q .Mail.Chromium}}

[analyst]
# "ipoint serve": der Analysezugang (PostgreSQL-Protokoll, nur mit TLS und Passwort).
listen               = {{q .Analyst.Listen}}  # Adresse und Port (IPOINT_ANALYST_LISTEN)
tls_cert             = {{q .Analyst.TLSCert}}  # TLS-Zertifikat, PEM; ipoint init legt ein selbstsigniertes an (IPOINT_ANALYST_TLS_CERT)
tls_key              = {{q .Analyst.TLSKey}}  # zugehöriger privater Schlüssel (IPOINT_ANALYST_TLS_KEY)
accounts             = {{q .Analyst.Accounts}}  # Zugänge der Analysten, nur SCRAM-Prüfwerte (IPOINT_ANALYST_ACCOUNTS)
statement_timeout    = {{q .Analyst.StatementTimeout}}  # Zeitlimit je Abfrage (IPOINT_ANALYST_STATEMENT_TIMEOUT)
row_limit            = {{.Analyst.RowLimit}}  # höchstens so viele Zeilen je Ergebnis (IPOINT_ANALYST_ROW_LIMIT)
sessions_per_analyst = {{.Analyst.SessionsPerAnalyst}}  # gleichzeitige Sitzungen je Analyst (IPOINT_ANALYST_SESSIONS_PER_ANALYST)
memory_limit         = {{q .Analyst.MemoryLimit}}  # Speichergrenze der Datenbank (IPOINT_ANALYST_MEMORY_LIMIT)
single_account       = {{.Analyst.SingleAccount}}  # true: Dienst darf als root oder mit lesbarem Schlüssel laufen (nur Einzelplatz; IPOINT_ANALYST_SINGLE_ACCOUNT)
socket_dir           = {{q .Analyst.SocketDir}}  # auch ein Unix-Socket in diesem Verzeichnis, Anmeldung mit dem Betriebssystemkonto (IPOINT_ANALYST_SOCKET_DIR)
`))

func defaultConfigFile() []byte {
	var b bytes.Buffer
	if err := configTemplate.Execute(&b, defaultConfig()); err != nil {
		panic(err) // the template is fixed; a test renders it
	}
	return b.Bytes()
}
