package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/mail/mailtest"
	"ipoint/pipeline/runs"
)

// TestNoticeAndWeeklyReportByMail runs the nightly job with mail configured against a
// real SMTP server on loopback (STARTTLS, AUTH): the run finishes with problems, so the
// notice goes to mail.alerts; then the Wochenbericht goes to the distribution list.
func TestNoticeAndWeeklyReportByMail(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{})
	home := t.TempDir()
	ca := filepath.Join(home, "mail-ca.pem")
	pw := filepath.Join(home, "secrets", "mail.pw")
	os.MkdirAll(filepath.Dir(pw), 0o700)
	os.WriteFile(ca, srv.CAPEM, 0o644)
	os.WriteFile(pw, []byte(mailtest.Password+"\n"), 0o600)
	vars := map[string]string{"IPOINT_HOME": home,
		"IPOINT_MAIL_HOST": srv.Host, "IPOINT_MAIL_PORT": strconv.Itoa(srv.Port), "IPOINT_MAIL_USERNAME": mailtest.User,
		"IPOINT_MAIL_PASSWORD_FILE": pw, "IPOINT_MAIL_CA_FILE": ca, "IPOINT_MAIL_FROM": "ipoint <ipoint@kreis-si.example>",
		"IPOINT_MAIL_ALERTS": "it@kreis-si.example", "IPOINT_MAIL_WEEKLY_REPORT": "leitung@kreis-si.example, ip@kreis-olpe.example"}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	r := call(t, vars, "run")
	if r.code != exitProblems {
		t.Fatalf("run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, mailtest.Password) {
		t.Error("the mail password was printed by the run")
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails after a run with problems, want 1", len(msgs))
	}
	notice := msgs[0]
	if !notice.TLS || notice.User != mailtest.User || len(notice.To) != 1 || notice.To[0] != "it@kreis-si.example" {
		t.Errorf("notice envelope: tls %v, user %q, to %v", notice.TLS, notice.User, notice.To)
	}
	subject, body, _ := readMail(t, notice.Data)
	if !strings.Contains(subject, "mit Problemen beendet") {
		t.Errorf("notice subject %q", subject)
	}
	for _, want := range []string{"Der nächtliche Lauf", "Zeilen abgewiesen", "Quarantäne", "Was zu tun ist", "ipoint status", ".grund.txt"} {
		if !strings.Contains(body, want) {
			t.Errorf("notice lacks %q:\n%s", want, body)
		}
	}
	if kdnr := regexp.MustCompile(`\b[0-9]{3}[A-Za-z][0-9]{6}\b`).FindString(body + subject); kdnr != "" {
		t.Errorf("the notice holds something shaped like a Kundennummer: %s", kdnr)
	}

	// A second run with nothing new and no problems sends nothing.
	if r := call(t, vars, "run"); r.code != exitOK || len(srv.Messages()) != 1 {
		t.Errorf("quiet run: code %d, %d mails", r.code, len(srv.Messages()))
	}

	r = call(t, vars, "report", "--versenden")
	if r.code != exitOK || !strings.Contains(r.stdout, "an 2 Empfänger versandt") {
		t.Fatalf("report --versenden: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	msgs = srv.Messages()
	if len(msgs) != 2 || len(msgs[1].To) != 2 {
		t.Fatalf("weekly mail: %d mails", len(msgs))
	}
	subject, body, files := readMail(t, msgs[1].Data)
	if !strings.HasPrefix(subject, "Wochenbericht KW") || !strings.Contains(body, "ohne Internetverbindung") ||
		!regexp.MustCompile(`- Betreute Kunden am Sonntag der Woche: [0-9.]+ \(Siegen-Wittgenstein [0-9.*]+, Olpe [0-9.*]+\)`).MatchString(body) ||
		!strings.Contains(body, "- Neue Zugänge: ") {
		t.Errorf("weekly mail: %q\n%s", subject, body)
	}
	stored, _ := filepath.Glob(filepath.Join(home, "reports", "2026", "KW*", "wochenbericht*.html"))
	if len(stored) == 0 {
		t.Fatal("no Wochenbericht in the archive")
	}
	want, _ := os.ReadFile(stored[len(stored)-1])
	if got := files[attachmentName(stored[len(stored)-1])]; !bytes.Equal(got, want) || !strings.HasPrefix(attachmentName(stored[len(stored)-1]), "wochenbericht_2026-KW") {
		t.Errorf("attachment: %d bytes, archived report %d bytes (files %v)", len(got), len(want), len(files))
	}
	if got := attachmentName(filepath.Join("reports", "2026", "KW48", "wochenbericht-v2.html")); got != "wochenbericht_2026-KW48-v2.html" {
		t.Errorf("attachment name %q", got)
	}
	// The password never reaches the output.
	if strings.Contains(r.stdout+r.stderr, mailtest.Password) {
		t.Error("the mail password was printed")
	}
}

// readMail decodes a message: subject, text body and attachments by file name.
func readMail(t *testing.T, data []byte) (subject, body string, files map[string][]byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(r io.Reader, mt string, params map[string]string, enc string, name string)
	walk = func(r io.Reader, mt string, params map[string]string, enc string, name string) {
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				pmt, pparams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
				_, dparams, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
				fname := dparams["filename"]
				if fname == "" {
					fname = pparams["name"]
				}
				walk(p, pmt, pparams, p.Header.Get("Content-Transfer-Encoding"), fname)
			}
		}
		b := decodePart(t, r, enc)
		switch {
		case name != "":
			files[name] = b
		case strings.HasPrefix(mt, "text/plain") && body == "":
			body = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
	walk(msg.Body, mt, params, msg.Header.Get("Content-Transfer-Encoding"), "")
	return subject, body, files
}

func decodePart(t *testing.T, r io.Reader, enc string) []byte {
	t.Helper()
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFailedAndCancelledRuns: a run that fails is recorded as failed with its error,
// mails the notice and shows in status and metrics; a cancelled run is recorded as
// cancelled and mails nothing.
func TestFailedAndCancelledRuns(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{NoAuth: true})
	home := t.TempDir()
	ca := filepath.Join(home, "mail-ca.pem")
	os.WriteFile(ca, srv.CAPEM, 0o644)
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_MAIL_HOST": srv.Host, "IPOINT_MAIL_PORT": strconv.Itoa(srv.Port),
		"IPOINT_MAIL_CA_FILE": ca, "IPOINT_MAIL_FROM": "ipoint@kreis-si.example", "IPOINT_MAIL_ALERTS": "it@kreis-si.example"}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	// A key file others can read: the ingest refuses it, the run fails.
	if err := os.Chmod(filepath.Join(home, "secrets", "pseudonym.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	const why = "für andere lesbar"
	r := call(t, vars, "run")
	if r.code != exitFailure || !strings.Contains(r.stderr, why) {
		t.Fatalf("run with a readable key: %d %s", r.code, r.stderr)
	}
	history, _, _ := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if len(history) != 1 || history[0].Outcome != runs.Failed || history[0].ExitCode != exitFailure ||
		!strings.Contains(history[0].Error, why) {
		t.Fatalf("failed run recorded as %+v", history)
	}
	if m := readMetrics(t, filepath.Join(home, "metrics", "ipoint_run.prom")); m["ipoint_last_run_exit_code"] != 1 ||
		m["ipoint_last_success_timestamp_seconds"] != 0 {
		t.Errorf("metrics after a failure: %v", m)
	}
	if msgs := srv.Messages(); len(msgs) != 1 {
		t.Fatalf("%d notices after a failed run", len(msgs))
	} else if subject, body, _ := readMail(t, msgs[0].Data); !strings.Contains(subject, "GESCHEITERT") || !strings.Contains(body, why) {
		t.Errorf("notice: %q\n%s", subject, body)
	}
	if st := call(t, vars, "status"); st.code != exitProblems || !strings.Contains(st.stdout, "ist GESCHEITERT") {
		t.Errorf("status after a failed run: %d\n%s", st.code, st.stdout)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, now: time.Now}
	if code := run(ctx, []string{"run"}, e); code != exitCancelled {
		t.Errorf("cancelled run: code %d, %s", code, errb.String())
	}
	history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if len(history) != 2 || history[1].Outcome != runs.Cancelled {
		t.Errorf("cancelled run recorded as %+v", history[len(history)-1])
	}
	if len(srv.Messages()) != 1 {
		t.Error("a cancelled run sent a notice")
	}
}
