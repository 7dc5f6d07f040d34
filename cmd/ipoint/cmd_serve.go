package main

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"ipoint/pipeline/analyst"
	"ipoint/pipeline/warehouse"
)

func init() {
	register(command{name: "serve", summary: "Analysezugang: SQL über das PostgreSQL-Protokoll (TLS, Passwort, jede Abfrage protokolliert)", run: runServe})
}

func runServe(ctx context.Context, args []string, e env) error {
	fs := newFlags("serve", `Startet den Analysezugang zur Auswertungsdatenbank: ein Dienst, der das
PostgreSQL-Protokoll spricht (psql, R, Python, DBeaver, Excel über ODBC), nur mit TLS
und Passwort (SCRAM-SHA-256; Zugänge mit ipoint analyst). Nur lesend; jede Anweisung
wird vor der Ausführung im Prüfprotokoll (audit/sql.jsonl) vermerkt. Läuft im
Vordergrund, bis SIGTERM oder Strg-C ihn beendet.`, e)
	homeDir := homeFlag(fs)
	listen := fs.String("listen", "", "Adresse und Port (Vorgabe: analyst.listen)")
	single := fs.Bool("single-account", false, "Einzelplatzinstallation: Start als root oder mit lesbarem Pseudonymisierungsschlüssel erlauben")
	socketDir := fs.String("socket", "", "zusätzlich ein Unix-Socket in diesem Verzeichnis (.s.PGSQL.PORT, psql -h VERZEICHNIS): Anmeldung ohne Passwort als der Analyst, der wie das Betriebssystemkonto heißt (Vorgabe: analyst.socket_dir)")
	ready := fs.String("ready-file", "", "nach dem Start die tatsächliche Adresse in diese Datei schreiben (für Tests und Dienstverwaltung)")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	log := logger(e)
	c := h.cfg.Analyst
	if *listen == "" {
		*listen = c.Listen
	}
	if *socketDir == "" && c.SocketDir != "" {
		*socketDir = h.path(c.SocketDir)
	}
	singleAccount := *single || c.SingleAccount
	if singleAccount {
		log.Warn("single-account installation: the analysts' service runs with the ETL account's rights (analyst.single_account)")
	} else {
		if os.Geteuid() == 0 {
			return usageError{"ipoint serve startet nicht als root: unter dem Dienstkonto starten (README, Deployment) oder für eine Einzelplatzinstallation --single-account angeben"}
		}
		if f, err := os.Open(h.keyFile()); err == nil {
			f.Close()
			return usageError{fmt.Sprintf("ipoint serve kann den Pseudonymisierungsschlüssel lesen (%s): unter dem Dienstkonto starten, das ihn nicht lesen darf, oder für eine Einzelplatzinstallation --single-account angeben", h.keyFile())}
		}
		if e.getenv("IPOINT_KEY") != "" {
			return usageError{"ipoint serve hat den Pseudonymisierungsschlüssel in der Umgebung (IPOINT_KEY): ohne ihn starten"}
		}
	}
	timeout, _ := time.ParseDuration(c.StatementTimeout) // validated with the config
	whFile := h.warehouseFile()
	st, err := os.Stat(whFile)
	if err != nil {
		return fmt.Errorf("keine Auswertungsdatenbank unter %s: zuerst ipoint transform", whFile)
	}
	if st.Mode().Perm()&0o004 != 0 {
		return fmt.Errorf("die Auswertungsdatenbank %s ist für alle lesbar (Rechte %04o): chmod 640 und nur der Gruppe des Dienstkontos Lesen erlauben", whFile, st.Mode().Perm())
	}
	cert, err := tls.LoadX509KeyPair(h.path(c.TLSCert), h.path(c.TLSKey))
	if err != nil {
		return fmt.Errorf("TLS-Zertifikat für den Analysezugang (analyst.tls_cert, analyst.tls_key): %w", err)
	}
	open := func() (*sql.DB, error) {
		db, err := warehouse.OpenLocked(whFile, warehouse.Locked{Threads: 2, MemoryLimit: c.MemoryLimit})
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(0)
		return db, nil
	}
	db, err := open() // fails now, with the reason, rather than after "bereit"
	if err != nil {
		return err
	}
	db.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("Analysezugang kann %s nicht öffnen: %w", *listen, err)
	}
	listeners := []net.Listener{ln}
	if *socketDir != "" {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		sock, err := listenSocket(filepath.Join(*socketDir, ".s.PGSQL."+port))
		if err != nil {
			ln.Close()
			return err
		}
		listeners = append(listeners, sock)
		log.Info("analysts' service listening", "socket", sock.Addr().String())
	}
	srv := &analyst.Server{
		Path:        whFile,
		Open:        open,
		TLS:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		Accounts:    analyst.Accounts{Path: h.path(c.Accounts)},
		Audit:       h.auditLog(),
		Timeout:     timeout,
		RowLimit:    c.RowLimit,
		MaxSessions: c.SessionsPerAnalyst,
		Log:         log,
		Now:         e.now,
	}
	log.Info("analysts' service listening", "addr", ln.Addr().String())
	if *ready != "" {
		if err := writeNew(*ready, []byte(ln.Addr().String()+"\n"), 0o600); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintf(e.stdout, "Analysezugang bereit: %s\n", ln.Addr())
	err = srv.Serve(ctx, listeners...)
	log.Info("analysts' service stopped")
	return err
}

// listenSocket opens the unix socket at path, under PostgreSQL's name for it so that
// psql -h DIR -p PORT finds it. A socket left behind by a service that ended without
// removing it is replaced; one that answers belongs to a running service, and anything
// else at the path is left alone.
func listenSocket(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("Analysezugang: %s ist kein Socket; die Datei entfernen oder analyst.socket_dir ändern", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("Analysezugang: %s gehört einem laufenden Dienst", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("Analysezugang kann den Socket %s nicht öffnen: %w", path, err)
	}
	// Who may connect is decided by the peer's account name and the accounts file, as
	// PostgreSQL's unix_socket_permissions (0777) leaves it to authentication; the
	// folder's permissions can narrow it.
	if err := os.Chmod(path, 0o666); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}
