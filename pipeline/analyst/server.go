// Package analyst is the analysts' door to the warehouse: a PostgreSQL wire protocol
// (v3) service with TLS and SCRAM-SHA-256, read-only and locked, that records every
// statement in the audit log before it runs.
package analyst

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/user"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Server serves the warehouse to analysts.
type Server struct {
	// Path is the warehouse file and Open opens it locked (warehouse.OpenLocked). A
	// rebuild or an erasure replaces the file; the next statement of every session
	// reads the new one, so that nothing erased stays visible.
	Path        string
	Open        func() (*sql.DB, error)
	TLS         *tls.Config // required on TCP
	Accounts    Accounts
	Audit       string        // audit/sql.jsonl
	Timeout     time.Duration // per statement (default 5 minutes)
	RowLimit    int           // rows per result (default 1,000,000)
	MaxSessions int           // sessions per analyst (default 4)
	Log         *slog.Logger
	Now         func() time.Time

	mockKey []byte      // for the salts of names without an account (see unknownVerifier)
	gen     *generation // the warehouse file as last opened

	mu       sync.Mutex
	sessions map[uint32]*session // by process id, for CancelRequest
	perName  map[string]int
	nextPID  uint32
	wg       sync.WaitGroup
}

func (s *Server) defaults() {
	if s.Timeout <= 0 {
		s.Timeout = 5 * time.Minute
	}
	if s.RowLimit <= 0 {
		s.RowLimit = 1_000_000
	}
	if s.MaxSessions <= 0 {
		s.MaxSessions = 4
	}
	if s.Log == nil {
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.mu.Lock()
	if s.mockKey == nil {
		s.mockKey = make([]byte, 32)
		rand.Read(s.mockKey)
	}
	if s.sessions == nil {
		s.sessions, s.perName = map[uint32]*session{}, map[string]int{}
	}
	s.mu.Unlock()
}

// Serve accepts connections on the listeners until ctx ends; then it closes them,
// cancels the running statements, ends every session and returns. A TCP listener's
// clients must use TLS and log in with a password; a unix socket's clients log in as
// the analyst of their operating-system account's name (peer credentials).
func (s *Server) Serve(ctx context.Context, lns ...net.Listener) error {
	if s.TLS == nil {
		return errors.New("analyst: TLS configuration missing")
	}
	s.defaults()
	g, err := s.generation() // the warehouse opens, or the service does not start
	if err != nil {
		return err
	}
	s.release(g)
	defer func() {
		s.mu.Lock()
		if s.gen != nil {
			s.gen.db.Close()
			s.gen = nil
		}
		s.mu.Unlock()
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(lns))
	for _, ln := range lns {
		go func() {
			<-ctx.Done()
			ln.Close()
		}()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					errs <- err
					cancel()
					return
				}
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					s.handle(ctx, c)
				}()
			}
		}()
	}
	var first error
	for range lns {
		if err := <-errs; first == nil {
			first = err
		}
	}
	s.wg.Wait()
	if ctx.Err() != nil && (first == nil || errors.Is(first, net.ErrClosed)) {
		return nil
	}
	return first
}

// Message size limits: before login a client sends a few short messages; after it, a
// statement and its parameters (which the audit log also holds).
const (
	maxStartupBody = 8 << 10
	maxSessionBody = 16 << 20
)

// pgError is an ErrorResponse's content.
func pgError(severity, code, msg string) *pgproto3.ErrorResponse {
	return &pgproto3.ErrorResponse{Severity: severity, SeverityUnlocalized: severity, Code: code, Message: msg}
}

func (s *Server) handle(ctx context.Context, c net.Conn) {
	defer c.Close()
	client := c.RemoteAddr().String()
	uc, local := c.(*net.UnixConn)
	if local {
		client = "[local]"
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			c.SetDeadline(time.Now()) // SIGTERM: end the session's reads and writes
		case <-done:
		}
	}()
	// The startup phase must not hang forever.
	c.SetDeadline(time.Now().Add(30 * time.Second))
	var conn net.Conn = c
	be := pgproto3.NewBackend(conn, conn)
	be.SetMaxBodyLen(maxStartupBody) // nobody reserves memory before logging in
	encrypted := false
	for i := 0; i < 4; i++ {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if encrypted {
				return
			}
			if local { // the socket needs no TLS: the kernel names the peer
				if _, err := conn.Write([]byte{'N'}); err != nil {
					return
				}
				continue
			}
			if _, err := conn.Write([]byte{'S'}); err != nil {
				return
			}
			tc := tls.Server(c, s.TLS)
			if err := tc.HandshakeContext(ctx); err != nil {
				s.Log.Info("TLS handshake failed", "client", client, "err", err)
				return
			}
			conn, encrypted = tc, true
			be = pgproto3.NewBackend(conn, conn)
			be.SetMaxBodyLen(maxStartupBody)
		case *pgproto3.GSSEncRequest:
			if _, err := conn.Write([]byte{'N'}); err != nil {
				return
			}
		case *pgproto3.CancelRequest:
			s.cancel(m.ProcessID, m.SecretKey)
			return
		case *pgproto3.StartupMessage:
			name := m.Parameters["user"]
			switch {
			case local:
				if !s.authenticatePeer(be, uc, name) {
					s.Log.Info("login refused", "client", client)
					return
				}
				be.Send(&pgproto3.AuthenticationOk{})
			case !encrypted:
				be.Send(pgError("FATAL", "28000", "Verbindung nur mit TLS: im Programm sslmode=require (oder verify-full) einstellen"))
				be.Flush()
				return
			case !s.authenticate(be, name):
				s.Log.Info("login refused", "client", client)
				return
			}
			c.SetDeadline(time.Time{})
			be.SetMaxBodyLen(maxSessionBody)
			s.session(ctx, be, conn, name, client)
			return
		default:
			return
		}
	}
}

// authenticate runs SCRAM-SHA-256; on failure the client gets FATAL 28P01.
func (s *Server) authenticate(be *pgproto3.Backend, name string) bool {
	fail := func() bool {
		be.Send(pgError("FATAL", "28P01", "Anmeldung fehlgeschlagen: Name oder Passwort falsch"))
		be.Flush()
		return false
	}
	v, known, err := s.Accounts.verifier(name)
	if err != nil {
		s.Log.Error("accounts file unreadable", "err", err)
		return fail()
	}
	if !known {
		v = unknownVerifier(s.mockKey, name)
	}
	be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if be.Flush() != nil {
		return false
	}
	if be.SetAuthType(pgproto3.AuthTypeSASL) != nil {
		return false
	}
	msg, err := be.Receive()
	if err != nil {
		return false
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || init.AuthMechanism != "SCRAM-SHA-256" {
		return fail()
	}
	sc := &scramServer{v: v}
	first, err := sc.first(init.Data)
	if err != nil {
		return fail()
	}
	be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(first)})
	if be.Flush() != nil || be.SetAuthType(pgproto3.AuthTypeSASLContinue) != nil {
		return false
	}
	msg, err = be.Receive()
	if err != nil {
		return false
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return fail()
	}
	final, err := sc.final(resp.Data)
	if err != nil || !known {
		return fail()
	}
	be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(final)})
	be.Send(&pgproto3.AuthenticationOk{})
	return true
}

// authenticatePeer admits a client of the unix socket as the analyst named like its
// operating-system account (the kernel's peer credentials), if that analyst has an
// account and the client asked for that name; otherwise the client gets FATAL 28000.
func (s *Server) authenticatePeer(be *pgproto3.Backend, c *net.UnixConn, name string) bool {
	fail := func(msg string) bool {
		be.Send(pgError("FATAL", "28000", msg))
		be.Flush()
		return false
	}
	uid, err := peerUID(c)
	if err != nil {
		s.Log.Error("peer credentials", "err", err)
		return fail("Anmeldung über den Socket fehlgeschlagen: das Betriebssystemkonto ist nicht feststellbar")
	}
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return fail(fmt.Sprintf("Anmeldung über den Socket fehlgeschlagen: Benutzernummer %d hat keinen Namen", uid))
	}
	if name != u.Username {
		return fail(fmt.Sprintf("Anmeldung über den Socket nur unter dem eigenen Namen (%s); für einen anderen Zugang über TCP mit Passwort verbinden", u.Username))
	}
	_, known, err := s.Accounts.verifier(name)
	if err != nil {
		s.Log.Error("accounts file unreadable", "err", err)
		return fail("Anmeldung fehlgeschlagen")
	}
	if !known {
		return fail(fmt.Sprintf("Anmeldung über den Socket fehlgeschlagen: %s hat keinen Analysezugang (ipoint analyst add %s)", name, name))
	}
	return true
}

// cancel interrupts the statement running in the session the key names.
func (s *Server) cancel(pid uint32, key []byte) {
	s.mu.Lock()
	ss := s.sessions[pid]
	s.mu.Unlock()
	if ss == nil || len(key) != 4 || binary.BigEndian.Uint32(key) != ss.secret {
		return
	}
	ss.cancelRunning()
}

// register admits a session if the analyst has fewer than MaxSessions.
func (s *Server) register(ss *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perName[ss.name] >= s.MaxSessions {
		return false
	}
	s.perName[ss.name]++
	s.nextPID++
	ss.pid = s.nextPID
	s.sessions[ss.pid] = ss
	return true
}

func (s *Server) unregister(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, ss.pid)
	s.perName[ss.name]--
}

func (s *Server) session(ctx context.Context, be *pgproto3.Backend, conn net.Conn, name, client string) {
	ss := &session{srv: s, be: be, name: name, client: client, stmts: map[string]*prepared{}, portals: map[string]*portal{}, txn: 'I'}
	var key [4]byte
	rand.Read(key[:])
	ss.secret = binary.BigEndian.Uint32(key[:])
	if !s.register(ss) {
		be.Send(pgError("FATAL", "53300", fmt.Sprintf("zu viele gleichzeitige Sitzungen für %s (höchstens %d); eine andere Verbindung schließen", name, s.MaxSessions)))
		be.Flush()
		return
	}
	defer s.unregister(ss)
	if err := ss.refresh(ctx); err != nil {
		be.Send(pgError("FATAL", "58000", "Auswertungsdatenbank nicht verfügbar"))
		be.Flush()
		s.Log.Error("warehouse connection", "err", err)
		return
	}
	defer ss.closeWarehouse()
	s.Log.Info("session start", "analyst", name, "client", client, "pid", ss.pid)
	for k, v := range map[string]string{"server_version": serverSettings["server_version"], "server_encoding": "UTF8",
		"client_encoding": "UTF8", "DateStyle": "ISO, MDY", "integer_datetimes": "on", "standard_conforming_strings": "on",
		"TimeZone": "UTC", "IntervalStyle": "postgres", "is_superuser": "off", "session_authorization": name,
		"default_transaction_read_only": "on", "application_name": ""} {
		be.Send(&pgproto3.ParameterStatus{Name: k, Value: v})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: ss.pid, SecretKey: key[:]})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	ss.loop(ctx)
	s.Log.Info("session end", "analyst", name, "pid", ss.pid)
}

// generation is one opening of the warehouse file, shared by the sessions that use it.
type generation struct {
	db   *sql.DB
	file os.FileInfo
	refs int
}

// generation returns the warehouse as the file is now (opening it anew after a
// rebuild replaced it), with a reference the caller releases.
func (s *Server) generation() (*generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := os.Stat(s.Path)
	if err != nil {
		return nil, err
	}
	if s.gen != nil && os.SameFile(st, s.gen.file) {
		s.gen.refs++
		return s.gen, nil
	}
	db, err := s.Open()
	if err != nil {
		return nil, err
	}
	old := s.gen
	s.gen = &generation{db: db, file: st, refs: 1}
	if old != nil && old.refs == 0 {
		old.db.Close()
	}
	s.Log.Info("warehouse opened", "path", s.Path)
	return s.gen, nil
}

// release gives a reference back; an old generation closes with its last session.
func (s *Server) release(g *generation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.refs--
	if g != s.gen && g.refs == 0 {
		g.db.Close()
	}
}
