package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestDateOf(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"midnight UTC", time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), "2026-11-27"},
		{"late in the day", time.Date(2026, 11, 27, 23, 59, 59, 999, time.UTC), "2026-11-27"},
		// The day on the clock of t's location, as Day reads it: 00:30 in Berlin is the
		// 28th there though still the 27th in UTC.
		{"in its location", time.Date(2026, 11, 28, 0, 30, 0, 0, berlin), "2026-11-28"},
		{"leap day", time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), "2028-02-29"},
		{"zero time", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := domain.DateOf(tt.in)
			if got := d.String(); got != tt.want {
				t.Errorf("DateOf(%v).String() = %q, want %q", tt.in, got, tt.want)
			}
			if got, want := d.Time(), domain.Day(tt.in); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("DateOf(%v).Time() = %v, want %v", tt.in, got, want)
			}
			if d.IsZero() != (tt.want == "") {
				t.Errorf("DateOf(%v).IsZero() = %t", tt.in, d.IsZero())
			}
		})
	}
}

func TestDateCompare(t *testing.T) {
	a, b := domain.NewDate(2026, 11, 27), domain.NewDate(2026, 11, 28)
	tests := []struct {
		name  string
		x, y  domain.Date
		want  int
		equal bool
	}{
		{"before", a, b, -1, false},
		{"after", b, a, 1, false},
		{"same day", a, domain.DateOf(time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)), 0, true},
		{"normalised", b, domain.NewDate(2026, 10, 59), 0, true},
		{"zero first", domain.Date{}, a, -1, false},
		{"both zero", domain.Date{}, domain.DateOf(time.Time{}), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.x.Compare(tt.y); got != tt.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tt.x, tt.y, got, tt.want)
			}
			if got := tt.x.Equal(tt.y); got != tt.equal {
				t.Errorf("%v.Equal(%v) = %t, want %t", tt.x, tt.y, got, tt.equal)
			}
			if got := tt.x == tt.y; got != tt.equal {
				t.Errorf("%v == %v is %t, want %t", tt.x, tt.y, got, tt.equal)
			}
			if got := cmp.Equal(tt.x, tt.y); got != tt.equal {
				t.Errorf("cmp.Equal(%v, %v) = %t, want %t", tt.x, tt.y, got, tt.equal)
			}
		})
	}
}

// dated is how results hold dates: always written, or left out when there is none.
type dated struct {
	AsOf  domain.Date `json:"as_of"`
	Since domain.Date `json:"since,omitzero"`
}

func TestDateJSON(t *testing.T) {
	tests := []struct {
		name string
		in   dated
		want string
	}{
		{"both", dated{domain.NewDate(2026, 11, 27), domain.NewDate(2026, 11, 20)}, `{"as_of":"2026-11-27","since":"2026-11-20"}`},
		{"no since", dated{AsOf: domain.NewDate(2026, 1, 5)}, `{"as_of":"2026-01-05"}`},
		{"none", dated{}, `{"as_of":""}`},
		{"year before 1000", dated{AsOf: domain.NewDate(999, 12, 31)}, `{"as_of":"0999-12-31"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal = %s, want %s", b, tt.want)
			}
			var back dated
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if diff := cmp.Diff(tt.in, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDateUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    dated
		wantErr bool
	}{
		{"date", `{"as_of":"2026-11-27"}`, dated{AsOf: domain.NewDate(2026, 11, 27)}, false},
		{"empty", `{"as_of":"","since":""}`, dated{}, false},
		{"null", `{"as_of":null}`, dated{}, false},
		{"missing", `{}`, dated{}, false},
		{"not a date", `{"as_of":"27/11/2026"}`, dated{}, true},
		{"a time", `{"as_of":"2026-11-27T00:00:00Z"}`, dated{}, true},
		{"no such day", `{"as_of":"2026-02-30"}`, dated{}, true},
		{"a number", `{"as_of":20261127}`, dated{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got dated
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("Unmarshal(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestDateText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    domain.Date
		wantErr bool
	}{
		{"date", "2026-11-27", domain.NewDate(2026, 11, 27), false},
		{"empty", "", domain.Date{}, false},
		{"bad", "2026-13-01", domain.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got domain.Date
			err := got.UnmarshalText([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("UnmarshalText(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				if domain.ErrorCode(err) != domain.EINVALID {
					t.Errorf("UnmarshalText(%q) error code = %s, want %s", tt.in, domain.ErrorCode(err), domain.EINVALID)
				}
				return
			}
			if got != tt.want {
				t.Errorf("UnmarshalText(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if b, _ := got.MarshalText(); string(b) != tt.in {
				t.Errorf("MarshalText = %q, want %q", b, tt.in)
			}
		})
	}
	// As a map key, a date is its text.
	b, err := json.Marshal(map[domain.Date]int{domain.NewDate(2026, 11, 27): 1})
	if err != nil || string(b) != `{"2026-11-27":1}` {
		t.Errorf("Marshal(map) = %s, %v; want {\"2026-11-27\":1}", b, err)
	}
}

// TestStoredJSONReadsAsBefore reads scenarios and digest snapshots as stores kept them
// when their dates were strings: they load with the same dates and write the same bytes
// again.
func TestStoredJSONReadsAsBefore(t *testing.T) {
	scenario := `{"account_id":"A0001","account_name":"Acme Manufacturing","author":"command line",` +
		`"created_at":"2026-12-07T11:32:05.956812501Z","as_of":"2026-11-20","ledger":null,` +
		`"deal":{"terms":{"discount":0.03,"x":"Fasteners","x_is_sku":false,"months":12,"qty":100,"y":"FAS-0013","yearly":true},` +
		`"revenue_x":59834.530000000006,"gp_x":29778.820000000007,"margin_x":0.4976862022648127,"concession":1795.0359,` +
		`"required_volume_increase":0.06414557422203666,"price_y":8.69,"unit_cost_y":4.29,"unit_gp_y":4.3999999999999995,` +
		`"gain":439.99999999999994,"priced_gives":0,"priced_gets":0,"net":-1355.0359,"break_even_qty":407.96270454545464,` +
		`"verdict":"dilutive"}}`
	snapshot := `{"territory":"Northeast","week":"2026-11-24","as_of":"2026-11-20","current":2724659.31,` +
		`"potential":8426201.5,"gap":5701542.19,"share":0.3233553,"tiers":{"A0001":"Core Customer"},` +
		`"created_at":"2026-11-24T14:00:00Z"}`
	sc, snap := new(domain.Scenario), new(domain.DigestSnapshot)
	tests := []struct {
		name  string
		data  string
		into  any
		dates func() []domain.Date
		want  []domain.Date
	}{
		{"scenario", scenario, sc, func() []domain.Date { return []domain.Date{sc.AsOf} },
			[]domain.Date{domain.NewDate(2026, 11, 20)}},
		{"digest snapshot", snapshot, snap, func() []domain.Date { return []domain.Date{snap.Week, snap.AsOf} },
			[]domain.Date{domain.NewDate(2026, 11, 24), domain.NewDate(2026, 11, 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tt.data), tt.into); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.dates()); diff != "" {
				t.Errorf("dates (-want +got):\n%s", diff)
			}
			b, err := json.Marshal(tt.into)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.data {
				t.Errorf("written again:\n%s\nwant:\n%s", b, tt.data)
			}
		})
	}
}

// TestResultsWithoutDates checks what results write for a date they do not have: ""
// where the field was always written, nothing where it was left out when empty.
func TestResultsWithoutDates(t *testing.T) {
	tests := []struct {
		name      string
		v         any
		has, lack []string
	}{
		{"territory grades without an earlier grading", domain.TerritoryGrades{}, []string{`"as_of":""`}, []string{`"since"`}},
		{"growth with the year-ago sales on file", domain.Growth{}, []string{`"as_of":""`}, []string{`"last_year_from"`}},
		{"scenario", domain.Scenario{}, []string{`"as_of":""`}, nil},
		{"digest change", domain.DigestChange{}, []string{`"since":""`}, nil},
		{"overdue invoice", domain.OverdueInvoice{}, []string{`"invoice_date":"","due_date":""`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.has {
				if !strings.Contains(string(b), s) {
					t.Errorf("%s lacks %s", b, s)
				}
			}
			for _, s := range tt.lack {
				if strings.Contains(string(b), s) {
					t.Errorf("%s has %s", b, s)
				}
			}
		})
	}
}
