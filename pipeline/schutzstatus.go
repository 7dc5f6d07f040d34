package pipeline

// The Schutzstatuskategorie of the official statistics of protection seekers (Destatis,
// statistic 12531, variable SCHST2; sources.md §7). It is a hierarchy, not a partition:
// a Kreis's protection seekers are those with an open, a recognised or a rejected status
// (the three categories without a parent); the others are parts of these. Summing every
// category counts most people two or three times.

// ProtectionStatus is one category of SCHST2.
type ProtectionStatus struct {
	Code   string // as GENESIS writes it
	Label  string // German, as Destatis names it (a clear name where GENESIS' is garbled)
	Parent string // the category it is a part of; "" for the three that make the total
	// Complete: the parts of this category (its children) add up to it, up to Destatis'
	// rounding; where false they are only some of it ("davon" without the rest).
	Complete bool
}

// Codes of SCHST2.
const (
	StatusOpen            = "SCHUTZST-OF"
	StatusRecognised      = "SCHUTZST-AK-1"
	StatusTemporary       = "SCHUTZST-AK-2"
	StatusTemporaryAsylum = "SCHUTZST-AK-3"
	StatusTemporaryOther  = "SCHUTZST-AK-4"
	StatusPermanent       = "SCHUTZST-AK-5"
	StatusRejected        = "SCHUTZST-X"
	StatusTolerated       = "AUSRPFL-G"
	StatusLatent          = "AUSRPFL-L"
	StatusEnforceable     = "AUSRPFL-V"
)

// ProtectionStatuses is the hierarchy, each category after its parent.
var ProtectionStatuses = []ProtectionStatus{
	{StatusOpen, "Offener Schutzstatus", "", false},
	{StatusRecognised, "Anerkannter Schutzstatus", "", true},
	{StatusTemporary, "Befristet anerkannter Schutzstatus", StatusRecognised, true},
	{StatusTemporaryAsylum, "Befristet anerkannter Schutzstatus aus dem Asylverfahren", StatusTemporary, false},
	{StatusTemporaryOther, "Befristet anerkannter Schutzstatus nicht aus dem Asylverfahren", StatusTemporary, false},
	{StatusPermanent, "Unbefristet anerkannter Schutzstatus", StatusRecognised, false},
	{StatusRejected, "Abgelehnter Schutzstatus (in GENESIS: Ohne Schutzstatus)", "", false},
	{StatusTolerated, "Geduldet ausreisepflichtig", StatusRejected, false},
	{StatusLatent, "Latent ausreisepflichtig", StatusRejected, false},
	{StatusEnforceable, "Vollziehbar ausreisepflichtig", StatusRejected, false},
}

// ProtectionStatusCodes lists the codes of SCHST2 in the hierarchy's order.
func ProtectionStatusCodes() []string {
	out := make([]string, len(ProtectionStatuses))
	for i, s := range ProtectionStatuses {
		out[i] = s.Code
	}
	return out
}
