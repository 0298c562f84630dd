package main

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	slackadapter "github.com/incumbent/incumbent/adapters/slack"
)

// What no reply may show: figures that are not numbers, a minus on nothing, a
// percentile past the top, and (in Slack) a monospace line wider than a phone. They are
// patterns, not strings: "Infrared Thermometer", "-$0.50", "-10%" and a 100% share of
// wallet are fine.
var (
	// "-$0", "$-0", "-$0.00" as an amount, not "-$0.50".
	negativeZeroMoney = regexp.MustCompile(`(?:[-−][$€£]|[$€£][-−])0(?:[.,]0+)?(?:[^\d.,]|[.,](?:[^\d]|$)|$)`)
	// "-0%", "-0.0%", not "-10%" or "-0.5%".
	negativeZeroPercent = regexp.MustCompile(`(?:^|[^\d.,])[-−]0(?:\.0+)?%`)
	// NaN and infinities as Go prints them ("NaN", "+Inf", "-Inf", "Inf"), as words.
	notANumber = regexp.MustCompile(`\bNaN\b|(?:^|[^\pL\d])[+-]?Inf(?:inity)?\b`)
	// "more than N% of the accounts": a percentile, which must be at most 99.
	percentile = regexp.MustCompile(`more than (\d+(?:\.\d+)?)%`)
)

// replyProblems returns what is wrong with the text of a reply (in any format).
func replyProblems(s string) []string {
	var out []string
	for _, p := range []struct {
		what string
		re   *regexp.Regexp
	}{{"a negative zero amount", negativeZeroMoney}, {"a negative zero percentage", negativeZeroPercent}, {"not a number", notANumber}} {
		for _, m := range p.re.FindAllString(s, -1) {
			out = append(out, fmt.Sprintf("%s: %q", p.what, strings.TrimSpace(m)))
		}
	}
	for _, m := range percentile.FindAllStringSubmatch(s, -1) {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > 99 {
			out = append(out, fmt.Sprintf("a percentile over 99%%: %q", m[0]))
		}
	}
	return out
}

// slackProblems returns the lines of ``` blocks in Slack Block Kit JSON that are wider
// than a phone, counted as Slack shows them (&amp; is one character).
func slackProblems(data []byte) []string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return []string{fmt.Sprintf("not JSON: %v", err)}
	}
	unescape := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			parts := strings.Split(v, "```")
			for i := 1; i < len(parts); i += 2 {
				for _, l := range strings.Split(parts[i], "\n") {
					if l = unescape.Replace(l); utf8.RuneCountInString(l) > slackadapter.PhoneWidth {
						out = append(out, fmt.Sprintf("a code-block line of %d characters: %q", utf8.RuneCountInString(l), l))
					}
				}
			}
		}
	}
	walk(v)
	return out
}

func TestReplyScanPatterns(t *testing.T) {
	for _, tt := range []struct {
		text string
		bad  bool
	}{
		{"Infrared Thermometer", false},
		{"Share of wallet: 100% ($10,000 of $10,000)", false},
		{"concession -$500, net -$0.50, down -10%, down -0.5%", false},
		{"more than 99% of the accounts that bought", false},
		{"Info: Inflation, INFO", false},
		{"net -$0", true},
		{"net -$0.", true},
		{"net -$0.00 a year", true},
		{"net $-0", true},
		{"gap −$0", true},
		{"trend -0% on a year ago", true},
		{"trend -0.0%", true},
		{"share NaN%", true},
		{"cost per use +Inf", true},
		{"cost per use $-Inf", true},
		{"Inf", true},
		{"more than 100% of the accounts that bought", true},
		{"more than 99.5% of the accounts", true},
	} {
		if got := len(replyProblems(tt.text)) > 0; got != tt.bad {
			t.Errorf("%q: problems %q, want a problem: %v", tt.text, replyProblems(tt.text), tt.bad)
		}
	}
	wide := fmt.Sprintf(`{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"%s\n%s\n"}}]}`, "```", strings.Repeat("x", 61)+"```")
	fits := fmt.Sprintf(`{"blocks":[{"text":{"text":"%s\n%s\n%s %s"}}]}`, "```", strings.Repeat("&amp;", 60), "```", strings.Repeat("y", 80))
	if got := slackProblems([]byte(wide)); len(got) != 1 {
		t.Errorf("a line of 61: %q", got)
	}
	if got := slackProblems([]byte(fits)); len(got) != 0 {
		t.Errorf("60 ampersands and a long line outside the block: %q", got)
	}
}

// goldenDirs hold the rendered replies the tests compare with (bot's beside the data
// sets they answer from); Slack's are Block Kit.
var goldenDirs = []struct {
	dir   string
	slack bool
}{
	{filepath.Join("..", "..", "adapters", "slack", "testdata"), true},
	{filepath.Join("..", "..", "adapters", "teams", "testdata"), false},
	{filepath.Join("..", "..", "adapters", "web", "testdata"), false},
	{filepath.Join("..", "..", "bot", "testdata"), false},
}

// TestGoldenRepliesScan checks every golden reply (fuzz corpora and data sets aside)
// for what no reply may show.
func TestGoldenRepliesScan(t *testing.T) {
	files := 0
	for _, g := range goldenDirs {
		err := filepath.WalkDir(g.dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "fuzz" {
					return filepath.SkipDir
				}
				return nil
			}
			if filepath.Ext(path) == ".csv" { // a data set, not a reply
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			problems := replyProblems(string(b))
			if g.slack && strings.HasSuffix(path, ".json") {
				problems = append(problems, slackProblems(b)...)
			}
			for _, p := range problems {
				t.Errorf("%s: %s", path, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 40 {
		t.Errorf("only %d golden files scanned", files)
	}
}

// TestDemoRepliesScan is a smoke test on the demo data a newcomer gets (200 accounts,
// 24 months): every command of the grammar (about Acme, the accounts that bought the
// most and the least, every territory), and every button of those replies, asked in
// every format (text, json, slack, teams) as an admin and as a rep, answer without a
// figure that is not a number, a negative zero, a percentile past the top or a Slack
// table wider than a phone.
func TestDemoRepliesScan(t *testing.T) {
	data, db := demoFiles(t)
	csvFile := func(name string) string { return filepath.Join(data, name) }
	territories := csvColumn(t, csvFile("territories.csv"), "territory")
	var rep string
	for i, role := range csvColumn(t, csvFile("people.csv"), "role") {
		if role == "rep" {
			rep = csvColumn(t, csvFile("people.csv"), "email")[i]
			break
		}
	}
	// Acme's offer on file, and the accounts that bought the most and the least (the
	// ends of every percentile).
	bought := map[string]float64{}
	acmeBought := map[string]bool{}
	accounts, skus, amounts := csvColumn(t, csvFile("sales.csv"), "account_id"), csvColumn(t, csvFile("sales.csv"), "sku"), csvColumn(t, csvFile("sales.csv"), "amount")
	for i, a := range accounts {
		v, _ := strconv.ParseFloat(amounts[i], 64)
		bought[a] += v
		acmeBought[skus[i]] = acmeBought[skus[i]] || a == "A0001"
	}
	var offer string
	for _, sku := range csvColumn(t, csvFile("competitor_offers.csv"), "sku") {
		if acmeBought[sku] {
			offer = sku
			break
		}
	}
	ids := csvColumn(t, csvFile("accounts.csv"), "account_id")
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(bought[b], bought[a]) })
	if len(territories) == 0 || offer == "" || rep == "" || len(ids) < 2 {
		t.Fatalf("demo data without territories (%q), an offer on what Acme buys, a rep or accounts", territories)
	}
	commands := []string{"help", "help gap", "accounts", "account acme", "gap market", "cpu acme " + offer,
		"deal acme give 3% on fasteners get 50 " + offer + " yearly", "deal show S-1", "deal vary S-1 give 2%", "deal compare S-1 S-2", "gap"}
	// The lists and plain questions of issue 42.
	commands = append(commands, "top gaps", "top gaps market", "slipping", "late", "closing in 90 days",
		"who owes us money?", "what's my biggest gap", "what is the meaning of life")
	for _, a := range []string{"acme", ids[0], ids[len(ids)-1]} {
		commands = append(commands, "gap "+a, "grade "+a, "growth "+a, "deal suggest "+a, "talk "+a, "brief "+a)
	}
	for _, tr := range territories {
		commands = append(commands, "gap territory "+tr, "grade territory "+tr, "growth territory "+tr, "digest "+tr)
	}
	// ask runs a command in a format; it fails the test on anything but a reply.
	ask := func(t *testing.T, format, command string, as ...string) string {
		t.Helper()
		args := append([]string{"ask", "--db", db, "--format", format}, as...)
		code, out, errOut := run(t, "", nil, append(args, command)...)
		if code != 0 && code != 1 {
			t.Fatalf("%s --format %s: status %d\n%s%s", command, format, code, out, errOut)
		}
		return out
	}
	// The buttons of the admin's replies, once each.
	for _, c := range slices.Clone(commands) {
		for _, cmd := range buttonCommands(t, ask(t, "slack", c)) {
			if !slices.Contains(commands, cmd) {
				commands = append(commands, cmd)
			}
		}
	}
	// With INCUMBENT_REPLY_DIR set, the Slack and Teams replies are kept there (in slack/
	// and teams/) for the platforms' own validators (.ci/validate).
	keep := os.Getenv("INCUMBENT_REPLY_DIR")
	if keep != "" {
		for _, f := range []string{"slack", "teams"} {
			if err := os.MkdirAll(filepath.Join(keep, f), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	asked := 0
	for who, as := range [][]string{nil, {"--as", rep}} {
		for i, c := range commands {
			for _, format := range []string{"text", "json", "slack", "teams"} {
				out := ask(t, format, c, as...)
				asked++
				if keep != "" && (format == "slack" || format == "teams") {
					name := fmt.Sprintf("%d-%03d-%s.json", who, i, strings.Trim(unsafeName.ReplaceAllString(c, "_"), "_"))
					if err := os.WriteFile(filepath.Join(keep, format, name), []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				problems := replyProblems(out)
				if format == "slack" {
					problems = append(problems, slackProblems([]byte(out))...)
				}
				for _, p := range problems {
					t.Errorf("%q --format %s %s: %s", c, format, strings.Join(as, " "), p)
				}
			}
		}
	}
	t.Logf("%d replies to %d commands scanned", asked, len(commands))
	if asked < 200 {
		t.Errorf("only %d replies scanned", asked)
	}
}

// unsafeName is what a file name made of a command leaves out.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// buttonCommands returns the commands of the run buttons in a Slack reply.
func buttonCommands(t *testing.T, out string) []string {
	t.Helper()
	var m struct {
		Blocks []struct {
			Type     string `json:"type"`
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not Block Kit JSON: %v\n%s", err, out)
	}
	var cmds []string
	for _, b := range m.Blocks {
		for _, e := range b.Elements {
			if b.Type == "actions" && strings.HasPrefix(e.ActionID, slackadapter.ActionRun+"-") && e.Value != "" {
				cmds = append(cmds, e.Value)
			}
		}
	}
	return cmds
}

// csvColumn returns a column of a CSV file with a header row.
func csvColumn(t *testing.T, path, name string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("%s has no column %q", path, name)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}
