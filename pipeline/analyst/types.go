package analyst

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"ipoint/pipeline/warehouse"
)

// PostgreSQL type OIDs (pg_type.dat).
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidVarchar     = 1043
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidInterval    = 1186
	oidTimetz      = 1266
	oidNumeric     = 1700
	oidUUID        = 2950
)

// pgType maps a DuckDB type name to its PostgreSQL OID, size and type modifier.
func pgType(duck string) (oid uint32, size int16, mod int32) {
	base, args, _ := strings.Cut(duck, "(")
	switch base {
	case "BOOLEAN":
		return oidBool, 1, -1
	case "TINYINT", "SMALLINT", "UTINYINT":
		return oidInt2, 2, -1
	case "INTEGER", "USMALLINT":
		return oidInt4, 4, -1
	case "BIGINT", "UINTEGER":
		return oidInt8, 8, -1
	case "UBIGINT", "HUGEINT", "UHUGEINT":
		return oidNumeric, -1, -1
	case "DECIMAL":
		var p, s int32
		if _, err := fmt.Sscanf(strings.TrimSuffix(args, ")"), "%d,%d", &p, &s); err == nil {
			return oidNumeric, -1, (p<<16 | s) + 4
		}
		return oidNumeric, -1, -1
	case "FLOAT":
		return oidFloat4, 4, -1
	case "DOUBLE":
		return oidFloat8, 8, -1
	case "DATE":
		return oidDate, 4, -1
	case "TIME":
		return oidTime, 8, -1
	case "TIMETZ":
		return oidTimetz, 12, -1
	case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return oidTimestamp, 8, -1
	case "TIMESTAMPTZ":
		return oidTimestamptz, 8, -1
	case "INTERVAL":
		return oidInterval, 16, -1
	case "BLOB":
		return oidBytea, -1, -1
	case "UUID":
		return oidUUID, 16, -1
	case "JSON":
		return oidJSON, -1, -1
	case "VARCHAR":
		return oidVarchar, -1, -1
	}
	return oidText, -1, -1 // lists, structs, maps, enums, NULL: their text
}

// encodeText renders a value in PostgreSQL's text format; nil is SQL NULL.
func encodeText(v any, duck string) []byte {
	v = warehouse.Plain(v)
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		if x {
			return []byte("t")
		}
		return []byte("f")
	case string:
		return []byte(x)
	case []byte:
		if strings.HasPrefix(duck, "UUID") && len(x) == 16 {
			h := hex.EncodeToString(x)
			return []byte(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
		}
		return []byte(`\x` + hex.EncodeToString(x))
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return []byte(fmt.Sprint(x))
	case *big.Int:
		return []byte(x.String())
	case float32:
		return []byte(formatFloat(float64(x), 32))
	case float64:
		return []byte(formatFloat(x, 64))
	case warehouse.DecimalText:
		return []byte(x)
	case warehouse.IntervalText:
		return []byte(x)
	case time.Time:
		return []byte(formatTime(x, duck))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			b := encodeText(e, "")
			switch {
			case b == nil:
				parts[i] = "NULL"
			default:
				parts[i] = arrayElem(string(b))
			}
		}
		return []byte("{" + strings.Join(parts, ",") + "}")
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return []byte(fmt.Sprint(x))
		}
		return b
	case fmt.Stringer:
		return []byte(x.String())
	}
	return []byte(fmt.Sprint(v))
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

func formatTime(t time.Time, duck string) string {
	switch {
	case strings.HasPrefix(duck, "DATE"):
		return t.Format("2006-01-02")
	case duck == "TIME":
		return t.Format("15:04:05.999999")
	case duck == "TIMETZ":
		return t.Format("15:04:05.999999-07")
	case duck == "TIMESTAMPTZ":
		return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
	}
	return t.Format("2006-01-02 15:04:05.999999")
}

func arrayElem(s string) string {
	if s == "" || strings.ContainsAny(s, `{},"\ `) || strings.EqualFold(s, "null") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return s
}

// decodeParam turns a parameter sent as text into a value DuckDB binds as the
// parameter's type.
func decodeParam(b []byte, duck string) (any, error) {
	if b == nil {
		return nil, nil
	}
	s := string(b)
	base, _, _ := strings.Cut(duck, "(")
	switch base {
	case "BOOLEAN":
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "t", "true", "1", "yes", "on", "y":
			return true, nil
		case "f", "false", "0", "no", "off", "n":
			return false, nil
		}
		return nil, fmt.Errorf("%q ist kein Wahrheitswert", s)
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER":
		return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	case "FLOAT", "DOUBLE":
		return strconv.ParseFloat(strings.TrimSpace(s), 64)
	}
	return s, nil // DuckDB casts text to dates, decimals and the rest
}
