package main

import (
	"bytes"
	"errors"
	"fmt"
	"ipoint/pipeline"
	"ipoint/reports"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/schedule"
)

// Config is ipoint's configuration: the defaults below, then the config file
// (<home>/ipoint.toml, or $IPOINT_CONFIG), then IPOINT_* environment variables. The
// pseudonym key and the mail password are never part of it: they come from files or
// the environment and print as <redacted>.
type Config struct {
	Paths     Paths     `toml:"paths"`
	Reports   Reporting `toml:"reports"`
	Targets   Targets   `toml:"ziele"`
	Schedule  Schedule  `toml:"schedule"`
	Retention Retention `toml:"retention"`
	Ingest    Ingest    `toml:"ingest"`
	Mail      Mail      `toml:"mail"`
	Analyst   Analyst   `toml:"analyst"`

	file   string            // the config file read, "" if none
	origin map[string]string // key -> where its value came from (German, for `ipoint config`)
}

// Paths are relative to the data directory unless absolute.
type Paths struct {
	Inbox      string `toml:"inbox"`
	Quarantine string `toml:"quarantine"`
	Lake       string `toml:"lake"`
	Warehouse  string `toml:"warehouse"`
	Reports    string `toml:"reports"`
	Audit      string `toml:"audit"`
	KeyFile    string `toml:"key_file"`
	Metrics    string `toml:"metrics_dir"`
}

// Reporting holds the publication settings.
type Reporting struct {
	K        int `toml:"k"`         // suppression threshold: smaller counts print as *
	Width    int `toml:"width"`     // protection width: an attacker's interval for a * is at least this wide; 0: k
	MinGroup int `toml:"min_group"` // smallest group a Kaplan–Meier curve is drawn for
}

// Targets are the office's goals the Monatsbericht compares with (0: none set).
type Targets struct {
	IntegrationsPerMonth int `toml:"integrationen_monat"`       // integrations (K2) per month, both Kreise together
	QuotaPercent         int `toml:"integrationsquote_prozent"` // 12-month Integrationsquote in percent
	CoveragePercent      int `toml:"abdeckung_prozent"`         // share of the Schutzsuchende the office serves, in percent
}

// Schedule is the timetable of `ipoint schedule`, in cron syntax and local time.
type Schedule struct {
	Timezone     string `toml:"timezone"`
	Nightly      string `toml:"nightly"`
	WeeklyReport string `toml:"weekly_report"`
	Retention    string `toml:"retention"`
}

// Retention periods in days (docs/operations.md, "Retention").
type Retention struct {
	LakeDays       int `toml:"lake_days"`
	RejectsDays    int `toml:"rejects_days"`
	ArchiveDays    int `toml:"archive_days"`
	QuarantineDays int `toml:"quarantine_days"`
	RunsDays       int `toml:"runs_days"`
	// BelowMinimum confirms periods shorter than the minimums (retentionMinimums): a
	// test installation, or a decision on record. Without it such a period is refused.
	BelowMinimum bool `toml:"below_minimum"`
}

// retentionMinimums are the shortest retention periods accepted without
// retention.below_minimum (docs/operations.md "Retention", which says why): a shorter
// period deletes what the office still needs and cannot get back.
var retentionMinimums = map[string]int{
	"retention.lake_days":       365, // the reports compare over a year (53 weeks, 12-month rates, curves); deleted deliveries are gone
	"retention.rejects_days":    90,  // corrections and re-deliveries are asked for within a quarter
	"retention.archive_days":    7,   // a night's ingest can be redone from the raw files after a restore of the weekly backup
	"retention.quarantine_days": 30,  // the agency needs time to re-deliver, staff to look
	"retention.runs_days":       90,  // status, monitoring and the notice look back over a quarter
}

// Ingest holds what the nightly run counts as a problem.
type Ingest struct {
	// RejectTolerance is the share of a night's rows that may be rejected without the
	// run ending with problems (exit 3 and a notice): they are counted, reported and
	// kept in the findings all the same.
	RejectTolerance float64 `toml:"reject_tolerance"`
}

// Mail is the SMTP account for notices and the reports. STARTTLS is mandatory.
type Mail struct {
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	Username     string   `toml:"username"`
	PasswordFile string   `toml:"password_file"`
	CAFile       string   `toml:"ca_file"`
	From         string   `toml:"from"`
	Alerts       []string `toml:"alerts"`
	WeeklyReport []string `toml:"weekly_report"`
	// MonthlyReport gets the Monatsbericht and the Verlaufsbericht when a month closes.
	MonthlyReport []string `toml:"monthly_report"`
	// Chromium prints the reports to PDF for the mails: a path, "" to look for it on
	// the PATH, "-" for HTML attachments always.
	Chromium string `toml:"chromium"`
	Password string `toml:"-"` // from password_file or IPOINT_MAIL_PASSWORD
}

// Analyst configures `ipoint serve`, the analysts' PostgreSQL-protocol door.
type Analyst struct {
	Listen             string `toml:"listen"`
	TLSCert            string `toml:"tls_cert"`
	TLSKey             string `toml:"tls_key"`
	Accounts           string `toml:"accounts"`
	StatementTimeout   string `toml:"statement_timeout"`
	RowLimit           int    `toml:"row_limit"`
	SessionsPerAnalyst int    `toml:"sessions_per_analyst"`
	MemoryLimit        string `toml:"memory_limit"`
	SingleAccount      bool   `toml:"single_account"`
	SocketDir          string `toml:"socket_dir"`
}

// Enabled reports whether mail is configured at all.
func (m Mail) Enabled() bool { return m.Host != "" }

func defaultConfig() Config {
	return Config{
		Paths: Paths{Inbox: "inbox", Quarantine: "quarantine", Lake: "lake", Warehouse: "warehouse",
			Reports: "reports", Audit: "audit", KeyFile: filepath.Join("secrets", "pseudonym.key"),
			Metrics: "metrics"},
		Reports:  Reporting{K: 3, Width: 0, MinGroup: 20},
		Schedule: Schedule{Timezone: "Europe/Berlin", Nightly: "30 2 * * *", WeeklyReport: "0 6 * * 1", Retention: "0 3 * * 0"},
		// SGB III and BAMF course data: at most 5 years (BfDI, §26 DeuFöV); rejects serve
		// corrections and re-deliveries; raw files in clear text are kept briefly.
		Retention: Retention{LakeDays: 1826, RejectsDays: 365, ArchiveDays: 90, QuarantineDays: 90, RunsDays: 730},
		Ingest:    Ingest{RejectTolerance: 0.01},
		Mail:      Mail{Port: 587, Alerts: []string{}, WeeklyReport: []string{}, MonthlyReport: []string{}},
		Analyst: Analyst{Listen: "127.0.0.1:5433", TLSCert: filepath.Join("secrets", "analyst-tls.crt"),
			TLSKey: filepath.Join("secrets", "analyst-tls.key"), Accounts: filepath.Join("secrets", "analysts.json"),
			StatementTimeout: "5m", RowLimit: 1_000_000, SessionsPerAnalyst: 4, MemoryLimit: "4GB"},
	}
}

// setting is one configuration key: its name in the file, its environment variable and
// the field it sets. The table drives overrides, `ipoint config` and the README.
type setting struct {
	key    string
	env    string
	field  func(c *Config) any // *string, *int or *[]string
	secret bool
}

var settings = []setting{
	{key: "paths.inbox", env: "IPOINT_INBOX", field: func(c *Config) any { return &c.Paths.Inbox }},
	{key: "paths.quarantine", env: "IPOINT_QUARANTINE", field: func(c *Config) any { return &c.Paths.Quarantine }},
	{key: "paths.lake", env: "IPOINT_LAKE", field: func(c *Config) any { return &c.Paths.Lake }},
	{key: "paths.warehouse", env: "IPOINT_WAREHOUSE", field: func(c *Config) any { return &c.Paths.Warehouse }},
	{key: "paths.reports", env: "IPOINT_REPORTS", field: func(c *Config) any { return &c.Paths.Reports }},
	{key: "paths.audit", env: "IPOINT_AUDIT", field: func(c *Config) any { return &c.Paths.Audit }},
	{key: "paths.key_file", env: "IPOINT_KEY_FILE", field: func(c *Config) any { return &c.Paths.KeyFile }},
	{key: "paths.metrics_dir", env: "IPOINT_METRICS_DIR", field: func(c *Config) any { return &c.Paths.Metrics }},
	{key: "reports.k", env: "IPOINT_REPORTS_K", field: func(c *Config) any { return &c.Reports.K }},
	{key: "reports.width", env: "IPOINT_REPORTS_WIDTH", field: func(c *Config) any { return &c.Reports.Width }},
	{key: "reports.min_group", env: "IPOINT_REPORTS_MIN_GROUP", field: func(c *Config) any { return &c.Reports.MinGroup }},
	{key: "ziele.integrationen_monat", env: "IPOINT_ZIELE_INTEGRATIONEN_MONAT", field: func(c *Config) any { return &c.Targets.IntegrationsPerMonth }},
	{key: "ziele.integrationsquote_prozent", env: "IPOINT_ZIELE_INTEGRATIONSQUOTE_PROZENT", field: func(c *Config) any { return &c.Targets.QuotaPercent }},
	{key: "ziele.abdeckung_prozent", env: "IPOINT_ZIELE_ABDECKUNG_PROZENT", field: func(c *Config) any { return &c.Targets.CoveragePercent }},
	{key: "schedule.timezone", env: "IPOINT_SCHEDULE_TIMEZONE", field: func(c *Config) any { return &c.Schedule.Timezone }},
	{key: "schedule.nightly", env: "IPOINT_SCHEDULE_NIGHTLY", field: func(c *Config) any { return &c.Schedule.Nightly }},
	{key: "schedule.weekly_report", env: "IPOINT_SCHEDULE_WEEKLY_REPORT", field: func(c *Config) any { return &c.Schedule.WeeklyReport }},
	{key: "schedule.retention", env: "IPOINT_SCHEDULE_RETENTION", field: func(c *Config) any { return &c.Schedule.Retention }},
	{key: "retention.lake_days", env: "IPOINT_RETENTION_LAKE_DAYS", field: func(c *Config) any { return &c.Retention.LakeDays }},
	{key: "retention.rejects_days", env: "IPOINT_RETENTION_REJECTS_DAYS", field: func(c *Config) any { return &c.Retention.RejectsDays }},
	{key: "retention.archive_days", env: "IPOINT_RETENTION_ARCHIVE_DAYS", field: func(c *Config) any { return &c.Retention.ArchiveDays }},
	{key: "retention.quarantine_days", env: "IPOINT_RETENTION_QUARANTINE_DAYS", field: func(c *Config) any { return &c.Retention.QuarantineDays }},
	{key: "retention.runs_days", env: "IPOINT_RETENTION_RUNS_DAYS", field: func(c *Config) any { return &c.Retention.RunsDays }},
	{key: "retention.below_minimum", env: "IPOINT_RETENTION_BELOW_MINIMUM", field: func(c *Config) any { return &c.Retention.BelowMinimum }},
	{key: "ingest.reject_tolerance", env: "IPOINT_INGEST_REJECT_TOLERANCE", field: func(c *Config) any { return &c.Ingest.RejectTolerance }},
	{key: "mail.host", env: "IPOINT_MAIL_HOST", field: func(c *Config) any { return &c.Mail.Host }},
	{key: "mail.port", env: "IPOINT_MAIL_PORT", field: func(c *Config) any { return &c.Mail.Port }},
	{key: "mail.username", env: "IPOINT_MAIL_USERNAME", field: func(c *Config) any { return &c.Mail.Username }},
	{key: "mail.password_file", env: "IPOINT_MAIL_PASSWORD_FILE", field: func(c *Config) any { return &c.Mail.PasswordFile }},
	{key: "mail.password", env: "IPOINT_MAIL_PASSWORD", field: func(c *Config) any { return &c.Mail.Password }, secret: true},
	{key: "mail.ca_file", env: "IPOINT_MAIL_CA_FILE", field: func(c *Config) any { return &c.Mail.CAFile }},
	{key: "mail.from", env: "IPOINT_MAIL_FROM", field: func(c *Config) any { return &c.Mail.From }},
	{key: "mail.alerts", env: "IPOINT_MAIL_ALERTS", field: func(c *Config) any { return &c.Mail.Alerts }},
	{key: "mail.weekly_report", env: "IPOINT_MAIL_WEEKLY_REPORT", field: func(c *Config) any { return &c.Mail.WeeklyReport }},
	{key: "mail.monthly_report", env: "IPOINT_MAIL_MONTHLY_REPORT", field: func(c *Config) any { return &c.Mail.MonthlyReport }},
	{key: "mail.chromium", env: "IPOINT_MAIL_CHROMIUM", field: func(c *Config) any { return &c.Mail.Chromium }},
	{key: "analyst.listen", env: "IPOINT_ANALYST_LISTEN", field: func(c *Config) any { return &c.Analyst.Listen }},
	{key: "analyst.tls_cert", env: "IPOINT_ANALYST_TLS_CERT", field: func(c *Config) any { return &c.Analyst.TLSCert }},
	{key: "analyst.tls_key", env: "IPOINT_ANALYST_TLS_KEY", field: func(c *Config) any { return &c.Analyst.TLSKey }},
	{key: "analyst.accounts", env: "IPOINT_ANALYST_ACCOUNTS", field: func(c *Config) any { return &c.Analyst.Accounts }},
	{key: "analyst.statement_timeout", env: "IPOINT_ANALYST_STATEMENT_TIMEOUT", field: func(c *Config) any { return &c.Analyst.StatementTimeout }},
	{key: "analyst.row_limit", env: "IPOINT_ANALYST_ROW_LIMIT", field: func(c *Config) any { return &c.Analyst.RowLimit }},
	{key: "analyst.sessions_per_analyst", env: "IPOINT_ANALYST_SESSIONS_PER_ANALYST", field: func(c *Config) any { return &c.Analyst.SessionsPerAnalyst }},
	{key: "analyst.memory_limit", env: "IPOINT_ANALYST_MEMORY_LIMIT", field: func(c *Config) any { return &c.Analyst.MemoryLimit }},
	{key: "analyst.single_account", env: "IPOINT_ANALYST_SINGLE_ACCOUNT", field: func(c *Config) any { return &c.Analyst.SingleAccount }},
	{key: "analyst.socket_dir", env: "IPOINT_ANALYST_SOCKET_DIR", field: func(c *Config) any { return &c.Analyst.SocketDir }},
}

// configError is an invalid configuration: exit code 2. It names where the value came
// from (file and line, or the environment variable), the key and what is allowed.
type configError struct{ problems []string }

func (c configError) Error() string {
	return "ungültige Konfiguration:\n  " + strings.Join(c.problems, "\n  ")
}

// ExitCode makes an invalid configuration's code known to the jobs' run record.
func (c configError) ExitCode() int { return exitUsage }

const configEnv = "IPOINT_CONFIG"

// configPath is the config file of home: $IPOINT_CONFIG or <home>/ipoint.toml.
func configPath(dir string, e env) (path string, explicit bool) {
	if p := e.getenv(configEnv); p != "" {
		return p, true
	}
	return filepath.Join(dir, "ipoint.toml"), false
}

// loadConfig reads the effective configuration. A missing default file means the
// defaults; a missing file named by IPOINT_CONFIG is an error, except for `ipoint init`
// (creating), which is about to write it.
func loadConfig(dir string, e env, creating bool) (*Config, error) {
	c := defaultConfig()
	c.origin = map[string]string{}
	path, explicit := configPath(dir, e)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && (!explicit || creating):
	case err != nil:
		return nil, configError{[]string{fmt.Sprintf("%s: %v", configEnv, err)}}
	default:
		c.file = path
		if err := c.decode(path, data); err != nil {
			return nil, err
		}
	}
	var problems []string
	for _, s := range settings {
		v := e.getenv(s.env)
		if v == "" {
			continue
		}
		if err := setFromString(s.field(&c), v); err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s): %v", s.env, s.key, err))
			continue
		}
		c.origin[s.key] = s.env
	}
	if c.Mail.Password == "" && c.Mail.PasswordFile != "" {
		b, err := os.ReadFile(c.abs(dir, c.Mail.PasswordFile))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: mail.password_file: %v", c.where("mail.password_file"), err))
		}
		c.Mail.Password = strings.TrimSpace(string(b))
	}
	for _, p := range c.validate() {
		problems = append(problems, fmt.Sprintf("%s: %s: %s", c.where(p.key), p.key, p.msg))
	}
	if len(problems) > 0 {
		return nil, configError{problems}
	}
	return &c, nil
}

// decode reads the TOML file; unknown keys and wrong types name file, line and key.
func (c *Config) decode(path string, data []byte) error {
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(c); err != nil {
		var de *toml.DecodeError
		var se *toml.StrictMissingError
		switch {
		case errors.As(err, &se):
			var p []string
			for _, e := range se.Errors {
				line, _ := e.Position()
				p = append(p, fmt.Sprintf("%s:%d: unbekannter Schlüssel %s (erlaubt: %s)", path, line,
					strings.Join(e.Key(), "."), allowedKeys(e.Key())))
			}
			return configError{p}
		case errors.As(err, &de):
			line, col := de.Position()
			key := strings.Join(de.Key(), ".")
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			if key == "" {
				return configError{[]string{fmt.Sprintf("%s:%d:%d: kein gültiges TOML: %s", path, line, col, msg)}}
			}
			return configError{[]string{fmt.Sprintf("%s:%d: %s: %s (%s)", path, line, key, germanTOML(msg), allowedValue(key))}}
		}
		return configError{[]string{fmt.Sprintf("%s: %v", path, err)}}
	}
	lines := keyLines(data)
	for _, s := range settings {
		if l, ok := lines[s.key]; ok {
			c.origin[s.key] = fmt.Sprintf("%s:%d", path, l)
		}
	}
	return nil
}

// germanTOML turns the decoder's type complaints into German; anything else stays.
func germanTOML(msg string) string {
	if strings.Contains(msg, "cannot decode TOML") {
		return "falscher Typ"
	}
	return msg
}

func allowedKeys(key []string) string {
	prefix := ""
	if len(key) > 1 {
		prefix = key[0] + "."
	}
	var keys []string
	for _, s := range settings {
		if !s.secret && strings.HasPrefix(s.key, prefix) {
			keys = append(keys, s.key)
		}
	}
	return strings.Join(keys, ", ")
}

// allowedValue says in German what a key takes.
func allowedValue(key string) string {
	for _, s := range settings {
		if s.key == key {
			switch s.field(&Config{}).(type) {
			case *int:
				return "erlaubt: eine ganze Zahl"
			case *float64:
				return "erlaubt: eine Zahl, z. B. 0.01"
			case *bool:
				return "erlaubt: true oder false"
			case *[]string:
				return `erlaubt: eine Liste von Adressen, z. B. ["a@kreis.de", "b@kreis.de"]`
			}
			return "erlaubt: ein Text in Anführungszeichen"
		}
	}
	return "unbekannter Schlüssel"
}

var (
	sectionRe = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_]+)\s*\]`)
	keyRe     = regexp.MustCompile(`^\s*([A-Za-z0-9_]+)\s*=`)
)

// keyLines finds the line of every key in a (valid) TOML file of ipoint's simple shape.
func keyLines(data []byte) map[string]int {
	out := map[string]int{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		if m := sectionRe.FindStringSubmatch(line); m != nil {
			section = m[1] + "."
		} else if m := keyRe.FindStringSubmatch(line); m != nil {
			out[section+m[1]] = i + 1
		}
	}
	return out
}

// where names the source of a key's value for an error message.
func (c *Config) where(key string) string {
	if o, ok := c.origin[key]; ok {
		return o
	}
	return "Vorgabe"
}

func setFromString(field any, v string) error {
	switch f := field.(type) {
	case *string:
		*f = v
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q ist keine ganze Zahl", v)
		}
		*f = n
	case *float64:
		x, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
		if err != nil {
			return fmt.Errorf("%q ist keine Zahl", v)
		}
		*f = x
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q ist weder true noch false", v)
		}
		*f = b
	case *[]string:
		*f = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				*f = append(*f, p)
			}
		}
	}
	return nil
}

type problem struct{ key, msg string }

// validate checks every value's meaning; each problem says what is allowed.
func (c *Config) validate() []problem {
	var p []problem
	if c.Reports.K < 3 || c.Reports.K > 100 {
		p = append(p, problem{"reports.k", fmt.Sprintf("%d: erlaubt ist eine ganze Zahl von 3 bis 100 (BA-Regel: mindestens 3 Fälle je Zelle)", c.Reports.K)})
	}
	if c.Reports.Width != 0 && (c.Reports.Width < max(c.Reports.K, reports.MinWidth) || c.Reports.Width > 1000) {
		p = append(p, problem{"reports.width", fmt.Sprintf("%d: erlaubt ist 0 (so breit wie reports.k) oder eine ganze Zahl von reports.k (%d) bis 1000: die Spanne, in der ein geheim gehaltener Wert für jemanden mit allen veröffentlichten Zahlen mindestens liegen muss", c.Reports.Width, max(c.Reports.K, reports.MinWidth))})
	}
	if c.Reports.MinGroup < reports.MinMinGroup || c.Reports.MinGroup > 100000 {
		p = append(p, problem{"reports.min_group", fmt.Sprintf("%d: erlaubt ist eine ganze Zahl ab %d (kleinste Gruppe, für die ein Verlauf gezeigt wird)", c.Reports.MinGroup, reports.MinMinGroup)})
	}
	for _, t := range []struct {
		key      string
		v, limit int
	}{{"ziele.integrationen_monat", c.Targets.IntegrationsPerMonth, 100000}, {"ziele.integrationsquote_prozent", c.Targets.QuotaPercent, 100}, {"ziele.abdeckung_prozent", c.Targets.CoveragePercent, 100}} {
		if t.v < 0 || t.v > t.limit {
			p = append(p, problem{t.key, fmt.Sprintf("%d: erlaubt ist eine ganze Zahl von 0 (kein Ziel) bis %d", t.v, t.limit)})
		}
	}
	loc, err := civil.Location(c.Schedule.Timezone)
	if err != nil || c.Schedule.Timezone == "" {
		p = append(p, problem{"schedule.timezone", fmt.Sprintf("%q: erlaubt ist eine Zeitzone der IANA-Datenbank, z. B. \"Europe/Berlin\"", c.Schedule.Timezone)})
		loc = time.UTC
	}
	for _, s := range []struct{ key, spec string }{{"schedule.nightly", c.Schedule.Nightly},
		{"schedule.weekly_report", c.Schedule.WeeklyReport}, {"schedule.retention", c.Schedule.Retention}} {
		if s.spec == "" || s.spec == "-" {
			continue // job switched off
		}
		// The scheduler's own parser: what passes here, ipoint schedule runs.
		if sc, err := schedule.Parse(s.spec, loc); err != nil || sc.Next(time.Now()).IsZero() {
			p = append(p, problem{s.key, fmt.Sprintf("%q: erlaubt ist ein Cron-Ausdruck mit fünf Feldern (Minute Stunde Tag Monat Wochentag), z. B. \"30 2 * * *\", oder @daily, @weekly, oder \"-\" für aus", s.spec)})
		}
	}
	for _, d := range []struct {
		key string
		n   int
	}{{"retention.lake_days", c.Retention.LakeDays}, {"retention.rejects_days", c.Retention.RejectsDays},
		{"retention.archive_days", c.Retention.ArchiveDays}, {"retention.quarantine_days", c.Retention.QuarantineDays},
		{"retention.runs_days", c.Retention.RunsDays}} {
		switch low := retentionMinimums[d.key]; {
		case d.n < 1 || d.n > 3660:
			p = append(p, problem{d.key, fmt.Sprintf("%d: erlaubt ist eine Zahl von Tagen von 1 bis 3660", d.n)})
		case d.n < low && !c.Retention.BelowMinimum:
			p = append(p, problem{d.key, fmt.Sprintf("%d Tage sind kürzer als die Mindestfrist von %d Tagen (docs/operations.md, Abschnitt Retention): "+
				"was danach gelöscht wird, ist unwiederbringlich. Eine kürzere Frist nur mit retention.below_minimum = true "+
				"(IPOINT_RETENTION_BELOW_MINIMUM) als bewusste Entscheidung", d.n, low)})
		}
	}
	if t := c.Ingest.RejectTolerance; t < 0 || t > pipeline.QuarantineShare {
		p = append(p, problem{"ingest.reject_tolerance", fmt.Sprintf("%v: erlaubt ist ein Anteil von 0 (jede abgewiesene Zeile ist ein Problem) bis %v "+
			"(darüber geht eine Datei ohnehin in Quarantäne), z. B. 0.01 für 1 %%", t, pipeline.QuarantineShare)})
	}
	for _, path := range []struct{ key, v string }{{"paths.inbox", c.Paths.Inbox}, {"paths.quarantine", c.Paths.Quarantine},
		{"paths.lake", c.Paths.Lake}, {"paths.warehouse", c.Paths.Warehouse}, {"paths.reports", c.Paths.Reports},
		{"paths.audit", c.Paths.Audit}, {"paths.key_file", c.Paths.KeyFile}, {"paths.metrics_dir", c.Paths.Metrics}} {
		if strings.TrimSpace(path.v) == "" {
			p = append(p, problem{path.key, "leer: erlaubt ist ein Pfad, absolut oder relativ zum Datenverzeichnis"})
		}
	}
	if d, err := time.ParseDuration(c.Analyst.StatementTimeout); err != nil || d < time.Second || d > 24*time.Hour {
		p = append(p, problem{"analyst.statement_timeout", fmt.Sprintf("%q: erlaubt ist eine Dauer von 1s bis 24h, z. B. \"5m\"", c.Analyst.StatementTimeout)})
	}
	if c.Analyst.RowLimit < 1 {
		p = append(p, problem{"analyst.row_limit", fmt.Sprintf("%d: erlaubt ist eine positive ganze Zahl", c.Analyst.RowLimit)})
	}
	if c.Analyst.SessionsPerAnalyst < 1 || c.Analyst.SessionsPerAnalyst > 100 {
		p = append(p, problem{"analyst.sessions_per_analyst", fmt.Sprintf("%d: erlaubt ist eine Zahl von 1 bis 100", c.Analyst.SessionsPerAnalyst)})
	}
	if c.Mail.Port < 1 || c.Mail.Port > 65535 {
		p = append(p, problem{"mail.port", fmt.Sprintf("%d: erlaubt ist ein Port von 1 bis 65535 (SMTP mit STARTTLS: 587)", c.Mail.Port)})
	}
	if c.Mail.Enabled() {
		if _, err := mail.ParseAddress(c.Mail.From); err != nil {
			p = append(p, problem{"mail.from", fmt.Sprintf("%q: erlaubt ist eine Absenderadresse, z. B. \"ipoint <ipoint@kreis.de>\"", c.Mail.From)})
		}
		if c.Mail.Username != "" && c.Mail.Password == "" {
			p = append(p, problem{"mail.username", "ohne Passwort: mail.password_file oder IPOINT_MAIL_PASSWORD setzen"})
		}
	}
	for _, l := range []struct {
		key   string
		addrs []string
	}{{"mail.alerts", c.Mail.Alerts}, {"mail.weekly_report", c.Mail.WeeklyReport}, {"mail.monthly_report", c.Mail.MonthlyReport}} {
		for _, a := range l.addrs {
			if _, err := mail.ParseAddress(a); err != nil {
				p = append(p, problem{l.key, fmt.Sprintf("%q: erlaubt sind E-Mail-Adressen, z. B. \"leitung@kreis.de\"", a)})
			}
		}
		if len(l.addrs) > 0 && !c.Mail.Enabled() {
			p = append(p, problem{l.key, "Empfänger ohne mail.host: zuerst den SMTP-Server angeben"})
		}
	}
	if ch := c.Mail.Chromium; ch != "" && ch != "-" && !filepath.IsAbs(ch) {
		p = append(p, problem{"mail.chromium", fmt.Sprintf("%q: erlaubt ist der absolute Pfad des Browsers, z. B. \"/usr/bin/chromium\", leer (auf dem PATH suchen) oder \"-\" (Berichte immer als HTML-Datei anhängen)", ch)})
	}
	return p
}

// abs resolves a configured path against the data directory.
func (c *Config) abs(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Location is the schedule's time zone (validated).
func (c *Config) Location() *time.Location {
	l, err := civil.Location(c.Schedule.Timezone)
	if err != nil {
		return civil.Berlin // validate() refuses such a config before any command runs
	}
	return l
}
