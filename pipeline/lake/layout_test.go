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
	for n, want := range map[int]string{0: "a_20261124.parquet", 1: "a_20261124.p1.parquet", 12: "a_20261124.p12.parquet"} {
		if got := PartFile("a_20261124.csv", n); got != want {
			t.Errorf("PartFile %d = %s, want %s", n, got, want)
		}
		if src, ok := PartSource(want); !ok || src != "a_20261124" {
			t.Errorf("PartSource(%s) = %s %v", want, src, ok)
		}
	}
	if !IsReasonFile(ReasonFile("a.csv")) || IsReasonFile("a.csv") {
		t.Error("reason files")
	}
}
