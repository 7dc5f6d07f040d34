package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestInitWritesTheDefaultConfig(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK || !strings.Contains(r.stdout, "Konfiguration angelegt") {
		t.Fatalf("init: %d %s %s", r.code, r.stdout, r.stderr)
	}
	path := filepath.Join(home, "ipoint.toml")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := env{getenv: func(k string) string { return vars[k] }}
	c, err := loadConfig(home, e, false)
	if err != nil {
		t.Fatal(err)
	}
	want := defaultConfig()
	c.file, c.origin = "", nil
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("the written file does not read back as the defaults:\n%+v\n%+v", *c, want)
	}
	// Every setting is in the file, so that staff find it there.
	for _, s := range settings {
		if !s.secret && !strings.Contains(string(before), s.env) {
			t.Errorf("%s (%s) is not documented in the config file", s.key, s.env)
		}
	}
	// A second init leaves an edited file alone.
	os.WriteFile(path, append(before, []byte("\n# edited\n")...), 0o640)
	if r := call(t, vars, "init"); r.code != exitOK || !strings.Contains(r.stdout, "unverändert") {
		t.Fatalf("second init: %d %s", r.code, r.stdout)
	}
	if after, _ := os.ReadFile(path); !strings.HasSuffix(string(after), "# edited\n") {
		t.Error("init replaced an existing config file")
	}
}

func TestConfigShowsOriginsAndRedactsSecrets(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "ipoint.toml"), []byte("[reports]\nk = 5\nwidth = 5\n\n[mail]\nhost = \"smtp.kreis.example\"\nfrom = \"ipoint <ipoint@kreis.example>\"\nusername = \"ipoint\"\n"), 0o640)
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_INBOX": "/srv/eingang", "IPOINT_MAIL_PASSWORD": "Geheim-4711",
		"IPOINT_KEY": strings.Repeat("ab", 32), "IPOINT_MAIL_ALERTS": "a@kreis.example, b@kreis.example"}
	r := call(t, vars, "config")
	if r.code != exitOK {
		t.Fatalf("config: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{
		`inbox            = "/srv/eingang"`, "# IPOINT_INBOX",
		"k                = 5", "ipoint.toml:2",
		`alerts           = ["a@kreis.example", "b@kreis.example"]`,
		`password         = "<redacted>"`, "# IPOINT_MAIL_PASSWORD",
		"Umgebungsvariable IPOINT_KEY",
		`timezone         = "Europe/Berlin"`, "# Vorgabe",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("config output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, secret := range []string{"Geheim-4711", strings.Repeat("ab", 32)} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("a secret is printed: %s", r.stdout)
		}
	}
}

func TestInvalidConfigNamesKeyLineAndWhatIsAllowed(t *testing.T) {
	cases := []struct {
		name, file string
		vars       map[string]string
		want       []string
	}{
		{"unknown key", "[paths]\ninbox = \"x\"\ninbx = \"y\"\n", nil,
			[]string{"ipoint.toml:3", "unbekannter Schlüssel paths.inbx", "erlaubt: paths.inbox"}},
		{"wrong type", "[reports]\n\nk = \"drei\"\n", nil, []string{"ipoint.toml:3", "reports.k", "ganze Zahl"}},
		{"bad cron", "[schedule]\nnightly = \"30 25 * * *\"\n", nil, []string{"ipoint.toml:2", "schedule.nightly", "Cron-Ausdruck", "30 2 * * *"}},
		{"bad zone", "[schedule]\ntimezone = \"Europe/Siegen\"\n", nil, []string{"ipoint.toml:2", "schedule.timezone", "Europe/Berlin"}},
		{"threshold", "[reports]\nk = 2\n", nil, []string{"ipoint.toml:2", "reports.k", "3 bis 100"}},
		{"protection width", "[reports]\nk = 5\nwidth = 4\n", nil, []string{"ipoint.toml:3", "reports.width", "reports.k (5)"}},
		{"curve group", "", map[string]string{"IPOINT_REPORTS_MIN_GROUP": "10"}, []string{"IPOINT_REPORTS_MIN_GROUP", "reports.min_group", "ab 20"}},
		{"every", "[schedule]\nretention = \"@every 1h\"\n", nil, []string{"ipoint.toml:2", "schedule.retention", "Cron-Ausdruck"}},
		{"broken toml", "[mail\nhost = 1\n", nil, []string{"ipoint.toml:1", "kein gültiges TOML"}},
		{"env", "", map[string]string{"IPOINT_RETENTION_LAKE_DAYS": "fünf"}, []string{"IPOINT_RETENTION_LAKE_DAYS", "retention.lake_days", "keine ganze Zahl"}},
		{"env range", "", map[string]string{"IPOINT_RETENTION_ARCHIVE_DAYS": "0"}, []string{"IPOINT_RETENTION_ARCHIVE_DAYS", "1 bis 3660"}},
		{"lake below its minimum", "[retention]\nlake_days = 30\n", nil, []string{"ipoint.toml:2", "retention.lake_days", "Mindestfrist von 365 Tagen", "retention.below_minimum"}},
		{"archive below its minimum", "", map[string]string{"IPOINT_RETENTION_ARCHIVE_DAYS": "3"}, []string{"IPOINT_RETENTION_ARCHIVE_DAYS", "Mindestfrist von 7 Tagen"}},
		{"confirmed, still in range", "[retention]\nbelow_minimum = true\nrejects_days = 0\n", nil, []string{"retention.rejects_days", "1 bis 3660"}},
		{"recipients without server", "[mail]\nalerts = [\"leitung@kreis.example\"]\n", nil, []string{"ipoint.toml:2", "mail.alerts", "mail.host"}},
		{"bad address", "[mail]\nhost = \"smtp\"\nfrom = \"ipoint@kreis.example\"\nweekly_report = [\"leitung at kreis\"]\n", nil,
			[]string{"ipoint.toml:4", "mail.weekly_report", "E-Mail-Adressen"}},
		{"monthly list without server", "", map[string]string{"IPOINT_MAIL_MONTHLY_REPORT": "leitung@kreis.example"},
			[]string{"IPOINT_MAIL_MONTHLY_REPORT", "mail.monthly_report", "mail.host"}},
		{"relative browser", "[mail]\nchromium = \"chromium\"\n", nil, []string{"ipoint.toml:2", "mail.chromium", "absolute Pfad", "/usr/bin/chromium"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			if c.file != "" {
				os.WriteFile(filepath.Join(home, "ipoint.toml"), []byte(c.file), 0o640)
			}
			vars := map[string]string{"IPOINT_HOME": home}
			for k, v := range c.vars {
				vars[k] = v
			}
			r := call(t, vars, "status")
			if r.code != exitUsage {
				t.Fatalf("code %d, want %d; %s", r.code, exitUsage, r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("message lacks %q: %s", w, r.stderr)
				}
			}
		})
	}
	// A config file named by IPOINT_CONFIG must exist; init writes it there.
	named := filepath.Join(t.TempDir(), "etc", "ipoint.toml")
	vars := map[string]string{"IPOINT_HOME": t.TempDir(), "IPOINT_CONFIG": named}
	if r := call(t, vars, "config"); r.code != exitUsage || !strings.Contains(r.stderr, "IPOINT_CONFIG") {
		t.Errorf("missing IPOINT_CONFIG file: %d %s", r.code, r.stderr)
	}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Errorf("init with IPOINT_CONFIG: %d %s", r.code, r.stderr)
	}
	if r := call(t, vars, "config"); r.code != exitOK || !strings.Contains(r.stdout, named) {
		t.Errorf("config after init: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// The README's configuration table names every setting, so that it stays true.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(readme), "`"+s.env+"`") {
			t.Errorf("README.md does not name %s (%s)", s.env, s.key)
		}
	}
}
