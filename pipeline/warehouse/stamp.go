package warehouse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"ipoint/pipeline/civil"
)

// Stamp is what a warehouse was built from, as its table aufbau records it.
type Stamp struct {
	DataVersion string    // the SHA-256 of the lake's manifest
	Day         civil.Day // the civil day it was built for
	Stand       civil.Day // the newest delivered Stichtag
}

// ReadStamp reads the stamp of the warehouse at path. A missing file is os.ErrNotExist.
func ReadStamp(ctx context.Context, path string) (Stamp, error) {
	if _, err := os.Stat(path); err != nil {
		return Stamp{}, err
	}
	db, err := OpenReadOnly(path)
	if err != nil {
		return Stamp{}, err
	}
	defer db.Close()
	var (
		st         Stamp
		day, stand *time.Time
	)
	if err := db.QueryRowContext(ctx, `SELECT datenversion, tag, stand FROM aufbau`).Scan(&st.DataVersion, &day, &stand); err != nil {
		return Stamp{}, fmt.Errorf("warehouse %s has no readable build stamp: %w", path, err)
	}
	if day != nil {
		st.Day = civil.FromTime(*day)
	}
	if stand != nil {
		st.Stand = civil.FromTime(*stand)
	}
	return st, nil
}

// Staleness says whether a warehouse is current, and if not, why.
type Staleness int

// The answers of Currency.
const (
	Current    Staleness = iota // built from this data version for this day
	Missing                     // there is no warehouse file
	Unreadable                  // the file or its stamp cannot be read (an old or broken file)
	OtherDay                    // built for an earlier (or later) day
	OtherData                   // built from another state of the lake
)

// Currency answers whether the warehouse at path is current for the lake's data
// version and the civil day: no decision rests on a file's modification time.
func Currency(ctx context.Context, path, dataVersion string, day civil.Day) Staleness {
	st, err := ReadStamp(ctx, path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Missing
	case err != nil:
		return Unreadable
	case !st.Day.Equal(day):
		return OtherDay
	case st.DataVersion != dataVersion:
		return OtherData
	}
	return Current
}
