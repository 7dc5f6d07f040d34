package assets

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The embedded files are the pinned version's, complete, with the licence.
func TestEmbeddedECharts(t *testing.T) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	if v := lock.Packages["node_modules/echarts"].Version; v != Version {
		t.Errorf("lockfile pins echarts %s, the code says %s", v, Version)
	}
	if len(ECharts) < 500_000 || !strings.Contains(ECharts, "echarts") || !strings.Contains(ECharts, `version="`+Version+`"`) && !strings.Contains(ECharts, Version) {
		t.Errorf("echarts.min.js (%d bytes) is not ECharts %s", len(ECharts), Version)
	}
	if !strings.Contains(LocaleDE, "registerLocale") || !strings.Contains(LocaleDE, "DE") {
		t.Error("langDE.js does not register the German locale")
	}
	if !strings.Contains(License, "Apache License") {
		t.Error("the licence notice is missing")
	}
}
