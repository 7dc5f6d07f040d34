package schedule

// The helpers of helpers_test.go, for the tests in package schedule_test.
var (
	Berlin = berlin
	Day    = day
	At     = at
	UTC    = utc
)
