# A thin layer over the go tool; CI calls these targets unchanged.
GO          ?= go
BIN         := bin/ipoint
VERSION     := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEMO        := demo
# The demo's newest Stichtag: yesterday in Berlin, as a nightly delivery would be (the
# freshness check would fail on an older one). Same day, same seed: the same demo.
DEMO_AS_OF  ?= $(shell TZ=Europe/Berlin date -d yesterday +%F)

.PHONY: build demo test race bench bench-year lint fmt clean npm fuzz assets

NODECLIENT  := testdata/nodeclient
ASSETS      := reports/assets
ECHARTS     := $(ASSETS)/node_modules/echarts
ASSET_FILES := $(ASSETS)/echarts.min.js $(ASSETS)/langDE.js $(ASSETS)/ECHARTS-LICENSE.txt

## assets: ECharts from the npm registry, pinned by reports/assets/package-lock.json,
## copied next to the Go code that embeds it (never loaded from a CDN).
assets: $(ASSET_FILES)

$(ECHARTS)/dist/echarts.min.js: $(ASSETS)/package-lock.json
	npm ci --prefix $(ASSETS) --no-audit --no-fund
	touch $@

$(ASSETS)/echarts.min.js: $(ECHARTS)/dist/echarts.min.js
	cp $< $@

$(ASSETS)/langDE.js: $(ECHARTS)/dist/echarts.min.js
	cp $(ECHARTS)/i18n/langDE.js $@

$(ASSETS)/ECHARTS-LICENSE.txt: $(ECHARTS)/dist/echarts.min.js
	cat $(ECHARTS)/LICENSE $(ECHARTS)/NOTICE > $@

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ipoint

## demo: synthetic exports of the default scenario into ./demo, then the nightly job
## once (ingest into the lake, warehouse and checks, reports: open
## demo/reports/index.html), then the status staff would look at. The run and the status
## exit 3 ("finished with problems", "something needs attention") because the demo's
## exports carry dirt on purpose; the demo accepts that code and no other.
demo: build
	rm -rf $(DEMO)
	$(BIN) init --home $(DEMO)
	$(BIN) generate --home $(DEMO) --as-of $(DEMO_AS_OF)
	$(BIN) run --home $(DEMO) || test $$? -eq 3
	$(BIN) status --home $(DEMO) || test $$? -eq 3
	@echo "Berichte: $(DEMO)/reports/index.html"

## npm: the Node packages the tests use, exactly as their lockfiles pin them.
npm: $(NODECLIENT)/node_modules/.package-lock.json

$(NODECLIENT)/node_modules/.package-lock.json: $(NODECLIENT)/package-lock.json
	npm ci --prefix $(NODECLIENT) --no-audit --no-fund

## test: the one test command (CI runs it). cmd/ipoint holds scenario tests of minutes
## each (the attacker's year, the 60-night soak, the new installation): on a loaded
## 2-core machine the package takes longer than go test's default 10 minutes.
test: npm assets
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

## race: the race detector over every package that starts goroutines (ingest's parallel
## files and chunks, the generator's workers, the mail test server) and the ones that
## run jobs on them (scheduler, jobs). The generator's race run is its determinism test,
## which runs the worker pool; its other tests are single-threaded and take minutes
## under the detector.
race: npm assets
	$(GO) test -race -count=1 ./pipeline/ingest ./pipeline/jobs ./pipeline/schedule/... ./pipeline/mail/...
	$(GO) test -race -count=1 -run '^TestDeterminism$$' ./pipeline/synth

## bench: speed and memory, measured by Go benchmarks (docs/performance.md). Several
## build cached data first (the national lake: minutes) and the package
## pipeline/warehouse alone runs for tens of minutes, hence no timeout. The national
## year runs NATIONAL_DAYS days at NATIONAL_SCALE: a week by default; the issue's full
## year (make bench-year) takes some five hours on two cores.
NATIONAL_SCALE ?= 300
NATIONAL_DAYS  ?= 7
bench: npm assets
	IPOINT_BENCH_NATIONAL_SCALE=$(NATIONAL_SCALE) IPOINT_BENCH_NATIONAL_DAYS=$(NATIONAL_DAYS) \
		$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 0 ./...

## bench-year: the issue's national year alone (BenchmarkNationalYear, YEAR_DAYS days at
## NATIONAL_SCALE), resumable: stopped (a machine switched off, a session's end), the same
## command goes on after the last day taken in (its lake and progress.json stay in
## TMPDIR/ipoint-bench/national-year-SCALE-DAYS), the figures summed over the runs.
YEAR_DAYS ?= 365
bench-year: npm assets
	IPOINT_BENCH_NATIONAL_RESUME=1 IPOINT_BENCH_NATIONAL_SCALE=$(NATIONAL_SCALE) IPOINT_BENCH_NATIONAL_DAYS=$(YEAR_DAYS) \
		$(GO) test -run '^$$' -bench '^BenchmarkNationalYear$$' -benchtime 1x -timeout 0 ./pipeline/warehouse

## fuzz: every reader's fuzz target, briefly; the seed corpora also run in make test.
## The targets run a count of inputs, not a time: with a time box the go tool now and
## then fails with "context deadline exceeded" when the box ends while an input is
## being run or minimised (seen with FuzzXML and FuzzXLSX, naming no input). A count
## waits for it; a real hang still fails at -timeout. FuzzXLSX is about 20 times slower.
## The scanners (FuzzScan*) and erase's rewriting of each format (FuzzRewrite*) too;
## FuzzRewriteXLSX builds a workbook per input and is about 100 times slower.
FUZZTIME ?= 30000x
FUZZXLSX ?= 1500x
FUZZSCAN ?= 10000x
FUZZREWRITE ?= 5000x
FUZZREWRITEXLSX ?= 200x
fuzz: assets
	for f in FuzzCSV FuzzStatTable FuzzGenesis FuzzXML FuzzJSONL; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -parallel 1 -timeout 5m ./pipeline/read/ || exit 1; \
	done
	for f in FuzzScanCSV FuzzScanJSONL FuzzScanXML FuzzScanSheet; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZSCAN) -parallel 1 -timeout 5m ./pipeline/read/ || exit 1; \
	done
	$(GO) test -run '^$$' -fuzz '^FuzzXLSX$$' -fuzztime $(FUZZXLSX) -parallel 1 -timeout 5m ./pipeline/read/
	for f in FuzzRewriteCSV FuzzRewriteJSONL FuzzRewriteXML; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZREWRITE) -parallel 1 -timeout 5m ./pipeline/erase/ || exit 1; \
	done
	$(GO) test -run '^$$' -fuzz '^FuzzRewriteXLSX$$' -fuzztime $(FUZZREWRITEXLSX) -parallel 1 -timeout 5m ./pipeline/erase/

lint: assets
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt would change the files above"; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -w .

clean:
	rm -rf bin $(DEMO)
