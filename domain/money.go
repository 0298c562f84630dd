package domain

import (
	"encoding/json"
	"math"
	"reflect"
	"sync"
)

// Results are computed in float64 and keep full precision, but a reply's JSON writes
// money the way people count it (DESIGN section 4), so that the same question on the
// same data gives the same bytes. A float field of a result says what it holds with
// a money struct tag:
//
//	Current float64 `json:"current" money:"amount"` // an amount of money or a sum of them: to the cent
//	PriceY  float64 `json:"price_y" money:"unit"`   // a unit price or a cost per use: to 4 decimals
//
// Untagged floats (ratios, scores, quantities, days) are written as computed. The tag
// applies through pointers, slices, arrays and maps (NeededPerMonth *float64). RoundMoney
// applies the tags; a result keeps its full precision for the text replies and for
// storage.
const (
	MoneyAmount = "amount" // to AmountDecimals
	MoneyUnit   = "unit"   // to UnitDecimals

	AmountDecimals = 2
	UnitDecimals   = 4
)

// RoundMoney returns a copy of v in which every float tagged money:"amount" is rounded
// to the cent and every float tagged money:"unit" to 4 decimals (see MoneyAmount), for
// writing v as JSON. It does not change v, whose slices may be shared with a cache.
// Values that marshal themselves (time.Time, json.RawMessage) are kept as they are.
func RoundMoney(v any) any {
	if v == nil {
		return nil
	}
	return roundedCopy(reflect.ValueOf(v), -1).Interface()
}

// RoundTo rounds x to the given number of decimals, half away from zero, and makes −0
// a plain 0 (JSON would write "-0"). The result is the float64 nearest the decimal, so
// JSON writes it with at most that many decimals (1492207.1, not 1492207.0999999996).
func RoundTo(x float64, decimals int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow10(decimals)
	r := math.Round(x*p) / p
	if r == 0 {
		return 0
	}
	return r
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// moneyDecimals returns the decimals of a field's money tag, -1 when it has none.
func moneyDecimals(f reflect.StructField) int {
	switch f.Tag.Get("money") {
	case MoneyAmount:
		return AmountDecimals
	case MoneyUnit:
		return UnitDecimals
	}
	return -1
}

// holdsMoney caches, by type, whether a value of the type may hold a money-tagged float:
// values of other types are shared, not copied.
var holdsMoney sync.Map // reflect.Type → bool

// mayHoldMoney reports whether a value of type t may hold a money-tagged float: through
// its fields, elements or pointee, or (an interface) whatever it holds.
func mayHoldMoney(t reflect.Type) bool {
	if v, ok := holdsMoney.Load(t); ok {
		return v.(bool)
	}
	holdsMoney.Store(t, true) // while it is worked out (a type that holds itself): copying more is safe
	var may bool
	switch t.Kind() {
	case reflect.Interface:
		may = true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		may = mayHoldMoney(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && (moneyDecimals(f) >= 0 || mayHoldMoney(f.Type)) {
				may = true
				break
			}
		}
	}
	may = may && !t.Implements(marshalerType)
	holdsMoney.Store(t, may)
	return may
}

// roundedCopy copies v, rounding floats to decimals (none when decimals < 0) and every
// struct's fields by their own tags. What cannot hold money is shared, not copied.
func roundedCopy(v reflect.Value, decimals int) reflect.Value {
	t := v.Type()
	if t.Implements(marshalerType) {
		return v
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if decimals < 0 {
			return v
		}
		out := reflect.New(t).Elem()
		out.SetFloat(RoundTo(v.Float(), decimals))
		return out
	case reflect.Pointer:
		if v.IsNil() || (decimals < 0 && !mayHoldMoney(t)) {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(roundedCopy(v.Elem(), decimals))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(roundedCopy(v.Elem(), decimals))
		return out
	case reflect.Slice:
		if v.IsNil() || (decimals < 0 && !mayHoldMoney(t)) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(roundedCopy(v.Index(i), decimals))
		}
		return out
	case reflect.Array:
		if decimals < 0 && !mayHoldMoney(t) {
			return v
		}
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(roundedCopy(v.Index(i), decimals))
		}
		return out
	case reflect.Map:
		if v.IsNil() || (decimals < 0 && !mayHoldMoney(t)) {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), roundedCopy(it.Value(), decimals))
		}
		return out
	case reflect.Struct:
		if !mayHoldMoney(t) {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(v) // every field, unexported ones too; JSON does not write those
		for i := range t.NumField() {
			f := t.Field(i)
			if d := moneyDecimals(f); f.IsExported() && (d >= 0 || mayHoldMoney(f.Type)) {
				out.Field(i).Set(roundedCopy(v.Field(i), d))
			}
		}
		return out
	}
	return v
}
