package analyst

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"

	"ipoint/pipeline/atomicfile"
)

// Accounts is the file of analysts' accounts: names and SCRAM verifiers, never a
// password. The ETL account writes it (ipoint analyst), the service reads it at every
// login, so that a removed account cannot log in again.
type Accounts struct{ Path string }

type accountsFile struct {
	Analysts map[string]string `json:"analysts"` // name -> SCRAM verifier
}

var nameRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,62}$`)

// ValidName says whether name may name an analyst: lower-case letters, digits, _ . -.
func ValidName(name string) bool { return nameRe.MatchString(name) }

func (a Accounts) read() (accountsFile, error) {
	f := accountsFile{Analysts: map[string]string{}}
	b, err := os.ReadFile(a.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("%s: %w", a.Path, err)
	}
	if f.Analysts == nil {
		f.Analysts = map[string]string{}
	}
	return f, nil
}

func (a Accounts) write(f accountsFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(a.Path, append(b, '\n'), 0o640)
}

// Set adds an analyst or replaces her password.
func (a Accounts) Set(name, password string) (replaced bool, err error) {
	if !ValidName(name) {
		return false, fmt.Errorf("ungültiger Name %q: erlaubt sind Kleinbuchstaben, Ziffern, _ . - (mit einem Buchstaben vorn)", name)
	}
	v, err := NewVerifier(password)
	if err != nil {
		return false, err
	}
	f, err := a.read()
	if err != nil {
		return false, err
	}
	_, replaced = f.Analysts[name]
	f.Analysts[name] = v
	return replaced, a.write(f)
}

// Remove deletes an analyst; it reports whether she existed.
func (a Accounts) Remove(name string) (bool, error) {
	f, err := a.read()
	if err != nil {
		return false, err
	}
	if _, ok := f.Analysts[name]; !ok {
		return false, nil
	}
	delete(f.Analysts, name)
	return true, a.write(f)
}

// Names lists the analysts, sorted.
func (a Accounts) Names() ([]string, error) {
	f, err := a.read()
	if err != nil {
		return nil, err
	}
	var out []string
	for n := range f.Analysts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// verifier returns an analyst's verifier; ok is false for an unknown name.
func (a Accounts) verifier(name string) (Verifier, bool, error) {
	f, err := a.read()
	if err != nil {
		return Verifier{}, false, err
	}
	s, ok := f.Analysts[name]
	if !ok {
		return Verifier{}, false, nil
	}
	v, err := ParseVerifier(s)
	if err != nil {
		return Verifier{}, false, err
	}
	return v, true, nil
}
