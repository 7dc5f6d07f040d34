package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"ipoint/pipeline/mail/mailtest"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ipmail "ipoint/pipeline/mail"
)

var sentAt = time.Date(2026, time.March, 2, 6, 15, 0, 0, time.FixedZone("CET", 3600))

func config(s *mailtest.Server) ipmail.Config {
	return ipmail.Config{
		Host:     s.Host,
		Port:     s.Port,
		Username: mailtest.User,
		Password: mailtest.Password,
		From:     "ipoint <ipoint@kreis-si.de>",
		RootCAs:  s.Roots,
		Timeout:  time.Minute,
		Now:      func() time.Time { return sentAt },
	}
}

// The notice after a failed night: German text that must survive every encoding
// step, with lines that QP has to break, protect or escape.
const (
	noticeSubject = "Nächtlicher Lauf fehlgeschlagen: 3 Dateien abgewiesen – Größe über 5 € (Straßenverzeichnis Köln/Düsseldorf)"
	noticeBody    = "Guten Morgen,\n\n" +
		"der nächtliche Lauf vom 01.03.2026 ist mit Problemen beendet worden.\n" +
		"Abgewiesene Zeilen: 17 (Geburtsjahr ungültig, Postleitzahl fehlt, Maßnahme unbekannt, Äußerung zu lang, Übertrag fehlerhaft).\n" +
		".Diese Zeile beginnt mit einem Punkt.\n" +
		"From here on: eine Zeile, die mit From beginnt.\n" +
		"Leerzeichen am Zeilenende bleiben erhalten:   \n" +
		"Kosten: 12,50 € – Grüße aus Siegen, ẞ und ß.\n"
)

func TestSendDeliversGermanNoticeWithAttachments(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{})
	report := weeklyReport()
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	m := ipmail.Message{
		To:      []string{"leitung@kreis-si.de", "Controlling <controlling@kreis-si.de>", "statistik@kreis-si.de"},
		Subject: noticeSubject,
		Body:    noticeBody,
		Attachments: []ipmail.Attachment{
			{Name: "wochenbericht-2026-KW09.html", ContentType: "text/html; charset=utf-8", Data: report},
			{Name: "Prüfliste März.bin", ContentType: "application/x-ipoint-pruefliste", Data: binary},
			{Name: "Anlage.pdf", Data: []byte("%PDF-1.4\n%äöü\n")}, // type from the extension
		},
	}
	wantTypes := []string{"text/html; charset=utf-8", "application/x-ipoint-pruefliste", "application/pdf"}
	if err := ipmail.Send(context.Background(), config(s), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d Messages, want 1", len(got))
	}
	env := got[0]
	if !env.TLS {
		t.Error("message did not come over TLS")
	}
	if env.User != mailtest.User {
		t.Errorf("authenticated as %q, want %q", env.User, mailtest.User)
	}
	if a := s.AuthAttempts(); !slices.Equal(a, []string{"PLAIN"}) {
		t.Errorf("AUTH attempts %q, want [PLAIN]", a)
	}
	if env.From != "ipoint@kreis-si.de" {
		t.Errorf("mailtest.Envelope sender %q", env.From)
	}
	wantRcpt := []string{"leitung@kreis-si.de", "controlling@kreis-si.de", "statistik@kreis-si.de"}
	if !slices.Equal(env.To, wantRcpt) {
		t.Errorf("mailtest.Envelope recipients %q, want %q", env.To, wantRcpt)
	}
	for i, b := range env.Data {
		if b >= 0x80 {
			t.Fatalf("byte %d of the message is not 7-bit (%#x): everything should be encoded", i, b)
		}
	}
	assertCleartext(t, s)

	msg, err := mail.ReadMessage(bytes.NewReader(env.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	var dec mime.WordDecoder
	if subj, err := dec.DecodeHeader(h.Get("Subject")); err != nil || subj != noticeSubject {
		t.Errorf("Subject decodes to %q (%v), want %q; raw %q", subj, err, noticeSubject, h.Get("Subject"))
	}
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "ipoint" || from[0].Address != "ipoint@kreis-si.de" {
		t.Errorf("From %v (%v)", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil {
		t.Fatal(err)
	}
	var toAddrs []string
	for _, a := range to {
		toAddrs = append(toAddrs, a.Address)
	}
	if !slices.Equal(toAddrs, wantRcpt) {
		t.Errorf("To header %q, want %q", toAddrs, wantRcpt)
	}
	if date, err := h.Date(); err != nil || !date.Equal(sentAt) {
		t.Errorf("Date %v (%v), want %v", date, err, sentAt)
	}
	if id := h.Get("Message-Id"); !regexp.MustCompile(`^<[A-Za-z0-9]{20,}@kreis-si\.de>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}

	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q (%v)", h.Get("Content-Type"), err)
	}
	parts := readParts(t, multipart.NewReader(msg.Body, params["boundary"]))
	if len(parts) != 1+len(m.Attachments) {
		t.Fatalf("%d MIME parts, want body and %d attachments", len(parts), len(m.Attachments))
	}

	body := parts[0]
	if mt, p, _ := mime.ParseMediaType(body.header.Get("Content-Type")); mt != "text/plain" || !strings.EqualFold(p["charset"], "utf-8") {
		t.Errorf("body Content-Type %q", body.header.Get("Content-Type"))
	}
	if cte := body.header.Get("Content-Transfer-Encoding"); !strings.EqualFold(cte, "quoted-printable") {
		t.Errorf("body Content-Transfer-Encoding %q", cte)
	}
	// A text/plain body travels with CRLF line ends (RFC 2046); its lines are exact.
	if got := strings.ReplaceAll(string(body.data), "\r\n", "\n"); got != noticeBody {
		t.Errorf("body decodes to\n%q\nwant\n%q", got, noticeBody)
	}

	for i, want := range m.Attachments {
		p := parts[i+1]
		if !bytes.Equal(p.data, want.Data) {
			t.Errorf("attachment %d: %d bytes arrived, want %d, or they differ", i, len(p.data), len(want.Data))
		}
		if cte := p.header.Get("Content-Transfer-Encoding"); !strings.EqualFold(cte, "base64") {
			t.Errorf("attachment %d: Content-Transfer-Encoding %q", i, cte)
		}
		disp, dparams, err := mime.ParseMediaType(p.header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" {
			t.Errorf("attachment %d: Content-Disposition %q (%v)", i, p.header.Get("Content-Disposition"), err)
		}
		if name, err := dec.DecodeHeader(dparams["filename"]); err != nil || name != want.Name {
			t.Errorf("attachment %d: filename %q (%v), want %q", i, name, err, want.Name)
		}
		ct, cparams, err := mime.ParseMediaType(p.header.Get("Content-Type"))
		wantCT, wantParams, _ := mime.ParseMediaType(wantTypes[i])
		if err != nil || ct != wantCT {
			t.Errorf("attachment %d: Content-Type %q (%v), want %q", i, p.header.Get("Content-Type"), err, wantTypes[i])
		}
		for k, v := range wantParams {
			if cparams[k] != v {
				t.Errorf("attachment %d: Content-Type parameter %s=%q, want %q", i, k, cparams[k], v)
			}
		}
	}
}

func TestSendLoginWhenServerOffersOnlyLogin(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{Mechs: []string{"LOGIN"}})
	if err := ipmail.Send(context.Background(), config(s), notice("leitung@kreis-si.de")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if a := s.AuthAttempts(); !slices.Equal(a, []string{"LOGIN"}) {
		t.Errorf("AUTH attempts %q, want [LOGIN]", a)
	}
	if got := s.Messages(); len(got) != 1 || got[0].User != mailtest.User || !got[0].TLS {
		t.Errorf("delivered %+v, want one message over TLS from %s", got, mailtest.User)
	}
	assertCleartext(t, s)
}

func TestSendWithoutUsernameSkipsAuth(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{NoAuth: true})
	c := config(s)
	c.Username, c.Password = "", ""
	if err := ipmail.Send(context.Background(), c, notice("leitung@kreis-si.de")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if a := s.AuthAttempts(); len(a) != 0 {
		t.Errorf("AUTH attempted (%q) without a user name", a)
	}
	if got := s.Messages(); len(got) != 1 || !got[0].TLS {
		t.Errorf("delivered %+v, want one message over TLS", got)
	}
}

// Once the server has answered 250 to the message, it is delivered: a connection
// lost before QUIT's answer must not make the caller send it again.
func TestSendDeliveredWhenOnlyQuitFails(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{DropAfter: true})
	if err := ipmail.Send(context.Background(), config(s), notice("leitung@kreis-si.de")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := s.Messages(); len(got) != 1 {
		t.Fatalf("server received %d Messages, want 1", len(got))
	}
}

func TestSendWrongPassword(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{})
	c := config(s)
	c.Password = "Falsches-Pässwort-8§"
	err := ipmail.Send(context.Background(), c, notice("leitung@kreis-si.de"))
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	t.Logf("error: %v", err)
	assertNoSecret(t, err, c.Password)
	if a := s.AuthAttempts(); !slices.Equal(a, []string{"PLAIN"}) {
		t.Errorf("AUTH attempts %q, want [PLAIN]", a)
	}
	if got := s.Messages(); len(got) != 0 {
		t.Errorf("server received %d Messages", len(got))
	}
	assertCleartextFree(t, s, c.Password)
}

func TestSendRefusesServerWithoutStartTLS(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{NoStartTLS: true})
	err := ipmail.Send(context.Background(), config(s), notice("leitung@kreis-si.de"))
	if err == nil {
		t.Fatal("Send succeeded over a connection without STARTTLS")
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error does not name STARTTLS: %v", err)
	}
	assertNoSecret(t, err, mailtest.Password)
	if a := s.AuthAttempts(); len(a) != 0 {
		t.Errorf("AUTH attempted in clear text: %q", a)
	}
	if got := s.Messages(); len(got) != 0 {
		t.Errorf("server received %d Messages", len(got))
	}
	sent := string(s.ClientBytes())
	if !strings.Contains(sent, "EHLO") {
		t.Fatalf("the client never spoke to the server: %q", sent)
	}
	for _, cmd := range []string{"AUTH", "MAIL FROM", "RCPT TO", "DATA"} {
		if strings.Contains(strings.ToUpper(sent), cmd) {
			t.Errorf("client sent %s in clear text: %q", cmd, sent)
		}
	}
	assertCleartextFree(t, s, mailtest.Password)
	// Send leaves no connection behind: the server sees the client hang up. (The
	// bound only turns a leak into a failure rather than a hang.)
	select {
	case <-s.HungUp:
	case <-time.After(30 * time.Second):
		t.Error("the client left its connection open")
	}
}

func TestSendRejectsUntrustedCertificate(t *testing.T) {
	_, otherCA := mailtest.NewCertificate(t, "another CA")
	for _, tc := range []struct {
		name   string
		server mailtest.Config
		edit   func(*ipmail.Config)
	}{
		{"system roots", mailtest.Config{}, func(c *ipmail.Config) { c.RootCAs = nil }},
		{"another CA", mailtest.Config{}, func(c *ipmail.Config) { c.RootCAs = otherCA }},
		// Trusted, but made out for another host than the one dialled.
		{"another host", mailtest.Config{CertNames: []string{"mail.kreis-si.de"}}, func(*ipmail.Config) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mailtest.Start(t, tc.server)
			c := config(s)
			tc.edit(&c)
			err := ipmail.Send(context.Background(), c, notice("leitung@kreis-si.de"))
			if err == nil {
				t.Fatal("Send succeeded with a certificate it must not trust")
			}
			t.Logf("error: %v", err)
			var verr *tls.CertificateVerificationError
			if !errors.As(err, &verr) && !strings.Contains(err.Error(), "certificate") {
				t.Errorf("error does not say the certificate failed: %v", err)
			}
			assertNoSecret(t, err, mailtest.Password)
			if a := s.AuthAttempts(); len(a) != 0 {
				t.Errorf("AUTH attempted: %q", a)
			}
			if got := s.Messages(); len(got) != 0 {
				t.Errorf("server received %d Messages", len(got))
			}
			assertCleartextFree(t, s, mailtest.Password)
		})
	}
}

func TestSendCancelled(t *testing.T) {
	t.Run("before the start", func(t *testing.T) {
		s := mailtest.Start(t, mailtest.Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := ipmail.Send(ctx, config(s), notice("leitung@kreis-si.de"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send = %v, want context.Canceled", err)
		}
		if sent := s.ClientBytes(); len(sent) != 0 {
			t.Errorf("client sent %q after cancellation", sent)
		}
	})
	t.Run("during the dialogue", func(t *testing.T) {
		s := mailtest.Start(t, mailtest.Config{StallIn: "mail"})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- ipmail.Send(ctx, config(s), notice("leitung@kreis-si.de")) }()
		select {
		case <-s.Reached: // the server holds the dialogue at MAIL FROM
		case err := <-done:
			t.Fatalf("Send returned before the server stalled: %v", err)
		}
		cancel()
		// The server never answers and mailtest.Config.Timeout is a minute: only the
		// cancellation can end Send. The bound below only turns a hang into a
		// failure; it says nothing about speed.
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Send did not return after its context was cancelled")
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send = %v, want context.Canceled", err)
		}
		t.Logf("error: %v", err)
		if got := s.Messages(); len(got) != 0 {
			t.Errorf("server received %d Messages", len(got))
		}
	})
}

func TestSendTimeoutBoundsTheDialogue(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{StallIn: "data"})
	c := config(s)
	c.Timeout = 2 * time.Second
	err := ipmail.Send(context.Background(), c, notice("leitung@kreis-si.de"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send = %v, want context.DeadlineExceeded", err)
	}
	t.Logf("error: %v", err)
	if got := s.Messages(); len(got) != 0 {
		t.Errorf("server received %d Messages", len(got))
	}
}

func TestSendRejectsBadInput(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{})
	for _, tc := range []struct {
		name string
		edit func(*ipmail.Config, *ipmail.Message)
	}{
		{"no recipients", func(_ *ipmail.Config, m *ipmail.Message) { m.To = nil }},
		{"bad recipient", func(_ *ipmail.Config, m *ipmail.Message) { m.To = []string{"leitung at kreis-si.de"} }},
		{"bad sender", func(c *ipmail.Config, _ *ipmail.Message) { c.From = "ipoint" }},
		{"no host", func(c *ipmail.Config, _ *ipmail.Message) { c.Host = "" }},
		{"nameless attachment", func(_ *ipmail.Config, m *ipmail.Message) {
			m.Attachments = []ipmail.Attachment{{ContentType: "text/html", Data: []byte("<p>")}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m := config(s), notice("leitung@kreis-si.de")
			tc.edit(&c, &m)
			err := ipmail.Send(context.Background(), c, m)
			if err == nil || !strings.HasPrefix(err.Error(), "mail: ") {
				t.Fatalf("Send = %v, want an error starting with \"mail: \"", err)
			}
			assertNoSecret(t, err, mailtest.Password)
		})
	}
	if sent := s.ClientBytes(); len(sent) != 0 {
		t.Errorf("client connected for a message it could not send: %q", sent)
	}
}

func notice(to ...string) ipmail.Message {
	return ipmail.Message{To: to, Subject: noticeSubject, Body: noticeBody}
}

// weeklyReport is about the size of the real one: a self-contained HTML page of a
// megabyte, German text and a long inline script without line breaks.
func weeklyReport() []byte {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>Wochenbericht KW 09/2026 – Übersicht</title>\n<script>")
	for b.Len() < 1<<20 {
		b.WriteString("var größe=[1,2,3],straße='Köln',summe='5 €';")
	}
	b.WriteString("</script></head><body><h1>Wochenbericht</h1><p>Zugänge, Abgänge, Bestand.</p></body></html>\n")
	return b.Bytes()
}

// readParts reads each part and undoes its Content-Transfer-Encoding itself, so
// that the test sees what the wire carried (multipart.Reader would silently decode
// quoted-printable and drop the header).
func readParts(t *testing.T, r *multipart.Reader) []partView {
	t.Helper()
	var parts []partView
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		var data []byte
		switch cte := strings.ToLower(p.Header.Get("Content-Transfer-Encoding")); cte {
		case "quoted-printable":
			data, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		case "base64":
			data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(raw, []byte("\r\n"), nil))))
		default:
			t.Fatalf("part with Content-Transfer-Encoding %q", cte)
		}
		if err != nil {
			t.Fatalf("decoding a %s part: %v", p.Header.Get("Content-Transfer-Encoding"), err)
		}
		parts = append(parts, partView{header: p.Header, data: data})
	}
}

type partView struct {
	header interface{ Get(string) string }
	data   []byte
}

// assertCleartext: before TLS the client said hello and asked for STARTTLS, nothing
// else; the password never crossed the wire readable.
func assertCleartext(t *testing.T, s *mailtest.Server) {
	t.Helper()
	sent := string(s.ClientBytes())
	i := strings.Index(sent, "STARTTLS\r\n")
	if i < 0 || !strings.HasPrefix(sent, "EHLO ") {
		t.Fatalf("client did not start with EHLO and STARTTLS: %q", sent[:min(len(sent), 200)])
	}
	if strings.Count(sent[:i], "\r\n") != 1 {
		t.Errorf("client said more than EHLO before STARTTLS: %q", sent[:i])
	}
	assertCleartextFree(t, s, mailtest.Password)
}

// assertCleartextFree: the secret appears in no readable form in what the client
// sent (as is, or base64 as AUTH PLAIN and LOGIN carry it).
func assertCleartextFree(t *testing.T, s *mailtest.Server, secret string) {
	t.Helper()
	sent := s.ClientBytes()
	for _, form := range []string{
		secret,
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.StdEncoding.EncodeToString([]byte("\x00" + mailtest.User + "\x00" + secret)),
	} {
		if bytes.Contains(sent, []byte(form)) {
			t.Errorf("the password crossed the wire readable (%q)", form)
		}
	}
}

func assertNoSecret(t *testing.T, err error, secret string) {
	t.Helper()
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error contains the password: %v", err)
	}
}

// TestSendTextAndHTML: a message with an HTML alternative travels as multipart/mixed
// holding multipart/alternative (text first, HTML last) and then the attachment; both
// bodies arrive exactly, German characters included.
func TestSendTextAndHTML(t *testing.T) {
	s := mailtest.Start(t, mailtest.Config{})
	const page = "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"></head><body>\n" +
		"<p>Guten Tag,</p>\n<ul><li>Neue Zugänge: 17 (Siegen-Wittgenstein 12, Olpe 5)</li><li>Größe: 5 €</li></ul>\n</body></html>\n"
	m := notice("leitung@kreis-si.de")
	m.HTML = page
	m.Attachments = []ipmail.Attachment{{Name: "monatsbericht_2026-11.pdf", Data: []byte("%PDF-1.4\n%äöü\n")}}
	if err := ipmail.Send(context.Background(), config(s), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	outer := multipart.NewReader(msg.Body, params["boundary"])
	alt, err := outer.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	amt, aparams, err := mime.ParseMediaType(alt.Header.Get("Content-Type"))
	if err != nil || amt != "multipart/alternative" {
		t.Fatalf("first part %q (%v), want multipart/alternative", alt.Header.Get("Content-Type"), err)
	}
	bodies := readParts(t, multipart.NewReader(alt, aparams["boundary"]))
	if len(bodies) != 2 {
		t.Fatalf("%d alternatives, want text and HTML", len(bodies))
	}
	for i, want := range []struct{ mt, body string }{{"text/plain", noticeBody}, {"text/html", page}} {
		if mt, p, _ := mime.ParseMediaType(bodies[i].header.Get("Content-Type")); mt != want.mt || !strings.EqualFold(p["charset"], "utf-8") {
			t.Errorf("alternative %d: Content-Type %q, want %s; charset=utf-8", i, bodies[i].header.Get("Content-Type"), want.mt)
		}
		if got := strings.ReplaceAll(string(bodies[i].data), "\r\n", "\n"); got != want.body {
			t.Errorf("alternative %d decodes to\n%q\nwant\n%q", i, got, want.body)
		}
	}
	rest := readParts(t, outer)
	if len(rest) != 1 || !bytes.Equal(rest[0].data, m.Attachments[0].Data) {
		t.Fatalf("%d parts after the bodies, want the attachment", len(rest))
	}
	if ct, _, _ := mime.ParseMediaType(rest[0].header.Get("Content-Type")); ct != "application/pdf" {
		t.Errorf("attachment Content-Type %q", rest[0].header.Get("Content-Type"))
	}
}
