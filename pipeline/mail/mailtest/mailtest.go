// Package mailtest is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 for
// tests, with a certificate made for the test, STARTTLS and AUTH: the mail package's
// tests and the command's notification tests run against it.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The one account the test servers know.
const (
	User     = "ipoint-versand"
	Password = "Geheim-Pässwort-7§"
)

// Config describes a test server. The zero value offers STARTTLS and AUTH
// PLAIN (only after STARTTLS) and accepts mail only from an authenticated client.
type Config struct {
	NoStartTLS bool     // offer no STARTTLS; AUTH is then offered in clear text
	Mechs      []string // AUTH mechanisms offered; nil: PLAIN
	NoAuth     bool     // accept mail without AUTH (and offer none)
	StallIn    string   // "mail" or "data": block there until the test ends
	CertNames  []string // the server certificate's DNS names; nil: 127.0.0.1, ::1, localhost
	DropAfter  bool     // accept the message, then drop the connection (no answer to QUIT)
}

// Envelope is a message the server accepted.
type Envelope struct {
	From string
	To   []string
	Data []byte
	TLS  bool   // the message came over a TLS connection
	User string // who had authenticated
}

// Server is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 with
// a certificate made for the test.
type Server struct {
	Host  string
	Port  int
	Roots *x509.CertPool // trusts the server's certificate
	CAPEM []byte         // the same, as PEM (for a CA file)

	cfg     Config
	Reached chan struct{} // a session arrived where cfg.StallIn says
	HungUp  chan struct{} // a connection was closed
	release chan struct{} // closed when the test ends

	mu        sync.Mutex
	delivered []Envelope
	auths     []string     // mechanisms clients tried
	fromPeers bytes.Buffer // every byte clients sent, as it crossed the wire
}

func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	cert, roots := NewCertificate(t, "ipoint test SMTP", cfg.CertNames...)
	s := &Server{
		Host:    "127.0.0.1",
		Roots:   roots,
		CAPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}),
		cfg:     cfg,
		Reached: make(chan struct{}, 1),
		HungUp:  make(chan struct{}, 16),
		release: make(chan struct{}),
	}
	if s.cfg.Mechs == nil && !s.cfg.NoAuth {
		s.cfg.Mechs = []string{sasl.Plain}
	}

	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "mail.test"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 8 << 20
	srv.MaxRecipients = 50
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are the point of some tests
	if cfg.NoStartTLS {
		srv.AllowInsecureAuth = true // would take a password in clear text
	} else {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	served := make(chan error, 1)
	go func() { served <- srv.Serve(recordingListener{ln, s}) }()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = ln.Close() // in case Serve had not yet registered it when Close ran
		if err := <-served; err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			t.Errorf("test server: %v", err)
		}
	})
	t.Cleanup(func() { close(s.release) }) // runs first: unblock stalled sessions
	return s
}

func (s *Server) Messages() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Envelope(nil), s.delivered...)
}

func (s *Server) AuthAttempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// ClientBytes is what clients sent: readable up to STARTTLS, ciphertext after it.
func (s *Server) ClientBytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.fromPeers.Bytes())
}

func (s *Server) stall() {
	select {
	case s.Reached <- struct{}{}:
	default:
	}
	<-s.release
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return ss.srv.cfg.Mechs }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.srv.mu.Lock()
	ss.srv.auths = append(ss.srv.auths, mech)
	ss.srv.mu.Unlock()
	check := func(username, password string) error {
		if username != User || password != Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return smtp.ErrAuthFailed
			}
			return check(username, password)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.user == "" && !ss.srv.cfg.NoAuth {
		return smtp.ErrAuthRequired
	}
	if ss.srv.cfg.StallIn == "mail" {
		ss.srv.stall()
		return errors.New("test ended")
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.srv.cfg.StallIn == "data" {
		ss.srv.stall()
		return errors.New("test ended")
	}
	_, isTLS := ss.conn.TLSConnectionState()
	if ss.srv.cfg.DropAfter {
		// The reply to DATA still goes out; the next command (QUIT) finds the
		// connection gone.
		raw := ss.conn.Conn()
		if tc, ok := raw.(*tls.Conn); ok {
			raw = tc.NetConn()
		}
		raw.(*recordingConn).dropOnRead.Store(true)
	}
	ss.srv.mu.Lock()
	ss.srv.delivered = append(ss.srv.delivered, Envelope{
		From: ss.from, To: ss.to, Data: data, TLS: isTLS, User: ss.user,
	})
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error {
	select {
	case ss.srv.HungUp <- struct{}{}:
	default:
	}
	return nil
}

// loginServer is the server side of AUTH LOGIN, which go-sasl offers only as a
// client: ask for the user name, then for the password.
type loginServer struct {
	check    func(username, password string) error
	step     int
	username string
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if len(response) > 0 { // an initial response carries the user name
			l.username = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.step++
		l.username = string(response)
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.check(l.username, string(response))
	}
	return nil, false, errors.New("unexpected response")
}

// recordingListener keeps a copy of every byte a client sends, so that a test can
// see what crossed the wire before TLS was up.
type recordingListener struct {
	net.Listener
	srv *Server
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: c, srv: l.srv}, nil
}

type recordingConn struct {
	net.Conn
	srv        *Server
	dropOnRead atomic.Bool // close instead of reading
}

func (c *recordingConn) Read(p []byte) (int, error) {
	if c.dropOnRead.Load() {
		_ = c.Conn.Close()
		return 0, net.ErrClosed
	}
	n, err := c.Conn.Read(p)
	c.srv.mu.Lock()
	c.srv.fromPeers.Write(p[:n])
	c.srv.mu.Unlock()
	return n, err
}

// NewCertificate makes a self-signed ECDSA certificate for the DNS names given, or
// else for 127.0.0.1, ::1 and localhost, and a pool that trusts it.
func NewCertificate(t testing.TB, name string, dnsNames ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if len(dnsNames) > 0 {
		tmpl.DNSNames = dnsNames
	} else {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
