// Package mathfn supplies SQLite's built-in math functions (ln, log, exp,
// pow, sqrt, floor, ceil, the trigonometric functions, ...) to a host SQLite
// compiled without them, as the SQLite that mattn/go-sqlite3 embeds is when
// built with no tags. They follow SQLite's own definitions: a NULL or
// non-numeric argument gives NULL, as does a result outside the real
// numbers (sqrt(-1), ln(0)); ceil, floor and trunc keep INTEGER arguments
// as they are. A host that has them keeps its own.
package mathfn

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

// Functions is SQLite's math function set, as SQLite documents it.
var Functions = []core.Function{
	unary("acos", cAcos), unary("acosh", cAcosh), unary("asin", cAsin),
	unary("asinh", cAsinh), unary("atan", cAtan), unary("atanh", cAtanh),
	unary("cos", cCos), unary("cosh", cCosh), unary("sin", cSin),
	unary("sinh", cSinh), unary("tan", cTan), unary("tanh", cTanh),
	unary("exp", cExp), unary("sqrt", math.Sqrt), // sqrt is exact in both
	unary("degrees", func(x float64) float64 { return x * 180 / math.Pi }),
	unary("radians", func(x float64) float64 { return x * math.Pi / 180 }),
	unary("ln", positive(cLog)), unary("log10", positive(log10)), unary("log2", positive(log2)),
	rounding("ceil", math.Ceil), rounding("ceiling", math.Ceil), rounding("floor", math.Floor), rounding("trunc", math.Trunc),
	binary("atan2", cAtan2), binary("pow", cPow), binary("power", cPow), binary("mod", cFmod),
	{Name: "pi", Signature: "pi()", Summary: "an approximation of π", Deterministic: true,
		Scalar: func(_ *core.Conn, args []any) (any, error) {
			if len(args) != 0 {
				return nil, errors.New("wrong number of arguments to function pi()")
			}
			return math.Pi, nil
		}},
	{Name: "log", Signature: "log([B,] X)", Summary: "the base-10 logarithm of X, or the base-B logarithm", Deterministic: true,
		Scalar: func(_ *core.Conn, args []any) (any, error) {
			switch len(args) {
			case 1:
				x, ok := number(args[0])
				if !ok || x <= 0 {
					return nil, nil
				}
				return log10(x), nil
			case 2:
				b, ok1 := number(args[0])
				x, ok2 := number(args[1])
				if !ok1 || !ok2 || b <= 1 || x <= 0 { // SQLite: NULL unless ln(B) > 0
					return nil, nil
				}
				return cLog(x) / cLog(b), nil
			}
			return nil, errors.New("wrong number of arguments to function log()")
		}},
}

// RegisterMissing registers the math functions on c when the host SQLite
// was compiled without them (without SQLITE_ENABLE_MATH_FUNCTIONS). It asks
// the compile options rather than trying a statement: a connection being
// opened has no busy timeout yet, so a statement could fail while another
// connection commits.
func RegisterMissing(c *core.Conn) error {
	if sqlext.CompileOption("ENABLE_MATH_FUNCTIONS") {
		return nil
	}
	return core.Register(c, Functions)
}

// number converts an argument as sqlite3_value_numeric_type does; ok is
// false for NULL and for what does not read as a number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// SQLite takes the natural logarithm and divides, rather than calling the C
// library's log10 and log2 (log10(1000) is 2.9999999999999996 there).
func log10(x float64) float64 { return cLog(x) / math.Ln10 }
func log2(x float64) float64  { return cLog(x) / math.Ln2 }

func positive(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return math.NaN()
		}
		return f(x)
	}
}

func unary(name string, f func(float64) float64) core.Function {
	return core.Function{Name: name, Signature: name + "(X)", Deterministic: true,
		Scalar: func(_ *core.Conn, args []any) (any, error) {
			if len(args) != 1 {
				return nil, errors.New("wrong number of arguments to function " + name + "()")
			}
			x, ok := number(args[0])
			if !ok {
				return nil, nil
			}
			return f(x), nil // NaN is returned as NULL
		}}
}

func rounding(name string, f func(float64) float64) core.Function {
	return core.Function{Name: name, Signature: name + "(X)", Deterministic: true,
		Scalar: func(_ *core.Conn, args []any) (any, error) {
			if len(args) != 1 {
				return nil, errors.New("wrong number of arguments to function " + name + "()")
			}
			if i, ok := args[0].(int64); ok {
				return i, nil
			}
			x, ok := number(args[0])
			if !ok {
				return nil, nil
			}
			return f(x), nil
		}}
}

func binary(name string, f func(float64, float64) float64) core.Function {
	return core.Function{Name: name, Signature: name + "(X, Y)", Deterministic: true,
		Scalar: func(_ *core.Conn, args []any) (any, error) {
			if len(args) != 2 {
				return nil, errors.New("wrong number of arguments to function " + name + "()")
			}
			x, ok1 := number(args[0])
			y, ok2 := number(args[1])
			if !ok1 || !ok2 {
				return nil, nil
			}
			return f(x, y), nil
		}}
}
