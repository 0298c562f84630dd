package demo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the timezone check must not depend on the machine's zoneinfo

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/domain"
)

var end = time.Date(2025, 11, 27, 0, 0, 0, 0, time.UTC)

// wantHeaders are the columns of DESIGN section 2, in the order Summary lists the files.
var wantHeaders = []struct {
	file    string
	columns []string
}{
	{"territories.csv", []string{"territory", "manager", "digest_channel", "timezone", "digest_day", "digest_hour"}},
	{"people.csv", []string{"email", "name", "role", "territory", "slack_user_id", "teams_user_id"}},
	{"accounts.csv", []string{"account_id", "name", "territory", "owner", "industry", "aliases", "payment_terms_days", "employees"}},
	{"products.csv", []string{"sku", "name", "category", "list_price", "unit_cost", "uses_per_unit", "unit_of_use"}},
	{"sales.csv", []string{"date", "account_id", "sku", "quantity", "amount", "cost", "invoice_id"}},
	{"potential.csv", []string{"account_id", "category", "annual_potential", "competitor", "note"}},
	{"opportunities.csv", []string{"opp_id", "account_id", "category", "name", "value", "stage", "probability", "close_date", "competitor", "next_step"}},
	{"invoices.csv", []string{"invoice_id", "account_id", "invoice_date", "due_date", "amount", "paid_date"}},
	{"commitments.csv", []string{"account_id", "sku", "period", "committed_qty"}},
	{"rfqs.csv", []string{"rfq_id", "account_id", "date", "category", "value", "outcome"}},
	{"competitor_offers.csv", []string{"competitor", "sku", "account_id", "competitor_product", "price", "uses_per_unit", "change_cost", "weaknesses"}},
	{"objectives.csv", []string{"scope", "key", "year", "revenue_target", "gp_target"}},
}

// The default company, generated once for the tests that only read it.
var (
	defaultOnce    sync.Once
	defaultDir     string
	defaultSummary demo.Summary
	defaultErr     error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if defaultDir != "" {
		os.RemoveAll(defaultDir)
	}
	os.Exit(code)
}

// defaultCompany returns the directory of the company of 200 accounts and 24 months.
func defaultCompany(t *testing.T) (string, demo.Summary) {
	t.Helper()
	defaultOnce.Do(func() {
		defaultDir, defaultErr = os.MkdirTemp("", "demo-test-")
		if defaultErr == nil {
			defaultSummary, defaultErr = demo.Write(context.Background(), defaultDir, demo.Options{End: end})
		}
	})
	if defaultErr != nil {
		t.Fatalf("Write: %v", defaultErr)
	}
	return defaultDir, defaultSummary
}

func TestWriteIsDeterministic(t *testing.T) {
	opt := demo.Options{End: end, Seed: 7}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := demo.Write(t.Context(), dir, opt); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	opt.Seed = 8
	if _, err := demo.Write(t.Context(), c, opt); err != nil {
		t.Fatalf("Write: %v", err)
	}
	differs := 0
	for _, h := range wantHeaders {
		x, y, z := readBytes(t, a, h.file), readBytes(t, b, h.file), readBytes(t, c, h.file)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same options", h.file)
		}
		if !bytes.Equal(x, z) {
			differs++
		}
	}
	if differs < len(wantHeaders)-1 { // territories may coincide
		t.Errorf("seeds 7 and 8 gave %d different files of %d, want nearly all", differs, len(wantHeaders))
	}
}

func TestWriteFiles(t *testing.T) {
	dir, sum := defaultCompany(t)
	var gotNames, wantNames []string
	for i, f := range sum.Files {
		gotNames = append(gotNames, f.Name)
		wantNames = append(wantNames, wantHeaders[i].file)
		raw := readBytes(t, dir, f.Name)
		if bytes.Contains(raw, []byte("\r")) {
			t.Errorf("%s has a CR: want LF line endings", f.Name)
		}
		if got := bytes.Count(raw, []byte("\n")) - 1; got != f.Rows {
			t.Errorf("%s has %d rows, Summary says %d", f.Name, got, f.Rows)
		}
		rows := readCSV(t, dir, f.Name)
		if diff := cmp.Diff(wantHeaders[i].columns, rows[0]); diff != "" {
			t.Errorf("%s header (-want +got):\n%s", f.Name, diff)
		}
	}
	if diff := cmp.Diff(wantNames, gotNames); diff != "" {
		t.Errorf("Summary files (-want +got):\n%s", diff)
	}
}

func TestWriteIntegrity(t *testing.T) {
	dir, _ := defaultCompany(t)
	checkIntegrity(t, dir, demo.Options{Accounts: 200, Months: 24, End: end})
}

func TestWriteIntegritySmall(t *testing.T) {
	for _, opt := range []demo.Options{
		{Accounts: 1, Months: 1, End: end, Seed: 3},
		{Accounts: 5, Months: 6, End: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), Seed: 4},
		{Accounts: 30, Months: 14, End: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), Seed: 5},
	} {
		t.Run(fmt.Sprintf("N=%d,M=%d", opt.Accounts, opt.Months), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := demo.Write(t.Context(), dir, opt); err != nil {
				t.Fatalf("Write: %v", err)
			}
			checkIntegrity(t, dir, opt)
		})
	}
}

func TestWriteVolume(t *testing.T) {
	_, sum := defaultCompany(t)
	rows := map[string]int{}
	for _, f := range sum.Files {
		rows[f.Name] = f.Rows
	}
	for _, c := range []struct {
		file   string
		lo, hi int
	}{
		{"sales.csv", 40000, 60000},
		{"accounts.csv", 200, 200},
		{"opportunities.csv", 200, 400},
		{"rfqs.csv", 400, 1200},
		{"competitor_offers.csv", 30, 60},
		{"products.csv", 200, 500},
		{"territories.csv", 3, 3},
	} {
		if n := rows[c.file]; n < c.lo || n > c.hi {
			t.Errorf("%s has %d rows, want %d to %d", c.file, n, c.lo, c.hi)
		}
	}
}

func TestWriteAcme(t *testing.T) {
	dir, _ := defaultCompany(t)
	accounts := readTable(t, dir, "accounts.csv")
	got := accounts.rows[0]
	want := map[string]string{
		"account_id": "A0001", "name": "Acme Manufacturing", "territory": got["territory"],
		"owner": got["owner"], "industry": "manufacturing", "aliases": "acme;acme mfg",
		"payment_terms_days": "30", "employees": got["employees"],
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first account (-want +got):\n%s", diff)
	}
	for _, a := range accounts.rows[1:] {
		for _, alias := range strings.Split(a["aliases"], ";") {
			if alias == "acme" || alias == "acme mfg" || strings.HasPrefix(strings.ToLower(a["name"]), "acme") {
				t.Errorf("account %s (%s, aliases %q) competes with Acme", a["account_id"], a["name"], a["aliases"])
			}
		}
	}
	offers := 0
	for _, o := range readTable(t, dir, "competitor_offers.csv").rows {
		if o["account_id"] == "A0001" {
			offers++
		}
	}
	if offers == 0 {
		t.Error("no competitor offer for A0001")
	}
	open := 0
	for _, o := range readTable(t, dir, "opportunities.csv").rows {
		if o["account_id"] == "A0001" && o["stage"] != "won" && o["stage"] != "lost" {
			open++
		}
	}
	if open == 0 {
		t.Error("no open opportunity for A0001")
	}
}

// TestWriteExercisesComputations checks that the data holds every case DESIGN section 3
// distinguishes.
func TestWriteExercisesComputations(t *testing.T) {
	dir, _ := defaultCompany(t)
	asOf := end
	inW := func(d time.Time) bool { return d.After(asOf.AddDate(0, -12, 0)) && !d.After(asOf) }
	category := map[string]string{}
	for _, p := range readTable(t, dir, "products.csv").rows {
		category[p["sku"]] = p["category"]
	}

	type key struct{ a, b string }
	current := map[key]int64{} // (account, category) → revenue in W
	r3, p3 := map[string]int64{}, map[string]int64{}
	taken := map[[3]string]int64{} // (account, sku, month) → quantity
	for _, s := range readTable(t, dir, "sales.csv").rows {
		d := date(t, s["date"])
		amount := centsOf(t, s["amount"])
		if inW(d) {
			current[key{s["account_id"], category[s["sku"]]}] += amount
		}
		if d.After(asOf.AddDate(0, -3, 0)) {
			r3[s["account_id"]] += amount
		}
		if d.After(asOf.AddDate(0, -15, 0)) && !d.After(asOf.AddDate(0, -12, 0)) {
			p3[s["account_id"]] += amount
		}
		qty, _ := strconv.ParseInt(s["quantity"], 10, 64)
		taken[[3]string{s["account_id"], s["sku"], s["date"][:7]}] += qty
	}

	count := map[string]int{}
	for a, p := range p3 {
		if p > 0 && float64(r3[a]-p)/float64(p) <= -0.20 {
			count["at risk"]++
		}
	}
	potential := map[key]bool{}
	for _, p := range readTable(t, dir, "potential.csv").rows {
		k := key{p["account_id"], p["category"]}
		potential[k] = true
		switch cur := current[k]; {
		case cur == 0:
			count["whitespace"]++
		case centsOf(t, p["annual_potential"]) < cur:
			count["understated"]++
		default:
			count["estimate"]++
		}
	}
	for k, cur := range current {
		if cur > 0 && !potential[k] {
			count["no estimate"]++
		}
	}

	terms := map[string]int{}
	for _, a := range readTable(t, dir, "accounts.csv").rows {
		terms[a["account_id"]], _ = strconv.Atoi(a["payment_terms_days"])
	}
	lateSum, amountSum := map[string]float64{}, map[string]float64{}
	for _, inv := range readTable(t, dir, "invoices.csv").rows {
		d := date(t, inv["invoice_date"])
		if !inW(d) {
			continue
		}
		paid := asOf
		if inv["paid_date"] != "" {
			paid = date(t, inv["paid_date"])
		} else {
			count["open invoice"]++
		}
		late := max(0, paid.Sub(date(t, inv["due_date"])).Hours()/24)
		amount := float64(centsOf(t, inv["amount"]))
		lateSum[inv["account_id"]] += amount * late
		amountSum[inv["account_id"]] += amount
	}
	for a, amount := range amountSum {
		switch v := lateSum[a] / amount; {
		case v <= 2:
			count["pays on time"]++
		case v > 45:
			count["pays very late"]++
		}
	}

	committed, deviation := map[string]float64{}, map[string]float64{}
	for _, c := range readTable(t, dir, "commitments.csv").rows {
		m := date(t, c["period"]+"-01")
		if !inW(m) || !inW(m.AddDate(0, 1, -1)) {
			continue
		}
		q, _ := strconv.ParseFloat(c["committed_qty"], 64)
		tk := float64(taken[[3]string{c["account_id"], c["sku"], c["period"]}])
		committed[c["account_id"]] += q
		deviation[c["account_id"]] += max(tk-q, q-tk)
	}
	for a, q := range committed {
		switch v := deviation[a] / q; {
		case v <= 0.10:
			count["takes commitments"]++
		case v > 0.50:
			count["misses commitments"]++
		}
	}

	invited, notInvited := map[string]int{}, map[string]int{}
	for _, r := range readTable(t, dir, "rfqs.csv").rows {
		if !inW(date(t, r["date"])) {
			continue
		}
		if r["outcome"] == "not_invited" {
			notInvited[r["account_id"]]++
		} else {
			invited[r["account_id"]]++
			count["rfq "+r["outcome"]]++
		}
	}
	for a, n := range invited {
		if v := float64(n) / float64(n+notInvited[a]); v >= 0.8 {
			count["invites us"]++
		}
	}
	for a, n := range notInvited {
		if v := float64(invited[a]) / float64(n+invited[a]); v < 0.25 {
			count["rarely invites us"]++
		}
	}

	for _, o := range readTable(t, dir, "opportunities.csv").rows {
		count["stage "+o["stage"]]++
	}
	for _, o := range readTable(t, dir, "competitor_offers.csv").rows {
		if o["account_id"] == "" {
			count["market-wide offer"]++
		}
		if o["uses_per_unit"] != "" {
			count["offer by use"]++
		}
	}
	for _, o := range readTable(t, dir, "objectives.csv").rows {
		count["objective "+o["scope"]+" "+o["year"]]++
	}

	for _, c := range []string{
		"at risk", "whitespace", "understated", "estimate", "no estimate", "open invoice",
		"pays on time", "pays very late", "takes commitments", "misses commitments",
		"rfq won", "rfq lost", "rfq pending", "invites us", "rarely invites us",
		"stage prospecting", "stage qualification", "stage proposal", "stage negotiation",
		"stage won", "stage lost", "market-wide offer", "offer by use",
		"objective territory 2025", "objective territory 2024",
		"objective account 2025", "objective account 2024",
	} {
		if count[c] == 0 {
			t.Errorf("no case of %q", c)
		}
	}
	if n := count["at risk"]; n < 20 || n > 80 {
		t.Errorf("%d of 200 accounts at risk, want a minority of 20 to 80", n)
	}
	t.Logf("cases: %v", count)
}

func TestWriteOptions(t *testing.T) {
	for _, opt := range []demo.Options{
		{},
		{Accounts: -1, End: end},
		{Months: -1, End: end},
		{Months: 121, End: end},
	} {
		_, err := demo.Write(t.Context(), t.TempDir(), opt)
		if code := domain.ErrorCode(err); code != domain.EINVALID {
			t.Errorf("Write(%+v) = %v, want an %s error", opt, err, domain.EINVALID)
		}
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := demo.Write(ctx, t.TempDir(), demo.Options{End: end})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context = %v, want context.Canceled", err)
	}
}

func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	opt := demo.Options{Accounts: 2000, End: end}
	var lines int
	for b.Loop() {
		sum, err := demo.Write(b.Context(), dir, opt)
		if err != nil {
			b.Fatal(err)
		}
		lines = sum.Files[4].Rows
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// checkIntegrity checks every rule of DESIGN section 2 that the generated files can
// break: required values, formats, ranges, unique keys and references, and that sales
// and invoices agree.
func checkIntegrity(t *testing.T, dir string, opt demo.Options) {
	t.Helper()
	first := opt.End.AddDate(0, -opt.Months, 0) // excluded
	tables := map[string]*table{}
	for _, h := range wantHeaders {
		tables[h.file] = readTable(t, dir, h.file)
	}
	ck := checker{t: t}

	territories := ck.keys(tables["territories.csv"], "territory")
	people := ck.keys(tables["people.csv"], "email")
	accounts := ck.keys(tables["accounts.csv"], "account_id")
	products := ck.keys(tables["products.csv"], "sku")
	invoices := ck.keys(tables["invoices.csv"], "invoice_id")
	ck.keys(tables["potential.csv"], "account_id", "category")
	ck.keys(tables["opportunities.csv"], "opp_id")
	ck.keys(tables["commitments.csv"], "account_id", "sku", "period")
	ck.keys(tables["rfqs.csv"], "rfq_id")
	ck.keys(tables["competitor_offers.csv"], "competitor", "sku", "account_id")
	ck.keys(tables["objectives.csv"], "scope", "key", "year")

	categories := map[string]bool{}
	for _, p := range tables["products.csv"].rows {
		categories[p["category"]] = true
	}
	person := map[string]map[string]string{}
	for _, p := range tables["people.csv"].rows {
		person[p["email"]] = p
	}

	for _, r := range tables["territories.csv"].rows {
		ck.ref(r, "manager", people)
		if m := person[r["manager"]]; m["role"] != "manager" || m["territory"] != r["territory"] {
			t.Errorf("territory %s: manager %s is %v", r["territory"], r["manager"], m)
		}
		if _, err := time.LoadLocation(r["timezone"]); err != nil {
			t.Errorf("territory %s: %v", r["territory"], err)
		}
		if _, err := domain.ParseWeekday(r["digest_day"]); err != nil {
			t.Errorf("territory %s: %v", r["territory"], err)
		}
		ck.intIn(r, "digest_hour", 0, 23)
		if !strings.HasPrefix(r["digest_channel"], "#") {
			t.Errorf("territory %s: digest_channel %q", r["territory"], r["digest_channel"])
		}
	}
	reps := map[string]int{}
	for _, r := range tables["people.csv"].rows {
		ck.required(r, "name")
		if _, err := domain.ParseRole(r["role"]); err != nil {
			t.Errorf("person %s: %v", r["email"], err)
		}
		if !strings.HasSuffix(r["email"], "@example.com") {
			t.Errorf("person %s: email not @example.com", r["email"])
		}
		if r["role"] != "admin" {
			ck.ref(r, "territory", territories)
		}
		if r["role"] == "rep" {
			reps[r["territory"]]++
		}
	}
	for name := range territories {
		if reps[name] < 2 {
			t.Errorf("territory %s has %d reps, want at least 2", name, reps[name])
		}
	}
	names := map[string]bool{}
	terms := map[string]int{}
	for _, r := range tables["accounts.csv"].rows {
		ck.required(r, "name")
		if names[r["name"]] {
			t.Errorf("account %s: name %q is not unique", r["account_id"], r["name"])
		}
		names[r["name"]] = true
		ck.ref(r, "territory", territories)
		ck.ref(r, "owner", people)
		if o := person[r["owner"]]; o["role"] != "rep" || o["territory"] != r["territory"] {
			t.Errorf("account %s: owner %v is not a rep of %s", r["account_id"], o, r["territory"])
		}
		terms[r["account_id"]] = ck.intIn(r, "payment_terms_days", 1, 90)
		ck.intIn(r, "employees", 1, 1e6)
		if !regexp.MustCompile(`^A\d{4,}$`).MatchString(r["account_id"]) {
			t.Errorf("account id %q", r["account_id"])
		}
	}
	for _, r := range tables["products.csv"].rows {
		ck.required(r, "name")
		list, cost := ck.money(r, "list_price"), ck.money(r, "unit_cost")
		if m := float64(list-cost) / float64(list); m < 0.14 || m > 0.56 {
			t.Errorf("product %s: margin %.2f", r["sku"], m)
		}
		if r["uses_per_unit"] != "" {
			ck.positive(r, "uses_per_unit")
			ck.required(r, "unit_of_use")
		}
	}

	// Sales and invoices.
	type invoice struct {
		account, date string
		amount        int64
		lines         int
	}
	sum := map[string]*invoice{}
	last := ""
	for _, r := range tables["sales.csv"].rows {
		ck.ref(r, "account_id", accounts)
		ck.ref(r, "sku", products)
		ck.ref(r, "invoice_id", invoices)
		d := ck.date(r, "date")
		if !d.After(first) || d.After(opt.End) {
			t.Fatalf("sales line %v: date outside (%s, %s]", r, first.Format(time.DateOnly), opt.End.Format(time.DateOnly))
		}
		if r["date"] < last {
			t.Fatalf("sales line %v: before the line above (%s)", r, last)
		}
		last = r["date"]
		ck.intIn(r, "quantity", 1, 1e9)
		amount := ck.money(r, "amount")
		ck.money(r, "cost")
		inv := sum[r["invoice_id"]]
		if inv == nil {
			inv = &invoice{account: r["account_id"], date: r["date"]}
			sum[r["invoice_id"]] = inv
		}
		if inv.account != r["account_id"] || inv.date != r["date"] {
			t.Errorf("sales line %v: invoice %s is of %s on %s", r, r["invoice_id"], inv.account, inv.date)
		}
		inv.amount += amount
		inv.lines++
	}
	for _, r := range tables["invoices.csv"].rows {
		ck.ref(r, "account_id", accounts)
		inv := sum[r["invoice_id"]]
		if inv == nil {
			t.Errorf("invoice %s has no sales line", r["invoice_id"])
			continue
		}
		if got := ck.money(r, "amount"); got != inv.amount || r["account_id"] != inv.account || r["invoice_date"] != inv.date {
			t.Errorf("invoice %v: want account %s, date %s, amount %d cents (sum of %d lines)",
				r, inv.account, inv.date, inv.amount, inv.lines)
		}
		d := ck.date(r, "invoice_date")
		if due := ck.date(r, "due_date"); !due.Equal(d.AddDate(0, 0, terms[r["account_id"]])) {
			t.Errorf("invoice %v: due date is not invoice date + %d days", r, terms[r["account_id"]])
		}
		if r["paid_date"] != "" {
			if p := ck.date(r, "paid_date"); p.Before(d) || p.After(opt.End) {
				t.Errorf("invoice %v: paid_date outside [invoice_date, End]", r)
			}
		}
	}

	for _, r := range tables["potential.csv"].rows {
		ck.ref(r, "account_id", accounts)
		ck.ref(r, "category", categories)
		ck.money(r, "annual_potential")
	}
	for _, r := range tables["opportunities.csv"].rows {
		ck.ref(r, "account_id", accounts)
		ck.ref(r, "category", categories)
		ck.required(r, "name")
		ck.money(r, "value")
		p, err := strconv.ParseFloat(r["probability"], 64)
		closed := ck.date(r, "close_date")
		switch {
		case err != nil || p < 0 || p > 1:
			t.Errorf("opportunity %v: probability", r)
		case r["stage"] == "won" && p != 1, r["stage"] == "lost" && p != 0:
			t.Errorf("opportunity %v: probability does not match the stage", r)
		case (r["stage"] == "won" || r["stage"] == "lost") == closed.After(opt.End):
			t.Errorf("opportunity %v: close date on the wrong side of End", r)
		}
	}
	for _, r := range tables["commitments.csv"].rows {
		ck.ref(r, "account_id", accounts)
		ck.ref(r, "sku", products)
		if _, err := domain.ParseMonth(r["period"]); err != nil {
			t.Errorf("commitment %v: %v", r, err)
		}
		ck.intIn(r, "committed_qty", 1, 1e9)
	}
	for _, r := range tables["rfqs.csv"].rows {
		ck.ref(r, "account_id", accounts)
		ck.ref(r, "category", categories)
		if d := ck.date(r, "date"); !d.After(opt.End.AddDate(0, -24, 0)) || d.After(opt.End) {
			t.Errorf("rfq %v: date outside the last 24 months", r)
		}
		ck.money(r, "value")
		if _, err := domain.ParseRFQOutcome(r["outcome"]); err != nil {
			t.Errorf("rfq %v: %v", r, err)
		}
	}
	for _, r := range tables["competitor_offers.csv"].rows {
		ck.required(r, "competitor")
		ck.ref(r, "sku", products)
		if r["account_id"] != "" {
			ck.ref(r, "account_id", accounts)
		}
		ck.money(r, "price")
		if r["uses_per_unit"] != "" {
			ck.positive(r, "uses_per_unit")
		}
		if r["change_cost"] != "" {
			ck.money(r, "change_cost")
		}
	}
	for _, r := range tables["objectives.csv"].rows {
		switch r["scope"] {
		case "account":
			ck.ref(r, "key", accounts)
		case "territory":
			ck.ref(r, "key", territories)
		default:
			t.Errorf("objective %v: scope", r)
		}
		if y := ck.intIn(r, "year", 2000, 3000); y != opt.End.Year() && y != opt.End.Year()-1 {
			t.Errorf("objective %v: year", r)
		}
		ck.money(r, "revenue_target")
		if r["gp_target"] != "" {
			ck.money(r, "gp_target")
		}
	}
}

// checker checks the fields of rows, naming the row in its errors.
type checker struct{ t *testing.T }

var moneyRE = regexp.MustCompile(`^\d+\.\d\d$`)

// keys checks that the columns are filled and unique together, and returns the set of
// the first column's values.
func (c checker) keys(tb *table, columns ...string) map[string]bool {
	c.t.Helper()
	seen := map[string]bool{}
	set := map[string]bool{}
	for _, r := range tb.rows {
		var k []string
		for _, col := range columns {
			if col != "account_id" || tb.name != "competitor_offers.csv" {
				c.required(r, col)
			}
			k = append(k, r[col])
		}
		ks := strings.Join(k, "\x00")
		if seen[ks] {
			c.t.Errorf("%s: key %q repeated", tb.name, k)
		}
		seen[ks] = true
		set[r[columns[0]]] = true
	}
	return set
}

func (c checker) required(r map[string]string, col string) {
	c.t.Helper()
	if r[col] == "" {
		c.t.Errorf("row %v: %s is empty", r, col)
	}
}

func (c checker) ref(r map[string]string, col string, set map[string]bool) {
	c.t.Helper()
	if !set[r[col]] {
		c.t.Errorf("row %v: %s %q does not exist", r, col, r[col])
	}
}

func (c checker) intIn(r map[string]string, col string, lo, hi int) int {
	c.t.Helper()
	n, err := strconv.Atoi(r[col])
	if err != nil || n < lo || n > hi {
		c.t.Errorf("row %v: %s %q is not an integer in [%d, %d]", r, col, r[col], lo, hi)
	}
	return n
}

func (c checker) positive(r map[string]string, col string) {
	c.t.Helper()
	if x, err := strconv.ParseFloat(r[col], 64); err != nil || x <= 0 {
		c.t.Errorf("row %v: %s %q is not a positive number", r, col, r[col])
	}
}

// money checks that the column holds an amount with two decimals and returns it in cents.
func (c checker) money(r map[string]string, col string) int64 {
	c.t.Helper()
	if !moneyRE.MatchString(r[col]) {
		c.t.Errorf("row %v: %s %q is not an amount with 2 decimals", r, col, r[col])
		return 0
	}
	return centsOf(c.t, r[col])
}

func (c checker) date(r map[string]string, col string) time.Time {
	c.t.Helper()
	d, err := domain.ParseDate(r[col])
	if err != nil {
		c.t.Errorf("row %v: %s: %v", r, col, err)
	}
	return d
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func centsOf(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if err != nil || !moneyRE.MatchString(s) {
		t.Fatalf("%q is not an amount with 2 decimals", s)
	}
	return n
}

// table is a CSV file read back: its rows as maps from column to value.
type table struct {
	name string
	rows []map[string]string
}

func readTable(t *testing.T, dir, name string) *table {
	t.Helper()
	recs := readCSV(t, dir, name)
	tb := &table{name: name}
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(rec))
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		tb.rows = append(tb.rows, row)
	}
	return tb
}

func readCSV(t *testing.T, dir, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	var recs [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		recs = append(recs, slices.Clone(rec))
	}
	if len(recs) == 0 {
		t.Fatalf("%s is empty", name)
	}
	return recs
}

func readBytes(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
