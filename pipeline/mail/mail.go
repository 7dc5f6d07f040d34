// Package mail sends e-mail over SMTP: the notice to staff after a nightly run that
// failed or finished with problems, and the reports as attachments.
//
// It wraps one technology, github.com/wneessen/go-mail. The connection must be
// upgraded with STARTTLS before anything else is said: a server that does not offer
// it gets no credentials and no message. Certificates are verified against the system
// roots or the pool in Config.RootCAs.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Defaults for the zero values of Config.
const (
	DefaultPort    = 587 // message submission, RFC 6409
	DefaultTimeout = 30 * time.Second
)

// Config says where and as whom to send. The zero values of Port, Timeout and Now
// take the defaults.
type Config struct {
	Host     string
	Port     int    // default 587
	Username string // empty: no AUTH
	Password string
	From     string           // e.g. "ipoint <ipoint@kreis-si.de>"; also the envelope sender
	RootCAs  *x509.CertPool   // nil: the system roots
	Timeout  time.Duration    // default 30s: bounds the connect and the whole dialogue
	Now      func() time.Time // for the Date header; default time.Now
}

// Attachment is a file sent along, base64-encoded. An empty ContentType is guessed
// from the name's extension.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is one e-mail: a plain-text UTF-8 body, optionally the same content as HTML
// (the two travel as multipart/alternative, the HTML last, as the one a mail program
// prefers), and any attachments.
type Message struct {
	To          []string
	Subject     string
	Body        string
	HTML        string // a complete HTML document; "": text only
	Attachments []Attachment
}

// Send delivers m to all its recipients in one SMTP transaction. It returns nil once
// the server has accepted the message (even if the connection is lost after that),
// and an error otherwise: the server refused, or the dialogue broke off before the
// server's answer to the message. Cancelling ctx, or Config.Timeout passing, ends
// the dialogue at once.
func Send(ctx context.Context, c Config, m Message) error {
	c = c.withDefaults()
	if c.Host == "" {
		return errors.New("mail: no SMTP host configured")
	}
	msg, err := c.compose(m)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	conns := &connections{ctx: ctx}
	defer conns.closeAll()

	client, err := gomail.NewClient(c.Host, c.clientOptions(conns)...)
	if err != nil {
		return fmt.Errorf("mail: client for %s: %w", c.addr(), err)
	}
	err = client.DialAndSendWithContext(ctx, msg)
	switch {
	case err == nil:
		return nil
	case msg.IsDelivered():
		// The server answered 250 to the end of DATA: the message is its
		// responsibility now (RFC 5321, 4.1.1.4). Only the QUIT afterwards failed;
		// reporting that would make the caller send the message twice.
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("mail: send via %s: %w: %w", c.addr(), context.Cause(ctx), err)
	default:
		return fmt.Errorf("mail: send via %s: %w", c.addr(), err)
	}
}

func (c Config) withDefaults() Config {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c Config) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// clientOptions: STARTTLS mandatory, certificates verified, AUTH PLAIN preferred
// and LOGIN where that is all the server offers (both only ever inside TLS).
func (c Config) clientOptions(conns *connections) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(c.Port),
		gomail.WithTLSPolicy(gomail.TLSMandatory),
		gomail.WithTLSConfig(&tls.Config{
			ServerName: c.Host,
			RootCAs:    c.RootCAs,
			MinVersion: tls.VersionTLS12,
		}),
		// go-mail's own deadline per command, a backstop only: ctx, closing the
		// connection at c.Timeout, ends the dialogue first, so that the error says
		// which of the caller's cancellation or the timeout it was.
		gomail.WithTimeout(2 * c.Timeout),
		gomail.WithDialContextFunc(conns.dial),
	}
	if c.Username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(c.Username),
			gomail.WithPassword(c.Password),
		)
	}
	return opts
}

// compose builds the message: subject RFC 2047-encoded, body (and its HTML
// alternative) UTF-8 quoted-printable, attachments base64, a Date from c.Now and a Message-ID in the sender's domain.
func (c Config) compose(m Message) (*gomail.Msg, error) {
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", c.From, err)
	}
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipients")
	}
	msg := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent(),
	)
	msg.FromMailAddress(from)
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("mail: recipients: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(c.Now())
	msg.SetMessageIDWithValue(messageID(from.Address))
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for i, a := range m.Attachments {
		if a.Name == "" {
			return nil, fmt.Errorf("mail: attachment %d has no name", i+1)
		}
		var opts []gomail.FileOption
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), opts...)
	}
	return msg, nil
}

// messageID is unique (128 random bits) and names the sender's domain, not this
// machine's host name, which need not be a public name.
func messageID(sender string) string {
	domain := "localhost"
	if at := strings.LastIndexByte(sender, '@'); at >= 0 && at < len(sender)-1 {
		domain = sender[at+1:]
	}
	return rand.Text() + "@" + domain
}

// connections dials for the client and ties each connection to ctx: when ctx is
// cancelled or its deadline passes, the connection is closed, which ends whatever
// the client is waiting for. go-mail itself uses the context only for the dial and
// sets a deadline per command, so this is what bounds the whole dialogue. closeAll
// also closes a connection that go-mail leaves open when it gives up early (for
// example when the server offers no STARTTLS).
type connections struct {
	ctx   context.Context
	mu    sync.Mutex
	conns []net.Conn
	stops []func() bool
}

func (cs *connections) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(cs.ctx, func() { _ = conn.Close() })
	cs.mu.Lock()
	cs.conns = append(cs.conns, conn)
	cs.stops = append(cs.stops, stop)
	cs.mu.Unlock()
	return conn, nil
}

func (cs *connections) closeAll() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for i, conn := range cs.conns {
		cs.stops[i]()
		_ = conn.Close()
	}
}
