package analyst

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"ipoint/pipeline/jsonl"
	"ipoint/pipeline/warehouse"
)

type session struct {
	srv    *Server
	be     *pgproto3.Backend
	db     *sql.Conn
	gen    *generation
	name   string
	client string
	pid    uint32
	secret uint32
	txn    byte

	stmts   map[string]*prepared
	portals map[string]*portal

	mu      sync.Mutex
	running context.CancelFunc
	stmtSeq int
}

// prepared is a statement of the extended protocol, checked when parsed.
type prepared struct {
	query   string
	desc    warehouse.Statement
	special *answer  // answered by the door itself (SET, SHOW, BEGIN, …)
	copy    *copyOut // COPY (query) TO STDOUT
	explain bool     // the door's EXPLAIN [ANALYZE] of a query (explain)
	refused error
}

type portal struct {
	stmt    *prepared
	params  []any
	formats []int16
}

// answer is a statement the door answers without DuckDB.
type answer struct {
	tag    string
	txn    byte
	cols   []string
	values [][]string
}

// track makes cancel what a CancelRequest calls, until the returned function is called.
func (ss *session) track(cancel context.CancelFunc) (untrack func()) {
	ss.mu.Lock()
	ss.running = cancel
	ss.mu.Unlock()
	return func() {
		ss.mu.Lock()
		ss.running = nil
		ss.mu.Unlock()
	}
}

func (ss *session) cancelRunning() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.running != nil {
		ss.running()
	}
}

func (ss *session) loop(ctx context.Context) {
	skipToSync := false
	for {
		msg, err := ss.be.Receive()
		if err != nil {
			return
		}
		if ctx.Err() != nil {
			return
		}
		switch msg.(type) {
		case *pgproto3.Terminate:
			return
		case *pgproto3.Sync:
			skipToSync = false
			ss.be.Send(&pgproto3.ReadyForQuery{TxStatus: ss.txn})
			if ss.be.Flush() != nil {
				return
			}
			continue
		case *pgproto3.Flush:
			if ss.be.Flush() != nil {
				return
			}
			continue
		}
		if skipToSync {
			continue
		}
		var ok bool
		switch m := msg.(type) {
		case *pgproto3.Query:
			ss.simpleQuery(ctx, m.String)
			ok = true
		case *pgproto3.Parse:
			ok = ss.parse(ctx, m)
		case *pgproto3.Bind:
			ok = ss.bind(m)
		case *pgproto3.Describe:
			ok = ss.describe(m)
		case *pgproto3.Execute:
			ok = ss.execute(ctx, m)
		case *pgproto3.Close:
			if m.ObjectType == 'S' {
				delete(ss.stmts, m.Name)
			} else {
				delete(ss.portals, m.Name)
			}
			ss.be.Send(&pgproto3.CloseComplete{})
			ok = true
		default:
			ss.be.Send(pgError("ERROR", "0A000", fmt.Sprintf("Nachricht %T wird nicht unterstützt", msg)))
		}
		if !ok {
			skipToSync = true
		}
		if ss.be.Flush() != nil {
			return
		}
	}
}

// simpleQuery runs each statement of a Query message; the first error ends it.
func (ss *session) simpleQuery(ctx context.Context, text string) {
	defer ss.be.Send(&pgproto3.ReadyForQuery{TxStatus: ss.txn})
	stmts := Split(text)
	if len(stmts) == 0 {
		ss.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	for _, q := range stmts {
		p := ss.prepare(ctx, q)
		if p.refused != nil {
			ss.refuse(p)
			return
		}
		if !ss.run(ctx, p, nil, nil, true) {
			return
		}
	}
}

// prepare classifies a statement: answered by the door, refused, or described by DuckDB.
func (ss *session) prepare(ctx context.Context, q string) *prepared {
	p := &prepared{query: q}
	if len(q) > maxStatementBytes {
		// The audit log records its beginning, its length and its hash, not the whole.
		sum := sha256.Sum256([]byte(q))
		p.query = fmt.Sprintf("%s … [%d Bytes, SHA-256 %x]", strings.ToValidUTF8(q[:4096], ""), len(q), sum)
		p.refused = refusal{"54000", msgTooLong}
		return p
	}
	if a := ss.special(q); a != nil {
		p.special = a
		return p
	}
	if inner, c, ok := copyToStdout(q); ok {
		q, p.copy = inner, c
	}
	// The text DuckDB will see is the one checked: rewritten first, then the door's
	// own checks, then DuckDB's parser must read exactly one query in it (checkCalls;
	// the driver runs every statement but the last while it prepares).
	q = rewriteCatalog(q)
	p.query = q
	if err := check(q); err != nil {
		p.refused = err
		return p
	}
	if firstWord(q) == "EXPLAIN" {
		prefix, query, ok := explain(q)
		if !ok {
			p.refused = refusal{"42501", msgExplain}
			return p
		}
		if err := check(query); err != nil {
			p.refused = err
			return p
		}
		if err := checkCalls(query); err != nil {
			p.refused = err
			return p
		}
		q = prefix + query
		p.query, p.explain = q, true
	} else if err := checkCalls(q); err != nil {
		p.refused = err
		return p
	}
	// Preparing makes DuckDB work (it folds constants): the audit log has the
	// statement first, and the work runs under the statement timeout and can be
	// cancelled like the statement itself.
	if err := ss.audit(map[string]any{"event": "prepare", "id": ss.nextID(), "statement": q}); err != nil {
		ss.srv.Log.Error("audit log", "err", err)
		p.refused = refusal{"58030", "Prüfprotokoll nicht schreibbar: Anweisung nicht ausgeführt"}
		return p
	}
	if err := ss.refresh(ctx); err != nil {
		p.refused = refusal{"57P03", msgUnavailable}
		return p
	}
	dctx, cancel := context.WithTimeout(ctx, ss.srv.Timeout)
	defer cancel()
	untrack := ss.track(cancel)
	desc, err := warehouse.Describe(dctx, ss.db, q)
	untrack()
	if err != nil && dctx.Err() != nil {
		p.refused = ss.queryError(dctx, err)
		return p
	}
	switch {
	case err != nil && fileError(err):
		p.refused = refusal{"42501", msgFiles}
	case err != nil && readsEmptyCatalog(q):
		// psql's \d footers (publications, policies, …): none in the warehouse.
		p.special = &answer{tag: "SELECT 0", txn: ss.txn, cols: []string{}}
	case err != nil:
		p.refused = refusal{"42601", duckMessage(err)}
	default:
		p.desc = desc
		p.refused = checkKind(desc.Kind, p.explain)
	}
	return p
}

// duckMessage is DuckDB's message without the driver's prefixes.
func duckMessage(err error) string {
	s := err.Error()
	for _, p := range []string{"database/sql/driver: ", "Binder Error: ", "Parser Error: ", "Catalog Error: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

func (ss *session) special(q string) *answer {
	if tag, txn, ok := transaction(q); ok {
		return &answer{tag: tag, txn: txn}
	}
	if compatSet(q) {
		return &answer{tag: "SET", txn: ss.txn}
	}
	if name, value, ok := show(q); ok {
		return &answer{tag: "SHOW", txn: ss.txn, cols: []string{name}, values: [][]string{{value}}}
	}
	return nil
}

// refuse records and reports a refused statement.
func (ss *session) refuse(p *prepared) {
	var r refusal
	if !errors.As(p.refused, &r) {
		r = refusal{"42501", p.refused.Error()}
	}
	id := ss.nextID()
	if err := ss.audit(map[string]any{"event": "statement", "id": id, "statement": p.query}); err != nil {
		ss.be.Send(pgError("ERROR", "58030", "Prüfprotokoll nicht schreibbar: Anweisung nicht ausgeführt"))
		return
	}
	ss.audit(map[string]any{"event": "outcome", "id": id, "outcome": "refused", "error": r.msg, "rows": 0, "duration_ms": 0})
	ss.be.Send(pgError("ERROR", r.code, r.msg))
}

func (ss *session) nextID() string {
	ss.stmtSeq++
	return fmt.Sprintf("%d.%d", ss.pid, ss.stmtSeq)
}

func (ss *session) audit(entry map[string]any) error {
	entry["time"] = ss.srv.Now().UTC().Format(time.RFC3339Nano)
	entry["analyst"] = ss.name
	entry["client"] = ss.client
	return jsonl.Append(ss.srv.Audit, entry)
}

// run executes a statement: the audit record first, then the statement under the
// timeout, its rows streamed, then the outcome record. describe sends the
// RowDescription first (simple protocol). It reports success.
func (ss *session) run(ctx context.Context, p *prepared, params []any, formats []int16, describe bool) bool {
	id := ss.nextID()
	if err := ss.audit(map[string]any{"event": "statement", "id": id, "statement": p.query}); err != nil {
		ss.srv.Log.Error("audit log", "err", err)
		ss.be.Send(pgError("ERROR", "58030", "Prüfprotokoll nicht schreibbar: Anweisung nicht ausgeführt"))
		return false
	}
	start := ss.srv.Now()
	rows, err := ss.execute1(ctx, p, params, formats, describe)
	outcome := map[string]any{"event": "outcome", "id": id, "outcome": "ok", "rows": rows,
		"duration_ms": ss.srv.Now().Sub(start).Milliseconds()}
	if err != nil {
		outcome["outcome"] = "failed"
		var r refusal
		if errors.As(err, &r) {
			outcome["error"] = r.msg
			if r.code == "57014" {
				outcome["outcome"] = "cancelled"
			}
		} else {
			outcome["error"] = duckMessage(err)
		}
	}
	if aerr := ss.audit(outcome); aerr != nil {
		ss.srv.Log.Error("audit log", "err", aerr)
	}
	if err != nil {
		var r refusal
		if errors.As(err, &r) {
			ss.be.Send(pgError("ERROR", r.code, r.msg))
		} else {
			ss.be.Send(pgError("ERROR", "XX000", duckMessage(err)))
		}
		return false
	}
	return true
}

func (ss *session) execute1(ctx context.Context, p *prepared, params []any, formats []int16, describe bool) (int, error) {
	if a := p.special; a != nil {
		if describe && a.cols != nil {
			ss.be.Send(answerDescription(a))
		}
		for _, r := range a.values {
			vals := make([][]byte, len(r))
			for i, v := range r {
				vals[i] = []byte(v)
			}
			ss.be.Send(&pgproto3.DataRow{Values: vals})
		}
		ss.txn = a.txn
		ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(a.tag)})
		return len(a.values), nil
	}
	for _, f := range formats {
		if f != 0 {
			return 0, refusal{"0A000", "Binärformat für Ergebnisse wird nicht unterstützt; Textformat verwenden"}
		}
	}
	qctx, cancel := context.WithTimeout(ctx, ss.srv.Timeout)
	defer cancel()
	defer ss.track(cancel)()
	limit := ss.srv.RowLimit
	q := p.query // DuckDB read it as one statement in prepare
	if p.desc.Kind == "SELECT" {
		// The cap is part of the query, so that DuckDB never materialises more; the
		// wrapped text is a new text, so DuckDB's parser reads and checks it once more.
		q = "SELECT * FROM (\n" + q + "\n) LIMIT " + strconv.Itoa(limit+1)
		if err := checkCalls(q); err != nil {
			return 0, err
		}
	}
	if err := ss.refresh(ctx); err != nil {
		return 0, refusal{"57P03", msgUnavailable}
	}
	rows, err := ss.db.QueryContext(qctx, q, params...)
	if err != nil {
		return 0, ss.queryError(qctx, err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	types := make([]string, len(cts))
	for i, ct := range cts {
		types[i] = ct.DatabaseTypeName()
		if i < len(p.desc.Columns) && p.desc.Columns[i].Type != "" {
			types[i] = p.desc.Columns[i].Type
		}
	}
	switch {
	case p.copy != nil:
		ss.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(cts))})
		if p.copy.header {
			names := make([][]byte, len(cts))
			for i, ct := range cts {
				names[i] = []byte(ct.Name())
			}
			ss.be.Send(&pgproto3.CopyData{Data: p.copy.line(names)})
		}
	case describe:
		ss.be.Send(rowDescription(columnsOf(cts, types)))
	}
	vals := make([]any, len(cts))
	ptrs := make([]any, len(cts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n, pending := 0, 0
	for rows.Next() {
		if n == limit {
			cancel()
			return n, refusal{"54000", fmt.Sprintf("Ergebnis hat mehr als %d Zeilen (Zeilengrenze des Analysezugangs); die Abfrage mit WHERE, GROUP BY oder LIMIT eingrenzen", limit)}
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		row := make([][]byte, len(vals))
		size := 0
		for i, v := range vals {
			row[i] = encodeText(v, types[i])
			size += len(row[i])
		}
		if size > maxRowBytes {
			cancel()
			return n, refusal{"54000", fmt.Sprintf("eine Zeile des Ergebnisses ist größer als %d MiB (Grenze des Analysezugangs)", maxRowBytes>>20)}
		}
		if p.copy != nil {
			ss.be.Send(&pgproto3.CopyData{Data: p.copy.line(row)})
		} else {
			ss.be.Send(&pgproto3.DataRow{Values: row})
		}
		n++
		// Sent on every 512 rows or every MiB, whichever comes first: the door holds
		// no more of a result than that (found by review: 512 large rows at once).
		if pending += size; n%512 == 0 || pending >= 1<<20 {
			if err := ss.be.Flush(); err != nil {
				return n, err
			}
			pending = 0
		}
	}
	if err := rows.Err(); err != nil {
		return n, ss.queryError(qctx, err)
	}
	tag := "SELECT " + strconv.Itoa(n)
	if p.copy != nil {
		ss.be.Send(&pgproto3.CopyDone{})
		tag = "COPY " + strconv.Itoa(n)
	}
	if p.desc.Kind == "EXPLAIN" {
		tag = "EXPLAIN"
	}
	ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return n, nil
}

func (ss *session) queryError(qctx context.Context, err error) error {
	switch {
	case errors.Is(qctx.Err(), context.DeadlineExceeded):
		return refusal{"57014", fmt.Sprintf("Abfrage nach %s abgebrochen (Zeitlimit des Analysezugangs); die Abfrage eingrenzen", ss.srv.Timeout)}
	case qctx.Err() != nil:
		return refusal{"57014", "Abfrage auf Wunsch abgebrochen"}
	case fileError(err):
		return refusal{"42501", msgFiles}
	}
	return err
}

type colInfo struct {
	name string
	typ  string
}

func columnsOf(cts []*sql.ColumnType, types []string) []colInfo {
	out := make([]colInfo, len(cts))
	for i, ct := range cts {
		out[i] = colInfo{ct.Name(), types[i]}
	}
	return out
}

func rowDescription(cols []colInfo) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{}
	for _, c := range cols {
		oid, size, mod := pgType(c.typ)
		rd.Fields = append(rd.Fields, pgproto3.FieldDescription{Name: []byte(c.name), DataTypeOID: oid,
			DataTypeSize: size, TypeModifier: mod, Format: 0})
	}
	return rd
}

func answerDescription(a *answer) *pgproto3.RowDescription {
	cols := make([]colInfo, len(a.cols))
	for i, c := range a.cols {
		cols[i] = colInfo{c, "VARCHAR"}
	}
	return rowDescription(cols)
}

// The extended protocol.

func (ss *session) parse(ctx context.Context, m *pgproto3.Parse) bool {
	stmts := Split(m.Query)
	if len(stmts) > 1 {
		ss.be.Send(pgError("ERROR", "42601", "mehrere Anweisungen in einer vorbereiteten Anweisung"))
		return false
	}
	q := ""
	if len(stmts) == 1 {
		q = stmts[0]
	}
	p := ss.prepare(ctx, q)
	if q == "" {
		p.special = &answer{tag: "", txn: ss.txn}
	}
	if p.refused != nil {
		ss.refuse(p)
		return false
	}
	ss.stmts[m.Name] = p
	ss.be.Send(&pgproto3.ParseComplete{})
	return true
}

func (ss *session) bind(m *pgproto3.Bind) bool {
	p, ok := ss.stmts[m.PreparedStatement]
	if !ok {
		ss.be.Send(pgError("ERROR", "26000", fmt.Sprintf("vorbereitete Anweisung %q gibt es nicht", m.PreparedStatement)))
		return false
	}
	params := make([]any, len(m.Parameters))
	for i, b := range m.Parameters {
		f := int16(0)
		switch {
		case len(m.ParameterFormatCodes) == 1:
			f = m.ParameterFormatCodes[0]
		case i < len(m.ParameterFormatCodes):
			f = m.ParameterFormatCodes[i]
		}
		if f != 0 {
			ss.be.Send(pgError("ERROR", "0A000", "Parameter im Binärformat werden nicht unterstützt; Textformat verwenden"))
			return false
		}
		typ := "VARCHAR"
		if i < len(p.desc.Params) {
			typ = p.desc.Params[i]
		}
		v, err := decodeParam(b, typ)
		if err != nil {
			ss.be.Send(pgError("ERROR", "22P02", fmt.Sprintf("Parameter $%d: %v", i+1, err)))
			return false
		}
		params[i] = v
	}
	ss.portals[m.DestinationPortal] = &portal{stmt: p, params: params, formats: m.ResultFormatCodes}
	ss.be.Send(&pgproto3.BindComplete{})
	return true
}

func (ss *session) describe(m *pgproto3.Describe) bool {
	var p *prepared
	if m.ObjectType == 'S' {
		p = ss.stmts[m.Name]
		if p != nil {
			pd := &pgproto3.ParameterDescription{}
			for _, t := range p.desc.Params {
				oid, _, _ := pgType(t)
				pd.ParameterOIDs = append(pd.ParameterOIDs, oid)
			}
			ss.be.Send(pd)
		}
	} else if pt := ss.portals[m.Name]; pt != nil {
		p = pt.stmt
	}
	if p == nil {
		ss.be.Send(pgError("ERROR", "26000", fmt.Sprintf("%q gibt es nicht", m.Name)))
		return false
	}
	switch {
	case p.special != nil && p.special.cols != nil:
		ss.be.Send(answerDescription(p.special))
	case p.special == nil && len(p.desc.Columns) > 0:
		cols := make([]colInfo, len(p.desc.Columns))
		for i, c := range p.desc.Columns {
			cols[i] = colInfo{c.Name, c.Type}
		}
		ss.be.Send(rowDescription(cols))
	default:
		ss.be.Send(&pgproto3.NoData{})
	}
	return true
}

func (ss *session) execute(ctx context.Context, m *pgproto3.Execute) bool {
	pt, ok := ss.portals[m.Portal]
	if !ok {
		ss.be.Send(pgError("ERROR", "34000", fmt.Sprintf("Portal %q gibt es nicht", m.Portal)))
		return false
	}
	if pt.stmt.special != nil && pt.stmt.special.tag == "" {
		ss.be.Send(&pgproto3.EmptyQueryResponse{})
		return true
	}
	return ss.run(ctx, pt.stmt, pt.params, pt.formats, false)
}

// refresh points the session at the warehouse as the file is now: after a rebuild or
// an erasure replaced it, the session's next statement reads the new file.
func (ss *session) refresh(ctx context.Context) error {
	g, err := ss.srv.generation()
	if err != nil {
		return err
	}
	if g == ss.gen {
		ss.srv.release(g)
		return nil
	}
	conn, err := g.db.Conn(ctx)
	if err != nil {
		ss.srv.release(g)
		return err
	}
	ss.closeWarehouse()
	ss.gen, ss.db = g, conn
	return nil
}

// closeWarehouse gives the session's connection and generation back.
func (ss *session) closeWarehouse() {
	if ss.db != nil {
		ss.db.Close()
		ss.db = nil
	}
	if ss.gen != nil {
		ss.srv.release(ss.gen)
		ss.gen = nil
	}
}
