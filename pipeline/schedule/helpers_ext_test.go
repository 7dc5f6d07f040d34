package schedule_test

import "ipoint/pipeline/schedule"

// The package's test helpers (helpers_test.go), under their usual names.
var (
	berlin = schedule.Berlin
	day    = schedule.Day
	at     = schedule.At
	utc    = schedule.UTC
)
