package pipeline

// The lake's vocabulary: a typed record with its fields, independent of Parquet.

// FieldType is the logical type of a lake column.
type FieldType int

const (
	String FieldType = iota
	Date             // days since 1970-01-01
	Int32
	Int64
	Double
	Bool
)

// Field is one column of a lake table.
type Field struct {
	Name     string
	Type     FieldType
	Optional bool // may be null
	Dict     bool // few distinct values (codes): dictionary-encode
}

// Value is one typed cell. Which member holds the value follows the field's type:
// S for String; I for Date, Int32, Int64 and Bool (0/1); F for Double.
type Value struct {
	S    string
	I    int64
	F    float64
	Null bool
}

// Record is a row of values in the order of its table's fields.
type Record []Value

// Equal reports whether two values are the same.
func (v Value) Equal(w Value) bool {
	return v.Null == w.Null && v.S == w.S && v.I == w.I && v.F == w.F
}

// Finding is something the ingest found in a row: a reason to reject it, or a remark
// on a row it kept. Positions are those staff need to find the row in the delivered
// file; Value never holds personal data in clear text.
type Finding struct {
	File     string
	Line     int    // line, sheet row or JSON line; 0 for the file as a whole
	Column   string // the contract's column name; empty for the row as a whole
	Kind     string // rule code, e.g. invalid_date (see source.Kinds)
	Rejected bool   // true: the row is not in the lake
	Reason   string // German, for staff
	Value    string // the offending value, pseudonymised or removed where personal
}
