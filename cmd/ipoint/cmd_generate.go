package main

import (
	"context"
	"fmt"
	"path/filepath"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/synth"
	"ipoint/reports/german"
)

func init() {
	register(command{name: "generate", summary: "synthetische Lieferungen der Behörden erzeugen (Demo, Tests, Lasttests)", run: runGenerate})
}

func runGenerate(ctx context.Context, args []string, e env) error {
	fs := newFlags("generate", `Erzeugt die sechs Lieferungen der Behörden (sources.md) als synthetische Daten in
den Posteingang und daneben die Wahrheit der Simulation (groundtruth.json). Gleicher
Seed, gleiche Optionen: byte-gleiche Dateien.`, e)
	homeDir := homeFlag(fs)
	out := fs.String("out", "", "Zielordner der Lieferungen (Vorgabe: HOME/inbox)")
	truth := fs.String("truth", "", "Datei der Wahrheit, außerhalb des Posteingangs (Vorgabe: HOME/synth/groundtruth.json)")
	seed := fs.Uint64("seed", 1, "Startwert des Zufalls")
	asOf := fs.String("as-of", "", "letzter Stichtag JJJJ-MM-TT (Vorgabe: gestern)")
	days := fs.Int("days", synth.DefaultDays, "Zahl der täglichen Lieferungen bis zum Stichtag")
	scale := fs.Float64("scale", synth.DefaultScale, "Faktor auf die Bevölkerung (300 ist etwa ganz Deutschland)")
	dirt := fs.Float64("dirt-rate", synth.DefaultDirtRate, "Anteil fehlerhafter Zeilen, 0 bis 0,05 (0: keine)")
	workers := fs.Int("workers", 2, "parallele Arbeiter")
	if err := parse(fs, args); err != nil {
		return err
	}
	opt := synth.Options{Out: *out, Truth: *truth, Seed: *seed, Days: *days, Scale: *scale, DirtRate: *dirt,
		Workers: *workers, Log: logger(e)}
	if *dirt == 0 {
		opt.DirtRate = -1 // an explicit 0 means no dirt
	}
	if opt.Out == "" || opt.Truth == "" {
		h, err := resolveHome(*homeDir, e)
		if err != nil {
			return err
		}
		if opt.Out == "" {
			opt.Out = h.inbox()
		}
		if opt.Truth == "" {
			opt.Truth = filepath.Join(h.synth(), "groundtruth.json")
		}
	}
	if *asOf == "" {
		// Yesterday in the office's zone: the generator runs without a configuration.
		opt.AsOf = civil.Of(e.now(), civil.Berlin).AddDays(-1).Time()
	} else {
		d, err := civil.Parse(*asOf)
		if err != nil {
			return usageError{fmt.Sprintf("--as-of %q ist kein Datum JJJJ-MM-TT", *asOf)}
		}
		opt.AsOf = d.Time()
	}
	s, err := synth.Generate(ctx, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Synthetische Lieferungen erzeugt: %s Dateien, %s Zeilen, %s eingestreute Fehler.\n",
		german.Int(int64(s.Files)), german.Int(s.Rows), german.Int(int64(s.Dirt)))
	fmt.Fprintf(e.stdout, "Stichtage %s bis %s; aktive Kunden am letzten Stichtag: %s.\n",
		german.Date(s.First), german.Date(s.AsOf), german.Int(int64(s.Caseload)))
	fmt.Fprintf(e.stdout, "Posteingang: %s\nWahrheit:    %s\n", opt.Out, opt.Truth)
	return nil
}
