package mail_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
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
	testUser     = "ipoint-versand"
	testPassword = "Geheim-Pässwort-7§"
)

// serverConfig describes a test server. The zero value offers STARTTLS and AUTH
// PLAIN (only after STARTTLS) and accepts mail only from an authenticated client.
type serverConfig struct {
	noStartTLS bool     // offer no STARTTLS; AUTH is then offered in clear text
	mechs      []string // AUTH mechanisms offered; nil: PLAIN
	noAuth     bool     // accept mail without AUTH (and offer none)
	stallIn    string   // "mail" or "data": block there until the test ends
	certNames  []string // the server certificate's DNS names; nil: 127.0.0.1, ::1, localhost
	dropAfter  bool     // accept the message, then drop the connection (no answer to QUIT)
}

// envelope is a message the server accepted.
type envelope struct {
	from string
	to   []string
	data []byte
	tls  bool   // the message came over a TLS connection
	user string // who had authenticated
}

// testServer is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 with
// a certificate made for the test.
type testServer struct {
	host  string
	port  int
	roots *x509.CertPool // trusts the server's certificate

	cfg     serverConfig
	reached chan struct{} // a session arrived where cfg.stallIn says
	hungUp  chan struct{} // a connection was closed
	release chan struct{} // closed when the test ends

	mu        sync.Mutex
	delivered []envelope
	auths     []string     // mechanisms clients tried
	fromPeers bytes.Buffer // every byte clients sent, as it crossed the wire
}

func startServer(t *testing.T, cfg serverConfig) *testServer {
	t.Helper()
	cert, roots := newCertificate(t, "ipoint test SMTP", cfg.certNames...)
	s := &testServer{
		host:    "127.0.0.1",
		roots:   roots,
		cfg:     cfg,
		reached: make(chan struct{}, 1),
		hungUp:  make(chan struct{}, 16),
		release: make(chan struct{}),
	}
	if s.cfg.mechs == nil && !s.cfg.noAuth {
		s.cfg.mechs = []string{sasl.Plain}
	}

	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "mail.test"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 8 << 20
	srv.MaxRecipients = 50
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are the point of some tests
	if cfg.noStartTLS {
		srv.AllowInsecureAuth = true // would take a password in clear text
	} else {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
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

func (s *testServer) messages() []envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]envelope(nil), s.delivered...)
}

func (s *testServer) authAttempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// clientBytes is what clients sent: readable up to STARTTLS, ciphertext after it.
func (s *testServer) clientBytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.fromPeers.Bytes())
}

func (s *testServer) stall() {
	select {
	case s.reached <- struct{}{}:
	default:
	}
	<-s.release
}

func (s *testServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

type session struct {
	srv  *testServer
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return ss.srv.cfg.mechs }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.srv.mu.Lock()
	ss.srv.auths = append(ss.srv.auths, mech)
	ss.srv.mu.Unlock()
	check := func(username, password string) error {
		if username != testUser || password != testPassword {
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
	if ss.user == "" && !ss.srv.cfg.noAuth {
		return smtp.ErrAuthRequired
	}
	if ss.srv.cfg.stallIn == "mail" {
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
	if ss.srv.cfg.stallIn == "data" {
		ss.srv.stall()
		return errors.New("test ended")
	}
	_, isTLS := ss.conn.TLSConnectionState()
	if ss.srv.cfg.dropAfter {
		// The reply to DATA still goes out; the next command (QUIT) finds the
		// connection gone.
		raw := ss.conn.Conn()
		if tc, ok := raw.(*tls.Conn); ok {
			raw = tc.NetConn()
		}
		raw.(*recordingConn).dropOnRead.Store(true)
	}
	ss.srv.mu.Lock()
	ss.srv.delivered = append(ss.srv.delivered, envelope{
		from: ss.from, to: ss.to, data: data, tls: isTLS, user: ss.user,
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
	case ss.srv.hungUp <- struct{}{}:
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
	srv *testServer
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
	srv        *testServer
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

// newCertificate makes a self-signed ECDSA certificate for the DNS names given, or
// else for 127.0.0.1, ::1 and localhost, and a pool that trusts it.
func newCertificate(t *testing.T, name string, dnsNames ...string) (tls.Certificate, *x509.CertPool) {
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
