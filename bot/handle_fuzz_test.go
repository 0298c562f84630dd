package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// fuzzCompany is a tiny company: North (Nora manages, Rita is its rep) with Acme and
// Bolt Supply, and South (Ray's) with Zephyr Quarry, whose names and figures appear
// nowhere else. Zephyr buys in categories North buys in too, so that company-wide
// totals never equal one of its own figures.
var fuzzCompany = map[string]string{
	"territories.csv": "territory,manager,timezone\nNorth,nora@example.com,America/New_York\nSouth,sam@example.com,America/Chicago\n",
	"people.csv": "email,name,role,territory\nops@example.com,Olive Ops,admin,\nnora@example.com,Nora North,manager,North\n" +
		"sam@example.com,Sam South,manager,South\nrita@example.com,Rita Rep,rep,North\nray@example.com,Ray Rep,rep,South\n",
	"accounts.csv": "account_id,name,territory,owner,aliases\nA1,Acme Manufacturing,North,rita@example.com,acme\n" +
		"A2,Bolt Supply,North,rita@example.com,\nQ-907,Zephyr Quarry,South,ray@example.com,zephyr\n",
	"products.csv": "sku,name,category,list_price,unit_cost,uses_per_unit,unit_of_use\n" +
		"F-1,Hex bolts,Fasteners,10,6,100,bolt\nS-1,Gloves,Safety,20,15,50,pair\nW-1,Welding wire,Welding,50,35,,\nH-1,Hose,Hydraulics,100,70,,\n",
	"sales.csv": "date,account_id,sku,quantity,amount,cost,invoice_id\n" +
		"2025-11-27,A1,F-1,100,1000,600,\n2026-06-15,A1,F-1,200,2000,1200,\n2026-07-01,A1,S-1,40,800,600,\n" +
		"2026-03-10,A2,W-1,10,500,350,\n2026-04-10,A2,H-1,12,1200,840,\n" +
		"2026-05-20,Q-907,F-1,7300,73519,44111,ZI-1\n2026-08-02,Q-907,W-1,300,15077,10554,\n",
	"potential.csv": "account_id,category,annual_potential,competitor\nA1,Fasteners,10000,Fastenal\nA1,Welding,4000,Airgas\n" +
		"A2,Hydraulics,3000,\nQ-907,Fasteners,86243,Quarrymax\nQ-907,Safety,23917,\n",
	"opportunities.csv": "opp_id,account_id,category,name,value,stage,probability\nO1,A1,Hydraulics,Hose program,2000,proposal,0.5\n" +
		"O9,Q-907,Welding,Zircon pipeline,61847,proposal,0.4\n",
	"invoices.csv": "invoice_id,account_id,invoice_date,due_date,amount,paid_date\nI-1,A1,2026-06-15,2026-07-15,2000,2026-07-20\n" +
		"ZI-1,Q-907,2026-05-20,2026-06-19,52913,\n",
	"competitor_offers.csv": "competitor,sku,account_id,competitor_product,price,uses_per_unit,change_cost,weaknesses\n" +
		"Fastenal,F-1,A1,FX bolt,9,90,25,late\nQuarrymax,F-1,Q-907,QX bolt,8.41,80,31,brittle\n",
	"objectives.csv": "scope,key,year,revenue_target,gp_target\nterritory,North,2026,100000,\nterritory,South,2026,94621,\naccount,Q-907,2026,81377,\n",
}

// zephyrSecrets are what a rep of North must never see: the name, id and competitor of
// South's account and its figures (digits only, as the rendered reply is compared with
// its commas removed), its yearly revenue (88,596) included: a grade's spend lift names
// the revenue to beat, which in a book of three accounts is Zephyr's, rounded up (89,000)
// so that it is nobody's figure.
var zephyrSecrets = []string{"zephyr", "quarry", "q-907", "zircon", "quarrymax",
	"73519", "15077", "86243", "23917", "61847", "52913", "94621", "81377", "88596"}

// fuzzBots is the bot of an admin and the bot of a rep, each over its own store of
// fuzzCompany, built once per fuzzing process. The rep's bot cannot write (its writers
// are nil), so that no figure a command wrote could later be taken for a leak; the
// admin's writes (deals, offers, objectives, digest settings) stay small.
type fuzzBots struct {
	admin, rep           *bot.Bot
	adminActor, repActor bot.Actor
}

var (
	fuzzBotsOnce sync.Once
	fuzzBotsVal  *fuzzBots
	fuzzBotsErr  error
)

func newFuzzBots(tb testing.TB) *fuzzBots {
	tb.Helper()
	fuzzBotsOnce.Do(func() {
		// The stores live as long as the process, in its memory: every fuzz worker
		// builds its own from fuzzCompany's files, written for the import and removed.
		dir, err := os.MkdirTemp("", "incumbent-fuzz-handle-")
		if err != nil {
			fuzzBotsErr = err
			return
		}
		defer os.RemoveAll(dir)
		for name, body := range fuzzCompany {
			if fuzzBotsErr = os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); fuzzBotsErr != nil {
				return
			}
		}
		open := func() (*bot.Bot, error) {
			s := memory.NewDataStore()
			if _, err := (&csvimport.Importer{Store: s}).Import(context.Background(), dir); err != nil {
				return nil, err
			}
			b := bot.New(s)
			b.Now = func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
			b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			return b, nil
		}
		v := &fuzzBots{}
		if v.admin, fuzzBotsErr = open(); fuzzBotsErr != nil {
			return
		}
		if v.rep, fuzzBotsErr = open(); fuzzBotsErr != nil {
			return
		}
		v.rep.Objectives, v.rep.Scenarios, v.rep.Offers, v.rep.Potentials, v.rep.DigestSettings = nil, nil, nil, nil, nil
		v.adminActor = bot.Admin("fuzz")
		if v.repActor, fuzzBotsErr = v.rep.ActorByEmail(context.Background(), "rita@example.com"); fuzzBotsErr != nil {
			return
		}
		fuzzBotsVal = v
	})
	if fuzzBotsErr != nil {
		tb.Fatalf("set up the fuzzed bots: %v", fuzzBotsErr)
	}
	return fuzzBotsVal
}

// alnum is s lower-cased with everything but letters and digits removed.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// typedForms is what a reply may echo of text: itself, quoted as Go quotes it (error
// messages use %q) and either of those as JSON, each through alnum.
func typedForms(text string) string {
	q := strconv.Quote(text)
	j1, _ := json.Marshal(text)
	j2, _ := json.Marshal(q)
	return strings.Join([]string{alnum(text), alnum(q), alnum(string(j1)), alnum(string(j2))}, " ")
}

// FuzzHandle sends any text through Handle, as an admin and as a rep, over the in-memory
// store. The reply always has a block, an error reply has a message and is never an
// internal error, and a rep's reply never shows the name, id or a figure of an account
// of another territory (unless the rep typed it: refusals name what was asked for).
func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		"", " ", "help", "help deal", "help nope", "hlep", "/gap acme", "gap", "gap acme", "gap A1", "gap a1",
		"gap territory north", "gap territory south", "gap market", "gap zephyr", "gap Q-907", "gap zzzz", "gap bolt",
		"grade acme", "grade territory North", "grade territory south", "grade quarry",
		"deal acme give 5% on fasteners get 100 W-1 yearly", "deal suggest acme", "deal suggest bolt", "deal show 1",
		"deal vary 1 give 4%", "deal compare 1 2", "deal acme", `deal "acme" give 1e9% on x get -1 y at NaN`,
		"deal acme give 2.5 percent on gloves for 12 months get 1k H-1 at $90 also give net 60 primary",
		"talk 1", "talk acme", "talk zephyr", "cpu acme F-1", "cpu acme F-1 vs Fastenal", "cpu acme F-1 vs quarrymax",
		"cpu acme W-1", "offer acme Rival F-1 8.5 uses 90 change 20 weak slow", "offer acme Rival F-1 -1",
		"growth acme", "growth territory north", "growth territory south", "growth set north 2026 120000 gp 30000",
		"growth set acme 2027 99999999999999999999", "digest north", "digest south",
		"potential set acme welding 120k competitor Airgas note big plant", "potential set zephyr safety 1", "potential set acme weldng 5k",
		`potential set acme "safety" -1 competitor`, "potential set q-907 fasteners 2k note none",
		"digest settings north day fri hour 7 channel #sales timezone Europe/Paris", "digest settings north hour 25",
		"account acme", "account zephyr", "accounts", "accounts south", "accounts north",
		"gap “acme", "gap \"\"", "gap \x00", "gap \xff\xfe", "grade \u00a0acme\u2003", strings.Repeat("gap acme ", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		bots := newFuzzBots(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, as := range []struct {
			b     *bot.Bot
			actor bot.Actor
		}{{bots.admin, bots.adminActor}, {bots.rep, bots.repActor}} {
			r := as.b.Handle(ctx, bot.Request{Actor: as.actor, Text: text, Adapter: "fuzz"})
			who := as.actor.Person.Email
			if len(r.Blocks) == 0 {
				t.Fatalf("%s: %q: a reply without blocks (err %v)", who, text, r.Err)
			}
			if r.Err != nil {
				if strings.TrimSpace(domain.ErrorMessage(r.Err)) == "" {
					t.Fatalf("%s: %q: error reply without a message: %v", who, text, r.Err)
				}
				if domain.ErrorCode(r.Err) == domain.EINTERNAL {
					t.Fatalf("%s: %q: internal error: %v", who, text, r.Err)
				}
			}
			out := bot.RenderText(r)
			js, err := bot.RenderJSON(r)
			if err != nil {
				t.Fatalf("%s: %q: RenderJSON: %v", who, text, err)
			}
			if as.actor.Person.Role != domain.RoleRep {
				continue
			}
			typed := typedForms(text)
			seen := strings.ToLower(strings.ReplaceAll(out+"\n"+string(js), ",", ""))
			for _, secret := range zephyrSecrets {
				// A figure counts as typed when its first four digits are, so that
				// a number the rep wrote and the reply rounds is not taken for a leak.
				key := alnum(secret)
				if len(key) > 4 && strings.Trim(key, "0123456789") == "" {
					key = key[:4]
				}
				if strings.Contains(typed, key) {
					continue
				}
				if strings.Contains(seen, secret) {
					t.Fatalf("%s: %q: the reply shows %q of another territory:\n%s\n%s", who, text, secret, out, js)
				}
			}
		}
	})
}
