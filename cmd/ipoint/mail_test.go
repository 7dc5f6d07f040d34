package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/mail/mailtest"
	"ipoint/pipeline/runs"
	"ipoint/reports/browser"
)

// TestMailMonthlyReportsAndPDF plays the nights after November 2026 closed, with mail
// configured against a real SMTP server on loopback and the real Chromium:
//
//   - the first night the mail server is down: the Monatsbericht and the Verlaufsbericht
//     are published all the same, the run ends with problems (exit 3) and says in German
//     what failed, status lists it; nothing is recorded as sent;
//   - the next night mails them to mail.monthly_report, once: subject naming the month,
//     summary and key figures as text and as HTML, the reports as PDFs named by their
//     month (printed by Chromium: their text holds the reports' titles);
//   - a third night mails nothing more;
//   - the weekly job attaches the Wochenbericht as HTML when mail.chromium names no
//     browser (and says so), as a PDF with the real one, and, with the mail server down,
//     fails with a German message while the report stays published.
func TestMailMonthlyReportsAndPDF(t *testing.T) {
	chromium, err := browser.Path()
	if err != nil {
		t.Fatalf("the PDF attachments need Chromium (.ci/run installs it): %v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("reading the PDFs needs pdftotext (poppler-utils; .ci/run installs it): %v", err)
	}
	srv := mailtest.Start(t, mailtest.Config{NoAuth: true})
	home := t.TempDir()
	ca := filepath.Join(home, "mail-ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	const monthly, weekly, alerts = "leitung@kreis-si.example", "wochen@kreis-olpe.example", "it@kreis-si.example"
	vars := func(port int, chromium string) map[string]string {
		return map[string]string{"IPOINT_HOME": home, "IPOINT_MAIL_HOST": srv.Host, "IPOINT_MAIL_PORT": strconv.Itoa(port),
			"IPOINT_MAIL_CA_FILE": ca, "IPOINT_MAIL_FROM": "ipoint <ipoint@kreis-si.example>", "IPOINT_MAIL_ALERTS": alerts,
			"IPOINT_MAIL_WEEKLY_REPORT": weekly, "IPOINT_MAIL_MONTHLY_REPORT": monthly + ", controlling@kreis-olpe.example",
			"IPOINT_MAIL_CHROMIUM": chromium}
	}
	up, down := vars(srv.Port, chromium), vars(closedPort(t), chromium)
	// Deliveries from 25 October (the Monday before is the first of November's weeks)
	// to 7 December: November is complete (its last week ends on Sunday 6 December).
	for _, args := range [][]string{{"init"}, {"generate", "--days", "44", "--scale", "0.1", "--as-of", "2026-12-07"}} {
		if r := call(t, up, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	night := func(day int) time.Time { return time.Date(2026, 12, day, 1, 30, 0, 0, time.UTC) }
	to := func(addr string) []mailtest.Envelope {
		var out []mailtest.Envelope
		for _, m := range srv.Messages() {
			if len(m.To) > 0 && m.To[0] == addr {
				out = append(out, m)
			}
		}
		return out
	}
	record := filepath.Join(home, "state", "versandte-monatsberichte.json")
	archived := filepath.Join(home, "reports", "2026", "11")

	// Night 1: the mail server is down.
	r := callAt(t, down, night(8), "run")
	failed := fmt.Sprintf("Monatsbericht November 2026 nicht versandt: der Mailserver %s ist nicht erreichbar", down["IPOINT_MAIL_HOST"]+":"+down["IPOINT_MAIL_PORT"])
	if r.code != exitProblems || !strings.Contains(r.stdout, failed) || !strings.Contains(r.stderr, "beendet mit Problemen") ||
		!strings.Contains(r.stderr, failed) || !strings.Contains(r.stdout, "der nächste nächtliche Lauf versucht den Versand erneut") {
		t.Fatalf("a night with the mail server down: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, english := range []string{"connection refused", "dial tcp"} {
		if strings.Contains(r.stdout, english) {
			t.Errorf("staff read the English detail %q:\n%s", english, r.stdout)
		}
	}
	for _, f := range []string{"monatsbericht.html", "verlaufsbericht.html"} {
		if _, err := os.Stat(filepath.Join(archived, f)); err != nil {
			t.Errorf("not published when the mail server was down: %v", err)
		}
	}
	if _, err := os.Stat(record); !os.IsNotExist(err) {
		t.Errorf("a month recorded as sent although the mail failed: %v", err)
	}
	history, _, err := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	last := history[len(history)-1]
	if st := last.Stages[len(last.Stages)-1]; st.Name != "mail" || st.Outcome != "problems" || !strings.Contains(st.Note, failed) {
		t.Errorf("the failed mail in the run history: %+v", last.Stages)
	}
	if len(srv.Messages()) != 0 {
		t.Fatalf("%d mails arrived from a night the server was down", len(srv.Messages()))
	}
	if st := callAt(t, down, night(8).Add(5*time.Hour), "status"); !strings.Contains(st.stdout, "Versand im nächtlichen Lauf") ||
		!strings.Contains(st.stdout, failed) {
		t.Errorf("status does not list the month not mailed:\n%s", st.stdout)
	}

	// Night 2: the server is up; the month goes out.
	r = callAt(t, up, night(9), "run")
	if r.code != exitOK && r.code != exitProblems || !strings.Contains(r.stdout, "Monatsbericht und Verlaufsbericht November 2026 an 2 Empfänger versandt (PDF).") {
		t.Fatalf("the night after: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	msgs := to(monthly)
	if len(msgs) != 1 || len(msgs[0].To) != 2 {
		t.Fatalf("%d monthly mails, want 1 to both addresses", len(msgs))
	}
	subject, body, files := readMail(t, msgs[0].Data)
	page := readHTMLPart(t, msgs[0].Data)
	if subject != "Monatsbericht November 2026 – Integration Point Siegen-Wittgenstein/Olpe" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"der Monat November 2026 ist abgeschlossen", "der Monatsbericht (November 2026, 01.11.–30.11.2026)",
		"der Verlaufsbericht (Zugangskohorten bis Ende November 2026)", "Die Kennzahlen", "als PDF-Dateien angehängt", "unter 3 Fällen"} {
		if !strings.Contains(body, want) || !strings.Contains(page, want) {
			t.Errorf("the monthly mail's text or HTML lacks %q:\n%s\n%s", want, body, page)
		}
	}
	// The key figures as the report shows them, together and per Kreis, and the summary.
	figure := regexp.MustCompile(`Neue Zugänge: [0-9.*-]+ \(Siegen-Wittgenstein [0-9.*-]+, Olpe [0-9.*-]+\)`)
	sentence := regexp.MustCompile(`betreute der Integration Point [0-9.]+ Kunden\.`)
	if !regexp.MustCompile(`\n  - `+figure.String()).MatchString(body) || !sentence.MatchString(body) {
		t.Errorf("the text body lacks the key figures or the summary:\n%s", body)
	}
	if !regexp.MustCompile(`<li>`+figure.String()+`</li>`).MatchString(page) || !sentence.MatchString(page) || !strings.HasPrefix(page, "<!DOCTYPE html>") {
		t.Errorf("the HTML body lacks the key figures or the summary:\n%s", page)
	}
	if kdnr := regexp.MustCompile(`\b[0-9]{3}[A-Za-z][0-9]{6}\b`).FindString(body + page); kdnr != "" {
		t.Errorf("the mail holds something shaped like a Kundennummer: %s", kdnr)
	}
	if len(files) != 2 {
		t.Errorf("attachments %v, want the two reports", keys(files))
	}
	for name, title := range map[string]string{"monatsbericht_2026-11.pdf": "Monatsbericht", "verlaufsbericht_2026-11.pdf": "Verlaufsbericht"} {
		if text := pdfText(t, files[name]); !strings.Contains(text, title) || !strings.Contains(text, "November 2026") {
			t.Errorf("%s: the PDF's text lacks %q and the month:\n%.600s", name, title, text)
		}
	}
	var rec monthRecordFile
	if b, err := os.ReadFile(record); err != nil || json.Unmarshal(b, &rec) != nil {
		t.Fatalf("no record of the month sent: %v", err)
	}
	if s, ok := rec.Months["2026-11"]; !ok || s.Recipients != 2 || !s.Sent.Equal(night(9)) || len(s.Files) != 2 {
		t.Errorf("record %+v", rec)
	}

	if st := callAt(t, up, night(9).Add(5*time.Hour), "status"); strings.Contains(st.stdout, "Versand im nächtlichen Lauf") {
		t.Errorf("status still lists the month mailed:\n%s", st.stdout)
	}

	// Night 3: nothing more goes out for November.
	if r := callAt(t, up, night(10), "run"); strings.Contains(r.stdout, "versandt") || len(to(monthly)) != 1 {
		t.Errorf("November mailed again: %d mails\n%s", len(to(monthly)), r.stdout)
	}

	// The Wochenbericht without a browser: HTML, and a note that says why.
	missing := filepath.Join(home, "kein-chromium", "chromium")
	r = callAt(t, vars(srv.Port, missing), night(14), "report", "--versenden")
	if r.code != exitOK || !strings.Contains(r.stdout, "an 1 Empfänger versandt (HTML)") ||
		!strings.Contains(r.stdout, "Hinweis: der Bericht geht als HTML-Datei mit, nicht als PDF: mail.chromium "+missing+" ist nicht vorhanden") {
		t.Fatalf("weekly without Chromium: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stored := filepath.Join(home, "reports", "2026", "KW49", "wochenbericht.html")
	want, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	_, body, files = readMail(t, to(weekly)[0].Data)
	if !bytes.Equal(files["wochenbericht_2026-KW49.html"], want) || len(files) != 1 || !strings.Contains(body, "ohne Internetverbindung") {
		t.Errorf("weekly HTML attachment: %v\n%s", keys(files), body)
	}
	history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if st := history[len(history)-1].Stages; st[len(st)-1].Note != "an 1 Empfänger, als HTML (mail.chromium "+missing+" ist nicht vorhanden oder nicht ausführbar)" {
		t.Errorf("weekly stages %+v", st)
	}

	// With the real Chromium: a PDF of the Wochenbericht.
	if r := callAt(t, up, night(14), "report", "--versenden"); r.code != exitOK || !strings.Contains(r.stdout, "an 1 Empfänger versandt (PDF)") {
		t.Fatalf("weekly with Chromium: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	_, body, files = readMail(t, to(weekly)[1].Data)
	if text := pdfText(t, files["wochenbericht_2026-KW49.pdf"]); !strings.Contains(text, "Wochenbericht") || !strings.Contains(text, "KW 49/2026") ||
		!strings.Contains(body, "als PDF-Datei angehängt") {
		t.Errorf("weekly PDF: %v\n%s\n%.600s", keys(files), body, text)
	}

	// The mail server down on a Monday: the job fails, says why in German, the report stays.
	r = callAt(t, down, night(14), "report", "--versenden")
	if r.code != exitFailure || !strings.Contains(r.stderr, "Die Mail wurde nicht versandt: der Mailserver") ||
		!strings.Contains(r.stderr, "der Wochenbericht KW 49/2026, 30.11.–06.12.2026 ist veröffentlicht ("+stored+")") {
		t.Errorf("weekly with the mail server down: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got, err := os.ReadFile(stored); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the Wochenbericht changed or went: %v", err)
	}
	if n := len(to(weekly)); n != 2 {
		t.Errorf("%d weekly mails, want 2", n)
	}
}

// closedPort is a loopback port nothing listens on: connecting is refused.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// readHTMLPart is a message's text/html body ("" if it has none).
func readHTMLPart(t *testing.T, data []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(r io.Reader, ct, enc string) string
	walk = func(r io.Reader, ct, enc string) string {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(mt, "multipart/"):
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return ""
				}
				if err != nil {
					t.Fatal(err)
				}
				if p.Header.Get("Content-Disposition") != "" && !strings.HasPrefix(p.Header.Get("Content-Disposition"), "inline") {
					continue
				}
				if s := walk(p, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding")); s != "" {
					return s
				}
			}
		case mt == "text/html":
			return strings.ReplaceAll(string(decodePart(t, r, enc)), "\r\n", "\n")
		}
		return ""
	}
	return walk(msg.Body, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"))
}

// pdfText checks that b is a PDF and returns its text (pdftotext).
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", b)
	}
	f := filepath.Join(t.TempDir(), "anhang.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
