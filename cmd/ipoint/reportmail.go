package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/jobs"
	"ipoint/pipeline/mail"
	"ipoint/reports"
	"ipoint/reports/browser"
	"ipoint/reports/german"
)

// The report mails: the Wochenbericht every week (ipoint report --versenden, to
// mail.weekly_report) and, once a month has closed, its Monatsbericht with the
// Verlaufsbericht (the nightly run, to mail.monthly_report, once per month). Each
// carries the report's summary and key figures in its body, as text and as HTML, and
// the reports as attachments named by their period: a PDF printed by Chromium where
// the server has one (mail.chromium), else the HTML file itself.

const office = "Integration Point Siegen-Wittgenstein/Olpe"

// mailWeekly sends one Wochenbericht to the distribution list.
func mailWeekly(ctx context.Context, h home, r jobs.Report) (string, error) {
	atts, format, why, err := reportAttachments(ctx, h, []string{r.Path})
	if err != nil {
		return "", err
	}
	b := reportBody{
		Subject: fmt.Sprintf("Wochenbericht %s – %s", r.Period, office),
		Intro:   fmt.Sprintf("anbei der Wochenbericht %s des %s.", r.Period, office),
		Files:   filesParagraph(format, 1, h.cfg.Reports.K),
	}
	b.Sentences, b.Figures = splitSummary(r.Summary)
	to := h.cfg.Mail.WeeklyReport
	if err := sendReportMail(ctx, h, to, b, atts); err != nil {
		var mf mailFailure
		if errors.As(err, &mf) {
			mf.staff += fmt.Sprintf("; der Wochenbericht %s ist veröffentlicht (%s), ipoint report --versenden versendet ihn erneut", r.Period, r.Path)
			return "", mf
		}
		return "", err
	}
	fmt.Fprintf(h.e.stdout, "Wochenbericht %s an %d Empfänger versandt (%s).\n", r.Period, len(to), format)
	return sentNote(len(to), format, why), nil
}

// monthMailDue says whether the nightly run's reports hold a Monatsbericht whose
// month has not been mailed yet. An unreadable record counts as due, so that the mail
// stage runs and says so (it sends nothing then).
func monthMailDue(h home, reps []jobs.Report) bool {
	m, ok := closedMonthOf(reps)
	if !ok {
		return false
	}
	rec, err := loadMonthRecord(h.monthRecord())
	if err != nil {
		return true
	}
	_, sent := rec.Months[m.key]
	return !sent
}

// mailMonthly sends a closed month's Monatsbericht and Verlaufsbericht to
// mail.monthly_report and records the month, so that it goes out once. Whatever goes
// wrong is a problem of the night (jobs.ProblemsError): the reports stay published and
// the next night tries again, as long as the month is not recorded.
func mailMonthly(ctx context.Context, h home, reps []jobs.Report) (string, error) {
	m, ok := closedMonthOf(reps)
	if !ok {
		return "", nil
	}
	problem := func(what string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		logger(h.e).Error("monthly report mail", "month", m.key, "err", err.Error())
		msg := fmt.Sprintf("Monatsbericht %s nicht versandt: %s; die Berichte sind veröffentlicht (%s), der nächste nächtliche Lauf "+
			"versucht den Versand erneut (sofort: ipoint run --force)", m.name, what, filepath.Dir(m.monthly.Path))
		fmt.Fprintln(h.e.stdout, msg+".")
		return jobs.ProblemsError{Msg: msg}
	}
	path := h.monthRecord()
	rec, err := loadMonthRecord(path)
	if err != nil {
		return "", problem(fmt.Sprintf("das Verzeichnis der versandten Monatsberichte %s ist nicht lesbar (aus der Sicherung zurückspielen oder, "+
			"wenn es beschädigt ist, entfernen: dann gehen die Berichte des letzten Monats noch einmal hinaus)", path), err)
	}
	if _, sent := rec.Months[m.key]; sent {
		return "", nil
	}
	paths := []string{m.monthly.Path}
	titles := "der Monatsbericht (" + m.monthly.Period + ")"
	what := "Monatsbericht"
	if m.cohorts != nil {
		paths = append(paths, m.cohorts.Path)
		titles += " und der Verlaufsbericht (" + m.cohorts.Period + ")"
		what = "Monatsbericht und Verlaufsbericht"
	}
	atts, format, why, err := reportAttachments(ctx, h, paths)
	if err != nil {
		return "", problem("die Berichte sind nicht lesbar", err)
	}
	b := reportBody{
		Subject: fmt.Sprintf("Monatsbericht %s – %s", m.name, office),
		Intro:   fmt.Sprintf("der Monat %s ist abgeschlossen. Anbei %s des %s.", m.name, titles, office),
		Files:   filesParagraph(format, len(atts), h.cfg.Reports.K),
	}
	b.Sentences, b.Figures = splitSummary(m.monthly.Summary)
	to := h.cfg.Mail.MonthlyReport
	if err := sendReportMail(ctx, h, to, b, atts); err != nil {
		staff := "die Mail wurde nicht versandt"
		var mf mailFailure
		if errors.As(err, &mf) {
			staff = mf.staff
		}
		return "", problem(staff, err)
	}
	fmt.Fprintf(h.e.stdout, "%s %s an %d Empfänger versandt (%s).\n", what, m.name, len(to), format)
	var names []string
	for _, a := range atts {
		names = append(names, a.Name)
	}
	if rec.Months == nil {
		rec.Months = map[string]monthSent{}
	}
	rec.Months[m.key] = monthSent{Sent: h.e.now().UTC(), Recipients: len(to), Files: names}
	if err := saveMonthRecord(path, rec); err != nil {
		return "", problem(fmt.Sprintf("die Mail ist hinausgegangen, aber nicht in %s verzeichnet: der nächste Lauf schickt sie noch einmal, "+
			"wenn das Verzeichnis bis dahin nicht beschreibbar ist", path), err)
	}
	return m.name + " " + sentNote(len(to), format, why), nil
}

// closedMonth is the month whose reports the nightly run published: its Monatsbericht
// and, with it, its Verlaufsbericht.
type closedMonth struct {
	key, name        string // "2026-11", "November 2026"
	monthly, cohorts *jobs.Report
}

// closedMonthOf finds the Monatsbericht among reps (the archive's layout names its month:
// 2026/11/monatsbericht.html) and the Verlaufsbericht of the same month.
func closedMonthOf(reps []jobs.Report) (closedMonth, bool) {
	var m closedMonth
	for i, r := range reps {
		if r.Kind == reports.KindMonthly && r.Path != "" {
			m.monthly = &reps[i]
		}
	}
	if m.monthly == nil {
		return m, false
	}
	dir := filepath.Dir(m.monthly.Path)
	year, err1 := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	month, err2 := strconv.Atoi(filepath.Base(dir))
	if err1 != nil || err2 != nil || month < 1 || month > 12 {
		return m, false
	}
	m.key = fmt.Sprintf("%04d-%02d", year, month)
	m.name = fmt.Sprintf("%s %d", german.MonthName(time.Month(month)), year)
	for i, r := range reps {
		if r.Kind == reports.KindCohorts && r.Path != "" && filepath.Dir(r.Path) == dir {
			m.cohorts = &reps[i]
		}
	}
	return m, true
}

// monthRecord is the record of the months whose reports went out.
func (h home) monthRecord() string {
	return filepath.Join(h.dir, "state", "versandte-monatsberichte.json")
}

// monthRecordFile is the record: per month ("2026-11"), when its reports went out, to
// how many recipients and as which files.
type monthRecordFile struct {
	Months map[string]monthSent `json:"monate"`
}

type monthSent struct {
	Sent       time.Time `json:"versandt"`
	Recipients int       `json:"empfaenger"`
	Files      []string  `json:"anhaenge"`
}

// loadMonthRecord reads the record; a missing file is an empty record.
func loadMonthRecord(path string) (monthRecordFile, error) {
	var rec monthRecordFile
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, nil
	}
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

func saveMonthRecord(path string, rec monthRecordFile) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o600)
}

// Attachment formats, as staff read them.
const (
	formatPDF  = "PDF"
	formatHTML = "HTML"
)

// reportAttachments makes the attachments for the reports at paths, named by their
// period: PDFs when Chromium prints them all, else the HTML files. why says in German
// why they are HTML although PDFs were wanted ("" when they are PDFs or mail.chromium
// is "-"); it is printed and logged.
func reportAttachments(ctx context.Context, h home, paths []string) (atts []mail.Attachment, format, why string, err error) {
	bin, why := chromium(h)
	if bin != "" {
		atts, err := printReports(ctx, bin, paths)
		if err == nil {
			return atts, formatPDF, "", nil
		}
		if ctx.Err() != nil {
			return nil, "", "", ctx.Err()
		}
		logger(h.e).Warn("reports not printed to PDF", "chromium", bin, "err", err.Error())
		why = fmt.Sprintf("Chromium (%s) konnte die Berichte nicht als PDF drucken, Einzelheiten im Protokoll", bin)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, "", "", err
		}
		atts = append(atts, mail.Attachment{Name: attachmentName(p), ContentType: "text/html; charset=utf-8", Data: data})
	}
	if why != "" {
		logger(h.e).Warn("reports attached as HTML", "why", why)
		what := "die Berichte gehen als HTML-Dateien"
		if len(paths) == 1 {
			what = "der Bericht geht als HTML-Datei"
		}
		fmt.Fprintf(h.e.stdout, "Hinweis: %s mit, nicht als PDF: %s.\n", what, why)
	}
	return atts, formatHTML, why, nil
}

// chromium is the browser that prints the reports to PDF: mail.chromium, or Chromium
// on the PATH (of the environment ipoint runs in). Without one, why says in German
// what is missing; with mail.chromium = "-" both are empty (HTML was chosen).
func chromium(h home) (bin, why string) {
	switch c := h.cfg.Mail.Chromium; c {
	case "-":
		return "", ""
	case "":
		bin, err := browser.Find(h.e.getenv("PATH"))
		if err != nil {
			return "", "kein Chromium auf dem Server gefunden (für PDF-Anhänge das Debian-Paket chromium installieren oder mail.chromium setzen)"
		}
		return bin, ""
	default:
		if !browser.Executable(c) {
			return "", fmt.Sprintf("mail.chromium %s ist nicht vorhanden oder nicht ausführbar", c)
		}
		return c, ""
	}
}

// printReports prints each report to PDF in a temporary folder and returns the PDFs.
func printReports(ctx context.Context, bin string, paths []string) ([]mail.Attachment, error) {
	dir, err := os.MkdirTemp("", "ipoint-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var atts []mail.Attachment
	for i, p := range paths {
		name := strings.TrimSuffix(attachmentName(p), ".html") + ".pdf"
		pdf := filepath.Join(dir, strconv.Itoa(i)+".pdf")
		if err := browser.PrintPDF(ctx, bin, p, pdf); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		data, err := os.ReadFile(pdf)
		if err != nil {
			return nil, err
		}
		atts = append(atts, mail.Attachment{Name: name, ContentType: "application/pdf", Data: data})
	}
	return atts, nil
}

// attachmentName names a report file by its period, so that a week's attachment does
// not overwrite last week's in a download folder: 2026/KW48/wochenbericht-v2.html is
// wochenbericht_2026-KW48-v2.html, 2026/11/monatsbericht.html monatsbericht_2026-11.html.
func attachmentName(path string) string {
	dir, file := filepath.Split(path)
	period := filepath.Base(filepath.Clean(dir))
	year := filepath.Base(filepath.Dir(filepath.Clean(dir)))
	stem, ext := strings.TrimSuffix(file, ".html"), ".html"
	version := ""
	if i := strings.LastIndex(stem, "-v"); i > 0 {
		stem, version = stem[:i], stem[i:]
	}
	return stem + "_" + year + "-" + period + version + ext
}

// sentNote is the mail stage's note in the run history.
func sentNote(recipients int, format, why string) string {
	note := fmt.Sprintf("an %d Empfänger, als %s", recipients, format)
	if why != "" {
		note += " (" + why + ")"
	}
	return note
}

// filesParagraph says what the attachments are and how small counts appear.
func filesParagraph(format string, n, k int) string {
	var s string
	switch {
	case format == formatPDF && n == 1:
		s = "Der Bericht ist als PDF-Datei angehängt, gesetzt für den Druck auf A4."
	case format == formatPDF:
		s = "Die Berichte sind als PDF-Dateien angehängt, gesetzt für den Druck auf A4."
	case n == 1:
		s = "Die Datei öffnet sich in jedem Browser, auch ohne Internetverbindung, und lässt sich auf A4 drucken."
	default:
		s = "Die Dateien öffnen sich in jedem Browser, auch ohne Internetverbindung, und lassen sich auf A4 drucken."
	}
	return s + fmt.Sprintf(" Kleine Fallzahlen sind nach den Geheimhaltungsregeln der Statistik der BA als * ausgewiesen (unter %d Fällen).", k)
}

// splitSummary separates a report's summary (reports.Published.Summary: the key
// figures first, then the sentences) into its sentences and its key figures. A
// sentence ends with a full stop; a key figure never does (its value is a number, *,
// - or a share).
func splitSummary(lines []string) (sentences, figures []string) {
	for _, l := range lines {
		if strings.HasSuffix(l, ".") {
			sentences = append(sentences, l)
		} else {
			figures = append(figures, l)
		}
	}
	return sentences, figures
}

// reportBody is a report mail's content, rendered as text and as HTML.
type reportBody struct {
	Subject   string
	Intro     string   // after "Guten Tag,"
	Sentences []string // what changed, in words
	Figures   []string // the key figures, "Name: zusammen (Kreis x, Kreis y)"
	Files     string   // what the attachments are
}

func (b reportBody) text() string {
	var s strings.Builder
	fmt.Fprintf(&s, "Guten Tag,\n\n%s\n\n", b.Intro)
	if len(b.Sentences) > 0 {
		fmt.Fprintf(&s, "%s\n\n", strings.Join(b.Sentences, " "))
	}
	if len(b.Figures) > 0 {
		s.WriteString("Die Kennzahlen (zusammen, in Klammern je Kreis):\n")
		for _, f := range b.Figures {
			fmt.Fprintf(&s, "  - %s\n", f)
		}
		s.WriteString("\n")
	}
	fmt.Fprintf(&s, "%s\n\nDiese Mail wurde von ipoint automatisch versandt.\n", b.Files)
	return s.String()
}

var reportMailHTML = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.45; color: #1a1a1a; max-width: 46em">
<p>Guten Tag,</p>
<p>{{.Intro}}</p>
{{- if .Sentences}}
<p>{{range $i, $s := .Sentences}}{{if $i}} {{end}}{{$s}}{{end}}</p>
{{- end}}
{{- if .Figures}}
<p style="margin-bottom: 0.3em"><strong>Die Kennzahlen</strong> (zusammen, in Klammern je Kreis):</p>
<ul style="margin-top: 0">
{{- range .Figures}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
<p>{{.Files}}</p>
<p style="color: #555; font-size: 13px">Diese Mail wurde von ipoint automatisch versandt.</p>
</body>
</html>
`))

func (b reportBody) html() (string, error) {
	var s bytes.Buffer
	if err := reportMailHTML.Execute(&s, b); err != nil {
		return "", err
	}
	return s.String(), nil
}

// sendReportMail sends a report mail with its text and HTML body.
func sendReportMail(ctx context.Context, h home, to []string, b reportBody, atts []mail.Attachment) error {
	html, err := b.html()
	if err != nil {
		return err
	}
	return sendMail(ctx, h, to, b.Subject, b.text(), html, atts)
}
