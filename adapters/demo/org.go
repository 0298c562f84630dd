package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// territory is a sales territory with its manager and digest settings.
type territory struct {
	spec    territorySpec
	manager string // email
	day     string
	hour    int
	weight  float64 // share of the accounts
	reps    []int   // indexes in generator.people
}

// person is a row of people.csv.
type person struct {
	email, name, role, territory string
	slack, teams                 string
}

// orgNames keeps the emails and chat ids handed out, so that each is unique.
type orgNames struct {
	emails map[string]bool
	ids    map[string]bool
}

// buildOrg makes the territories and the people: an admin, a manager per territory and
// about one rep per 40 accounts, at least two per territory.
func (g *generator) buildOrg(r *rand.Rand, accounts int) {
	nt := min(len(territorySpecs), max(3, accounts/2000))
	names := orgNames{emails: map[string]bool{}, ids: map[string]bool{}}
	g.people = append(g.people, person{
		email: "ops@example.com",
		name:  "Sales Operations",
		role:  "admin",
		slack: names.slackID(r),
		teams: names.teamsID(r),
	})
	names.emails["ops@example.com"] = true
	weights := make([]float64, nt)
	for i := range nt {
		t := territory{
			spec:   territorySpecs[i],
			day:    pick(r, weekdays),
			hour:   between(r, 7, 9),
			weight: uniform(r, 0.6, 1.4),
		}
		m := g.newPerson(r, &names, "manager", t.spec.name)
		t.manager = g.people[m].email
		g.territories = append(g.territories, t)
		weights[i] = t.weight
	}
	reps := max(2*nt, int(math.Round(float64(accounts)/40)))
	for i := range reps {
		ti := i % nt
		if i >= 2*nt {
			ti = pickWeighted(r, weights)
		}
		t := &g.territories[ti]
		t.reps = append(t.reps, g.newPerson(r, &names, "rep", t.spec.name))
	}
}

// newPerson adds a person with a unique name-based email and returns their index.
func (g *generator) newPerson(r *rand.Rand, names *orgNames, role, territory string) int {
	first, last := pick(r, firstNames), pick(r, lastNames)
	local := emailPart(first) + "." + emailPart(last)
	email := local + "@example.com"
	for n := 2; names.emails[email]; n++ {
		email = local + strconv.Itoa(n) + "@example.com"
	}
	names.emails[email] = true
	p := person{email: email, name: first + " " + last, role: role, territory: territory}
	if r.Float64() < 0.9 {
		p.slack = names.slackID(r)
	}
	if r.Float64() < 0.3 {
		p.teams = names.teamsID(r)
	}
	g.people = append(g.people, p)
	return len(g.people) - 1
}

// emailPart lower-cases s and drops everything but letters.
func emailPart(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsLetter(c) {
			return unicode.ToLower(c)
		}
		return -1
	}, s)
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// slackID returns a new Slack member id such as U04QX7LMB2T.
func (n *orgNames) slackID(r *rand.Rand) string {
	for {
		b := []byte("U0")
		for range 9 {
			b = append(b, idChars[r.IntN(len(idChars))])
		}
		if id := string(b); !n.ids[id] {
			n.ids[id] = true
			return id
		}
	}
}

// teamsID returns a new Microsoft Entra object id (a UUID), which Teams reports as the
// user's aadObjectId.
func (n *orgNames) teamsID(r *rand.Rand) string {
	for {
		id := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
			r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, 0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
		if !n.ids[id] {
			n.ids[id] = true
			return id
		}
	}
}

func (g *generator) writeTerritories(_ context.Context, dir string) error {
	return g.writeTable(dir, fileTerritories, func(t *table) error {
		for _, tr := range g.territories {
			err := t.write(tr.spec.name, tr.manager, "#sales-"+tr.spec.slug, tr.spec.timezone,
				tr.day, strconv.Itoa(tr.hour))
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) writePeople(_ context.Context, dir string) error {
	return g.writeTable(dir, filePeople, func(t *table) error {
		for _, p := range g.people {
			if err := t.write(p.email, p.name, p.role, p.territory, p.slack, p.teams); err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) writeProducts(_ context.Context, dir string) error {
	return g.writeTable(dir, fileProducts, func(t *table) error {
		for _, p := range g.products {
			uses := ""
			if p.uses > 0 {
				uses = number(p.uses)
			}
			err := t.write(p.sku, p.name, categorySpecs[p.cat].name, cents(p.list), cents(p.cost), uses, p.unit)
			if err != nil {
				return err
			}
		}
		return nil
	})
}
