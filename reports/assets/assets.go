// Package assets embeds the JavaScript the reports carry inline, so that a report opens
// without any network request: ECharts (from the npm registry, pinned in
// package-lock.json) with its German locale and its licence notice. `make assets`
// copies them from node_modules; they are not committed.
package assets

import _ "embed"

// ECharts is the minified ECharts library.
//
//go:embed echarts.min.js
var ECharts string

// LocaleDE registers ECharts' German texts (toolbox, tooltips).
//
//go:embed langDE.js
var LocaleDE string

// License is ECharts' licence and notice (Apache License 2.0), shipped in every report.
//
//go:embed ECHARTS-LICENSE.txt
var License string

// Version is the pinned ECharts version (package.json).
const Version = "5.6.0"
