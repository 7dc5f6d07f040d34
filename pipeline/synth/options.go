// Package synth simulates the Integration Point's world and writes it out as the
// agencies' exports of sources.md, with a ground truth beside them.
package synth

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
)

// Options controls one generation. The zero value of a field means its default.
type Options struct {
	Out      string    // inbox folder; created if missing
	Truth    string    // ground-truth JSON path; must lie outside Out
	Seed     uint64    // same seed and options give byte-identical output
	AsOf     time.Time // newest Stichtag delivered (a date; the time of day is ignored)
	Days     int       // number of daily deliveries ending with AsOf (default 371)
	Scale    float64   // population multiplier (default 1)
	DirtRate float64   // share of rows with injected dirt (default 0.002; negative means none)
	Workers  int       // parallel day writers (default 2)
	Log      *slog.Logger
	// Delivered, when set, is called in day order for every delivered day with the names
	// (in Out) of the files the generation completed for it; with the last day also the
	// files written after the days (the official statistics, what is no export), and
	// after it Generate writes nothing more into Out. It may take the files away (ingest
	// and delete them), so that a long window needs the disk of a few days only: the
	// generation waits for it, a few days ahead at most. An error stops the generation.
	Delivered func(day time.Time, files []string) error
	// From, when set, resumes a long generation at that Stichtag (within the window): the
	// files of every day from From on are byte for byte those of the whole generation and
	// are handed to Delivered as it would; nothing of an earlier day is written or handed
	// over. The days of From's month before it are simulated only for the month's
	// consultation file, the days before that month not at all, so the ground truth
	// counts from From's month on only (its "resumed_from" says so).
	From time.Time
}

// Defaults for Options.
const (
	DefaultDays     = 371
	DefaultScale    = 1.0
	DefaultDirtRate = 0.002
	MaxDirtRate     = 0.05
)

func (o *Options) normalise() error {
	if o.Out == "" {
		return fmt.Errorf("synth: no output folder")
	}
	if o.Truth == "" {
		return fmt.Errorf("synth: no ground-truth path")
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	truth, err := filepath.Abs(o.Truth)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(out, truth); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("synth: ground truth %s must not lie inside the inbox %s", o.Truth, o.Out)
	}
	if o.AsOf.IsZero() {
		return fmt.Errorf("synth: no as-of date")
	}
	o.AsOf = time.Date(o.AsOf.Year(), o.AsOf.Month(), o.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	if o.Days == 0 {
		o.Days = DefaultDays
	}
	if o.Days < 1 || o.Days > 3660 {
		return fmt.Errorf("synth: days %d out of range 1..3660", o.Days)
	}
	if !o.From.IsZero() {
		o.From = time.Date(o.From.Year(), o.From.Month(), o.From.Day(), 0, 0, 0, 0, time.UTC)
		if first := o.AsOf.AddDate(0, 0, 1-o.Days); o.From.Before(first) || o.From.After(o.AsOf) {
			return fmt.Errorf("synth: resuming day %s outside the window %s..%s", o.From.Format(time.DateOnly),
				first.Format(time.DateOnly), o.AsOf.Format(time.DateOnly))
		}
	}
	if o.Scale == 0 {
		o.Scale = DefaultScale
	}
	if o.Scale < 0.01 || o.Scale > 1000 {
		return fmt.Errorf("synth: scale %g out of range 0.01..1000", o.Scale)
	}
	switch {
	case o.DirtRate == 0:
		o.DirtRate = DefaultDirtRate
	case o.DirtRate < 0:
		o.DirtRate = 0
	case o.DirtRate > MaxDirtRate:
		return fmt.Errorf("synth: dirt rate %g above %g", o.DirtRate, MaxDirtRate)
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}
