package suppress

import "testing"

func TestCheckKAndSymbols(t *testing.T) {
	for _, k := range []int64{-1, 0, 1, 2} {
		if CheckK(k) == nil {
			t.Errorf("k = %d accepted", k)
		}
	}
	if CheckK(3) != nil {
		t.Error("k = 3 refused")
	}
	s := NewSystem()
	s.Figure("a", 1, Open)
	if err := s.Protect(2, 3); err == nil {
		t.Error("Protect accepted k = 2")
	}
	if err := s.Protect(3, 2); err == nil {
		t.Error("Protect accepted a width below k")
	}
	if Symbol(0, false, nil) != None || Symbol(2, true, nil) != Secret {
		t.Error("symbols")
	}
}
