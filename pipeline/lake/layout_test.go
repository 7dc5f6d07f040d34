package lake

import "testing"

func TestLayoutRoundTrip(t *testing.T) {
	for _, c := range []struct {
		rel  string
		want Place
		ok   bool
	}{
		{PartitionDir("arbeitsaufnahmen", "2026-11-24") + "/arbeitsaufnahmen_20261124.p2.parquet",
			Place{Export: "arbeitsaufnahmen", Stichtag: "2026-11-24", File: "arbeitsaufnahmen_20261124.p2.parquet"}, true},
		{HistoryFile("verbis_kunden"), Place{Export: "verbis_kunden", History: true, File: HistoryName}, true},
		{FindingsDir + "/" + PartitionDir("beratungen", "2026-10-31") + "/beratungen_202610.parquet",
			Place{Export: "beratungen", Stichtag: "2026-10-31", Findings: true, File: "beratungen_202610.parquet"}, true},
		{ManifestName, Place{}, false},
		{"export=x/other/y.parquet", Place{}, false},
		{FindingsDir + "/" + HistoryFile("verbis_kunden"), Place{}, false},
	} {
		got, ok := ParsePath(c.rel)
		if ok != c.ok || got != c.want {
			t.Errorf("ParsePath(%q) = %+v %v, want %+v %v", c.rel, got, ok, c.want, c.ok)
		}
	}
	if g := Glob("beratungen", false); g != "export=beratungen/stichtag=*/*.parquet" {
		t.Errorf("delta glob %s", g)
	}
	if g := Glob("verbis_kunden", true); g != "export=verbis_kunden/history.parquet" {
		t.Errorf("snapshot glob %s", g)
	}
	name := SuffixedName("verbis_kunden_20261124.csv", "0123456789abcdef")
	if d, ok := DeliveredName(name); !ok || d != "verbis_kunden_20261124.csv" || name != "verbis_kunden_20261124.csv.0123456789ab" {
		t.Errorf("suffixed %s -> %s %v", name, d, ok)
	}
	if d, ok := DeliveredName("verbis_kunden_20261124.csv"); ok || d != "verbis_kunden_20261124.csv" {
		t.Error("an unsuffixed name")
	}
	if !IsReasonFile(ReasonFile("a.csv")) || IsReasonFile("a.csv") {
		t.Error("reason files")
	}
}
