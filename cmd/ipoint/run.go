package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"ipoint/pipeline/jobs"
)

// Exit codes, one meaning each (README "Exit codes"); the jobs' own come from
// pipeline/jobs.
const (
	exitOK        = jobs.ExitOK        // success
	exitFailure   = jobs.ExitFailure   // failed
	exitUsage     = 2                  // wrong call or invalid configuration
	exitProblems  = jobs.ExitProblems  // finished, but input was rejected or a check failed
	exitLocked    = jobs.ExitLocked    // another run holds the lock
	exitCancelled = jobs.ExitCancelled // cancelled (SIGINT, SIGTERM)
)

// env is what a command may touch of its process: streams, environment and clock.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	tick           ticker // the heartbeat's ticker (nil: a real one)
}

type command struct {
	name    string
	summary string // German, for staff
	run     func(ctx context.Context, args []string, e env) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// problemsError marks a run that finished but left something for staff: exit code 3.
type problemsError = jobs.ProblemsError

// usageError marks a wrong call: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// ExitCode makes a wrong call's code known to the jobs' run record.
func (u usageError) ExitCode() int { return exitUsage }

// run dispatches to a subcommand and turns its error into the exit code.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "ipoint: unbekannter Befehl %q (ipoint help zeigt alle Befehle)\n", args[0])
		return exitUsage
	}
	err := c.run(ctx, args[1:], e)
	return exitCode(ctx, err, e)
}

// exitCode turns a command's error into its exit code and tells staff in German what
// happened and what to do; a failure's English detail goes to the log.
func exitCode(ctx context.Context, err error, e env) int {
	stderr := e.stderr
	var u usageError
	var p problemsError
	var c configError
	var l jobs.LockedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &p):
		fmt.Fprintf(stderr, "ipoint: beendet mit Problemen: %s\n", p.Msg)
		return exitProblems
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &l):
		fmt.Fprintf(stderr, "ipoint: %s. Nichts getan: warten, bis er fertig ist (ipoint status zeigt die Läufe).\n", l.Error())
		return exitLocked
	case errors.As(err, &c):
		fmt.Fprintf(stderr, "ipoint: %s\n", c.Error())
		return exitUsage
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "ipoint: %s\n", u.msg)
		return exitUsage
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "ipoint: abgebrochen")
		return exitCancelled
	}
	logger(e).Error("command failed", "err", err.Error())
	if msg := staffMessage(err); msg != err.Error() {
		fmt.Fprintf(stderr, "ipoint: Fehler: %s\n", msg)
	} else {
		fmt.Fprintf(stderr, "ipoint: Fehler: %v\n", err)
	}
	return exitFailure
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `ipoint – Datenpipeline und Berichte des Integration Point Siegen-Wittgenstein/Olpe

Aufruf:  ipoint BEFEHL [Optionen]

Befehle:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Jeder Befehl arbeitet auf einem Datenverzeichnis (--home DIR oder IPOINT_HOME).
"ipoint BEFEHL --help" zeigt die Optionen eines Befehls.
`)
}

// newFlags makes a flag set whose help text goes to stdout.
func newFlags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Aufruf: ipoint %s [Optionen]\n\n%s\n\nOptionen:\n", name, synopsis)
		printFlags(e.stdout, fs)
	}
	return fs
}

// printFlags lists the flags in German: "--name WERT  text (Vorgabe: x)".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if kind != "" {
			left += " " + map[string]string{"string": "TEXT", "int": "N", "uint": "N", "float": "X", "duration": "DAUER"}[kind]
		}
		fmt.Fprintf(w, "  %-18s %s", left, text)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			fmt.Fprintf(w, " (Vorgabe: %s)", strings.ReplaceAll(f.DefValue, ".", ","))
		}
		fmt.Fprintln(w)
	})
}

// parse parses args: a bad flag becomes a usage error, --help prints the help.
func parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return err
	case err != nil:
		return usageError{flagError(fs.Name(), err)}
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("unerwartetes Argument %q", fs.Arg(0))}
	}
	return nil
}

// logger returns the developers' log: text on a terminal, JSON for the batch. It logs
// counts and positions, never cell values.
func logger(e env) *slog.Logger {
	if isTerminal(e.stderr) {
		return slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, nil))
}
