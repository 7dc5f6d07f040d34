package main

import (
	"os"
	"testing"
)

// asIpoint makes the test binary run as the ipoint command (main) instead of the
// tests: for tests that need ipoint in a process of its own, e.g. under another
// account.
const asIpoint = "IPOINT_TEST_RUN_AS_IPOINT"

func TestMain(m *testing.M) {
	if os.Getenv(asIpoint) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
