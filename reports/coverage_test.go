package reports

import (
	"database/sql"
	"testing"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/suppress"
)

// A coverage frozen by an earlier publication bounds the caseload as the data stood
// then; after an erasure took one person out of that day's caseload, which published
// figures pin, the relations must still agree (the bound moves to the caseload now), and
// a fresh share is bounded as before.
func TestFrozenCoverageAfterAnErasure(t *testing.T) {
	day := time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)
	key := "bestand/" + pipeline.KreisSiegenWittgenstein + "/2026-07-31"
	cov := func(b int64) *coverage {
		return &coverage{stichtag: day, bestand: map[string]int64{pipeline.KreisSiegenWittgenstein: b},
			official: official{stichtag: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
				pop: map[string]sql.NullInt64{pipeline.KreisSiegenWittgenstein: {Int64: 999, Valid: true}}}}
	}
	// Earlier publications showed the coverage 15 % (145 of 999) and figures that pin the
	// day's caseload: bestand = pin + klein, and klein (suppressed) = total − rest.
	l := &Ledger{Figures: map[string]LedgerFigure{"pin": {Value: 143}, "klein": {Value: 2, Suppressed: true}, "rest": {Value: 10}, "total": {Value: 12}},
		Texts: map[string]string{"abdeckung_amtlich/05970/2026-07-31": "15 %"}}
	// After an erasure the day's caseload is 144 (below 14.5 % of 999) and pin 142; the
	// published figures keep their values.
	g := newFigures(l)
	g.count("pin", 142)
	g.count("klein", 2)
	g.count("rest", 10)
	g.count("total", 12)
	if text := officialCoverageText(g, cov(144), pipeline.KreisSiegenWittgenstein); text != "15 %" {
		t.Fatalf("frozen coverage %q", text)
	}
	g.equal(suppress.Plus(key), suppress.Minus("pin"), suppress.Minus("klein"))
	g.equal(suppress.Plus("klein"), suppress.Plus("rest"), suppress.Minus("total"))
	if _, err := g.sys.Audit(3, 3, true); err != nil {
		t.Fatalf("the relations contradict each other after the erasure: %v", err)
	}
	// The official figure is a published constant; the ledger does not keep it.
	if !g.sys.Has("amtlich/05970/2025-12-31") || g.sys.State("amtlich/05970/2025-12-31") != suppress.Published {
		t.Error("the official figure is not a published constant")
	}
	// A fresh share bounds the caseload: 15 % of 999 is 145 to 154.
	h := newFigures(emptyLedger())
	officialCoverageText(h, cov(150), pipeline.KreisSiegenWittgenstein)
	if iv, err := h.sys.Interval(key); err != nil || !iv.Bounded || iv.Lo != 145 || iv.Hi != 154 {
		t.Errorf("bounds of the caseload %+v %v", iv, err)
	}
	// The ledger keeps the share's text, not the official figure (Destatis', not ours).
	kept := emptyLedger()
	kept.record(h)
	if _, ok := kept.Figures["amtlich/05970/2025-12-31"]; ok || kept.Texts["abdeckung_amtlich/05970/2026-07-31"] != "15 %" {
		t.Errorf("ledger: %+v", kept)
	}
}
