package read

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// Rows are described as `2 ["a" "b"]` (line, fields), row errors as `!3 reason`, or
// `!3 [column] reason` when the error names a column.

// maxCalls bounds every loop over Next in the tests: a reader that never reaches the end
// fails the test instead of hanging it.
const maxCalls = 100000

// events reads r to its end and describes what it yielded (see describe). It stops at
// io.EOF (err == nil) or at any other error (returned).
func events(t testing.TB, r Reader) ([]string, error) {
	t.Helper()
	var out []string
	for _, e := range collect(t, r) {
		if e.end != nil {
			return out, e.end
		}
		out = append(out, e.text)
	}
	return out, nil
}

// event is one result of Next: a row, a row error (text set), or the end (io.EOF is
// left out; any other error is in end).
type event struct {
	text string
	row  *Row
	end  error
}

// collect calls Next until io.EOF or an error that is not a *RowError.
func collect(t testing.TB, r Reader) []event {
	t.Helper()
	var out []event
	for range maxCalls {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			if row == nil {
				t.Fatalf("Next returned neither a row nor an error")
			}
			out = append(out, event{text: fmt.Sprintf("%d %q", row.Line, row.Fields), row: row})
		case errors.As(err, &re):
			if row != nil {
				t.Errorf("Next returned a row together with %v", err)
			}
			if re.Column != "" {
				out = append(out, event{text: fmt.Sprintf("!%d [%s] %s", re.Line, re.Column, re.Reason)})
			} else {
				out = append(out, event{text: fmt.Sprintf("!%d %s", re.Line, re.Reason)})
			}
		case err == io.EOF:
			return out
		default:
			return append(out, event{end: err})
		}
	}
	t.Fatalf("Next did not reach the end after %d calls", maxCalls)
	return nil
}

// checkEnd compares the final error with want: "" means io.EOF, anything else must be a
// *FileError whose message (with its line) contains want.
func checkEnd(t testing.TB, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("error %v (%T), want io.EOF", err, err)
		}
		return
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Errorf("error %v (%T), want a *FileError containing %q", err, err, want)
		return
	}
	if !strings.Contains(fe.Error(), want) {
		t.Errorf("FileError %q, want it to contain %q", fe.Error(), want)
	}
}

// checkEvents compares what a reader yielded with want.
func checkEvents(t testing.TB, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("events:\n got %s\nwant %s", strings.Join(quoteAll(got), "\n     "), strings.Join(quoteAll(want), "\n     "))
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		if len(v) > 200 {
			v = v[:200] + "…"
		}
		out[i] = "`" + v + "`"
	}
	if len(out) == 0 {
		return []string{"(none)"}
	}
	return out
}

// closeReader closes r and fails the test if that fails.
func closeReader(t testing.TB, r Reader) {
	t.Helper()
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
