// Package browser opens a report in headless Chromium (Debian's package) with the
// network disabled. Check and Print report what rendered and printed, for the tests of
// the reports; Check works on a copy of the report with a small harness script
// injected at the start of <head>, so that errors are caught from the first script on.
// PrintPDF, which Print uses, is also the production's: the PDF attachments of the
// report mails (Find looks for the browser on a PATH).
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"
)

// Chart is what the browser found of one chart.
type Chart struct {
	ID       string `json:"id"`
	Expected int    `json:"expected"` // series the report declares (data-series)
	Series   int    `json:"series"`   // series the ECharts instance holds (-1: no instance)
	Painted  int    `json:"painted"`  // non-transparent pixels of its canvas
	Canvas   bool   `json:"canvas"`
	// The chart as drawn for print (static SVG): its texts, and how many of them lie
	// outside the drawing (cut off on paper).
	PrintTexts   []string `json:"printTexts"`
	PrintOutside int      `json:"printOutside"`
}

// Result is what the browser found of one report.
type Result struct {
	Title     string   `json:"title"`
	Charts    []Chart  `json:"charts"`
	Errors    []string `json:"errors"`    // uncaught errors, console errors, CSP violations
	Resources []string `json:"resources"` // every resource the page requested
}

const harness = `<script>
(function () {
  var errs = [];
  window.addEventListener("error", function (e) { errs.push("error: " + e.message); });
  window.addEventListener("unhandledrejection", function (e) { errs.push("rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) { errs.push("csp: " + e.violatedDirective + " " + e.blockedURI); });
  var ce = console.error;
  console.error = function () { errs.push("console.error: " + Array.prototype.join.call(arguments, " ")); ce.apply(console, arguments); };
  window.addEventListener("load", function () {
    setTimeout(function () {
      var out = { title: document.title, charts: [], errors: errs,
        resources: performance.getEntriesByType("resource").map(function (r) { return r.name; }) };
      document.querySelectorAll(".chart").forEach(function (el) {
        var inst = window.echarts && echarts.getInstanceByDom(el);
        var canvas = el.querySelector("canvas");
        var painted = 0;
        if (canvas) {
          var d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { painted++; } }
        }
        var texts = [], outside = 0;
        if (window.ipointDrawForPrint) {
          window.ipointDrawForPrint();
          var p = document.getElementById("print-" + el.getAttribute("data-id"));
          var svg = p && p.querySelector("svg");
          if (svg) {
            // Measured at the drawing's own size.
            p.style.display = "block"; p.style.width = svg.viewBox.baseVal.width + "px";
            var vb = svg.viewBox.baseVal;
            svg.querySelectorAll("text").forEach(function (t) {
              texts.push(t.textContent);
              var b = t.getBBox(), m = t.getCTM();
              if (!m) { return; }
              var pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(function (q) {
                return { x: m.a * q[0] + m.c * q[1] + m.e, y: m.b * q[0] + m.d * q[1] + m.f };
              });
              if (pts.some(function (q) { return q.x < -1 || q.y < -1 || q.x > vb.width + 1 || q.y > vb.height + 1; })) { outside++; }
            });
            p.style.display = ""; p.style.width = "";
          }
        }
        out.charts.push({ id: el.getAttribute("data-id"), expected: +el.getAttribute("data-series"),
          series: inst ? inst.getOption().series.length : -1, painted: painted, canvas: !!canvas,
          printTexts: texts, printOutside: outside });
      });
      var pre = document.createElement("pre");
      pre.id = "ipoint-harness";
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    }, 300);
  });
})();
</script>`

// Path finds the Chromium binary: $CHROMIUM, or chromium on the PATH.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (install Debian's chromium package; .ci/run does)")
}

// names are the Chromium binaries Find and Path look for, in this order.
var names = []string{"chromium", "chromium-browser", "google-chrome"}

// Find looks for Chromium in the directories of pathList (a PATH value), as the shell
// would, and returns its path.
func Find(pathList string) (string, error) {
	for _, name := range names {
		for _, dir := range filepath.SplitList(pathList) {
			if dir == "" || !filepath.IsAbs(dir) {
				continue // like exec.LookPath, never the current directory
			}
			p := filepath.Join(dir, name)
			if Executable(p) {
				return p, nil
			}
		}
	}
	return "", errors.New("no Chromium on the PATH")
}

// Executable says whether path is a regular file someone may execute.
func Executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

func flags(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--hide-scrollbars", "--user-data-dir=" + profile,
		// No network: every request goes to a closed port and no name resolves.
		"--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
		"--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw"}
}

var harnessRe = regexp.MustCompile(`(?s)<pre id="ipoint-harness">(.*?)</pre>`)

// Check opens the report at path and returns what rendered. If screenshot is not
// empty, a full-height screenshot of the unmodified report is saved there.
func Check(ctx context.Context, path, screenshot string) (*Result, error) {
	bin, err := Path()
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(src, []byte("<head>"))
	if i < 0 {
		return nil, fmt.Errorf("%s: no <head>", path)
	}
	dir, err := os.MkdirTemp("", "ipoint-browser-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	probe := filepath.Join(dir, "probe.html")
	withHarness := append(append(append([]byte{}, src[:i+len("<head>")]...), harness...), src[i+len("<head>"):]...)
	if err := os.WriteFile(probe, withHarness, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(flags(filepath.Join(dir, "profile")), "--window-size=1280,900", "--dump-dom", "file://"+probe)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("chromium: %v: %s", err, tail(stderr.String()))
	}
	m := harnessRe.FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("the page never finished loading (no harness result); chromium said: %s", tail(stderr.String()))
	}
	var r Result
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &r); err != nil {
		return nil, err
	}
	if screenshot != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(screenshot), 0o755); err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, bin, append(flags(filepath.Join(dir, "profile2")), "--window-size=1280,7000", "--screenshot="+screenshot, "file://"+abs)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("chromium screenshot: %v: %s", err, tail(string(b)))
		}
	}
	return &r, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// Problems lists what is wrong with a rendered report: a chart without a canvas,
// without its series or without painted pixels, an error in the browser, a request.
func (r *Result) Problems() []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, "error in the browser: "+e)
	}
	for _, res := range r.Resources {
		out = append(out, "network request: "+res)
	}
	if len(r.Charts) == 0 {
		out = append(out, "no charts")
	}
	for _, c := range r.Charts {
		if !c.Canvas || c.Series != c.Expected || c.Expected == 0 || c.Painted < 1000 {
			out = append(out, fmt.Sprintf("chart %s: canvas %v, %d of %d series, %d pixels painted", c.ID, c.Canvas, c.Series, c.Expected, c.Painted))
		}
		if len(c.PrintTexts) == 0 || c.PrintOutside > 0 {
			out = append(out, fmt.Sprintf("chart %s for print: %d texts, %d of them outside the drawing", c.ID, len(c.PrintTexts), c.PrintOutside))
		}
	}
	return out
}

// Printed is what printing a report to PDF on A4 gave.
type Printed struct {
	Pages int
	Text  string // the PDF's text in reading order (pdftotext), charts included: they print as SVG
}

// PrintPDF prints the report at path to the file pdf with the Chromium at bin: the
// page's own print layout (@page A4, its beforeprint handler that draws the charts as
// SVG), no header or footer, the network disabled. Chromium's profile, and its HOME,
// are a temporary folder that is removed afterwards, so that nothing lands in the
// caller's home. It fails unless the file written is a PDF.
func PrintPDF(ctx context.Context, bin, path, pdf string) error {
	dir, err := os.MkdirTemp("", "ipoint-print-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := append(flags(filepath.Join(dir, "profile")), "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+abs)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("chromium --print-to-pdf: %v: %s", err, tail(string(out)))
	}
	head := make([]byte, 5)
	f, err := os.Open(pdf)
	if err != nil {
		return fmt.Errorf("chromium wrote no PDF: %w", err)
	}
	defer f.Close()
	if n, _ := f.Read(head); n < 5 || string(head) != "%PDF-" {
		return fmt.Errorf("chromium wrote no PDF to %s", pdf)
	}
	return nil
}

// Print prints the report at path to pdf with headless Chromium (PrintPDF) and reads
// the PDF back with poppler's pdftotext and pdfinfo; if pages is not empty, page
// images (pdftoppm, PNG) go there.
func Print(ctx context.Context, path, pdf, pages string) (*Printed, error) {
	bin, err := Path()
	if err != nil {
		return nil, err
	}
	if err := PrintPDF(ctx, bin, path, pdf); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	text, err := exec.CommandContext(ctx, "pdftotext", pdf, "-").Output()
	if err != nil {
		return nil, fmt.Errorf("pdftotext (Debian: poppler-utils): %v", err)
	}
	info, err := exec.CommandContext(ctx, "pdfinfo", pdf).Output()
	if err != nil {
		return nil, fmt.Errorf("pdfinfo: %v", err)
	}
	p := &Printed{Text: string(text)}
	if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info); m != nil {
		fmt.Sscanf(string(m[1]), "%d", &p.Pages)
	}
	if m := regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(info); m != nil {
		var w, h float64
		fmt.Sscanf(string(m[1]), "%g", &w)
		fmt.Sscanf(string(m[2]), "%g", &h)
		if w < 590 || w > 600 || h < 838 || h > 848 {
			return p, fmt.Errorf("page size %gx%g pt is not A4 portrait", w, h)
		}
	}
	if pages != "" {
		if err := os.MkdirAll(pages, 0o755); err != nil {
			return nil, err
		}
		if out, err := exec.CommandContext(ctx, "pdftoppm", "-r", "60", "-png", pdf, filepath.Join(pages, "seite")).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pdftoppm: %v: %s", err, out)
		}
	}
	return p, nil
}
