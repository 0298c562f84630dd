package demo

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// account is a customer with its buying plan, and the totals of what it bought once the
// sales are written.
type account struct {
	id, name  string
	territory int
	owner     string
	industry  int
	aliases   []string
	terms     int
	employees int

	z       float64 // size on a standard normal scale
	annual  float64 // spend with us a year, a year before End, in dollars
	growth  float64 // yearly growth of the whole account…
	since   float64 // …in the last since months (before that it was flat)
	lines   float64 // sales lines a month, a year before End
	pay     payHabit
	invite  float64 // share of its RFQs we are invited to
	winRate float64 // share of those we win

	cats       []catPlan // categories bought, in catalog order
	whitespace []int     // categories it buys elsewhere, in catalog order
	commits    []commitPlan
	keeps      bool // takes what it commits to

	// Totals of the sales written, in cents, filled by writeSales.
	revW, costW int64    // in W
	revYear     [2]int64 // in the year of End and the year before
}

// catPlan is how an account buys in one category.
type catPlan struct {
	cat    int
	weight float64   // share of the account's spend, a year before End
	growth float64   // yearly growth of the category's share of the account
	skus   []int     // favourite products
	skuW   []float64 // their shares of the category
	net    []int64   // their net unit prices, cents

	revW, costW int64 // cents in W, filled by writeSales
}

// commitPlan is a monthly quantity of one favourite product the account commits to,
// in the months from index from to index to.
type commitPlan struct {
	cat, fav int // indexes in account.cats and catPlan.skus
	qty      int
	from, to int
}

// payHabit is how many days after the due date an account pays: normal with this mean
// and deviation.
type payHabit struct{ mean, sd float64 }

// linesPerMonth is the number of sales lines drafted a month for an account of median size, a
// year before End. Lines of one product on one invoice merge, so fewer are written: the
// constant is set so that 24 months give about 250 lines per account.
const linesPerMonth = 11.9

// acmeRival is the competitor taking Acme's abrasives.
const acmeRival = "Fastenal"

// acmeCategories are the categories of the first account, Acme Manufacturing, which
// is losing abrasives to acmeRival.
var acmeCategories = []string{
	"Fasteners", "Cutting Tools", "Abrasives", "Safety & PPE", "Welding", "Lubricants",
	"Power Transmission", "Bearings", "Hand Tools",
}

// buildAccounts plans every account.
func (g *generator) buildAccounts(ctx context.Context, r *rand.Rand) error {
	n := g.opt.Accounts
	width := max(4, digits(n))
	taken := map[string]bool{"acme manufacturing": true, "acme": true, "acme mfg": true}
	tw := make([]float64, len(g.territories))
	for i, t := range g.territories {
		tw[i] = t.weight
	}
	iw := make([]float64, len(industries))
	for i, ind := range industries {
		iw[i] = ind.weight
	}
	g.accounts = make([]*account, n)
	for i := range n {
		if i%256 == 0 {
			if err := checkCtx(ctx); err != nil {
				return err
			}
		}
		a := &account{id: padded("A", i+1, width)}
		if i == 0 {
			g.planAcme(a)
		} else {
			a.z = r.NormFloat64()
			a.industry = pickWeighted(r, iw)
			a.territory = pickWeighted(r, tw)
			reps := g.territories[a.territory].reps
			a.owner = g.people[pick(r, reps)].email
			a.name = companyName(r, industries[a.industry], taken)
			if r.Float64() < 0.3 {
				a.aliases = aliases(r, a.name, taken)
			}
			a.terms = pickTerms(r)
			a.growth, a.since = pickGrowth(r)
			a.pay = pickPayHabit(r)
			a.invite, a.winRate = pickInvite(r), uniform(r, 0.25, 0.7)
		}
		a.annual = max(1500, 60000*math.Exp(1.25*a.z))
		a.lines = linesPerMonth * math.Exp(0.55*a.z)
		a.employees = int(max(5, roundSig(a.annual/uniform(r, 800, 3000), 2)))
		g.planCategories(r, a, i == 0)
		g.planCommitments(r, a, i == 0)
		g.accounts[i] = a
	}
	return nil
}

// planAcme sets what is fixed about the first account, so that `gap acme` always has a
// story: a large manufacturer, slowly growing, paying a little late.
func (g *generator) planAcme(a *account) {
	a.z = 1.7
	a.name = "Acme Manufacturing"
	a.aliases = []string{"acme", "acme mfg"}
	a.industry = 0 // manufacturing
	a.territory = 0
	a.owner = g.people[g.territories[0].reps[0]].email
	a.terms = 30
	a.growth, a.since = 0.06, math.Inf(1)
	a.pay = payHabit{mean: 9, sd: 4}
	a.invite, a.winRate = 0.7, 0.5
}

func pickTerms(r *rand.Rand) int {
	switch u := r.Float64(); {
	case u < 0.70:
		return 30
	case u < 0.82:
		return 45
	case u < 0.90:
		return 60
	default:
		return 15
	}
}

// pickGrowth returns a yearly growth and for how many months before End it has lasted:
// most accounts are flat-ish all along, a fifth grow and about one in seven declines
// steeply, since a year or more.
func pickGrowth(r *rand.Rand) (growth, since float64) {
	switch u := r.Float64(); {
	case u < 0.20:
		return uniform(r, 0.10, 0.40), uniform(r, 12, 30)
	case u < 0.35:
		return uniform(r, -0.60, -0.25), uniform(r, 12, 20)
	default:
		return uniform(r, -0.06, 0.08), math.Inf(1)
	}
}

// trend returns the account's level t months from End (t ≤ 0), relative to a year before
// End.
func (a *account) trend(t float64) float64 {
	return math.Pow(1+a.growth, (max(t, -a.since)+12)/12)
}

func pickPayHabit(r *rand.Rand) payHabit {
	switch u := r.Float64(); {
	case u < 0.60:
		return payHabit{mean: uniform(r, -3, 3), sd: 3}
	case u < 0.80:
		return payHabit{mean: uniform(r, 4, 12), sd: 4}
	case u < 0.95:
		return payHabit{mean: uniform(r, 15, 45), sd: 8}
	default:
		return payHabit{mean: uniform(r, 60, 90), sd: 10}
	}
}

// pickInvite returns the share of an account's RFQs we are invited to: some invite us to
// nearly everything, some rarely.
func pickInvite(r *rand.Rand) float64 {
	switch u := r.Float64(); {
	case u < 0.35:
		return uniform(r, 0.85, 1)
	case u < 0.75:
		return uniform(r, 0.5, 0.8)
	default:
		return uniform(r, 0.1, 0.35)
	}
}

// companyName returns a new customer name for the industry, unique among taken (which
// holds lower-cased names and aliases).
func companyName(r *rand.Rand, ind industry, taken map[string]bool) string {
	var name string
	for range 20 {
		name = companyPrefix(r, ind) + " " + pick(r, ind.nouns)
		if !ind.noSuffix {
			name += pick(r, companySuffixes)
		}
		if !taken[strings.ToLower(name)] {
			taken[strings.ToLower(name)] = true
			return name
		}
	}
	// Crowded: a second site of a customer we already serve.
	base, site := name, " Plant "
	if ind.placeOnly {
		site = " Site "
	}
	for n := 2; ; n++ {
		name = base + site + strconv.Itoa(n)
		if !taken[strings.ToLower(name)] {
			taken[strings.ToLower(name)] = true
			return name
		}
	}
}

// companyPrefix returns the first words of a customer name: a place, a town, a surname,
// two surnames or a family business.
func companyPrefix(r *rand.Rand, ind industry) string {
	u := r.Float64()
	switch {
	case ind.placeOnly && u < 0.3:
		return pick(r, companyPlaces)
	case ind.placeOnly:
		return pick(r, companyDirections) + pick(r, companyTowns)
	case u < 0.30:
		return pick(r, companyPlaces)
	case u < 0.45:
		return pick(r, companyTowns)
	case u < 0.80:
		return pick(r, companySurnames)
	case u < 0.92:
		a, b := pick(r, companySurnames), pick(r, companySurnames)
		if a == b {
			return a
		}
		return a + " & " + b
	default:
		return pick(r, companySurnames) + " Brothers"
	}
}

// aliases returns what people call the company: its initials ("hmw" for Hartley Machine
// Works) and sometimes the surname it begins with. Aliases may be shared by several
// accounts, except those in taken.
func aliases(r *rand.Rand, name string, taken map[string]bool) []string {
	var out []string
	var initials []rune
	words := strings.Fields(name)
	for _, w := range words {
		c := []rune(w)[0]
		if unicode.IsLetter(c) && !strings.HasSuffix(w, ".") && w != "Company" && w != "Group" {
			initials = append(initials, unicode.ToLower(c))
		}
	}
	if len(initials) >= 3 && !taken[string(initials)] {
		out = append(out, string(initials))
	}
	if slices.Contains(companySurnames, words[0]) && r.Float64() < 0.5 && !taken[strings.ToLower(words[0])] {
		out = append(out, strings.ToLower(words[0]))
	}
	return out
}

// planCategories chooses the categories the account buys from us (more for larger
// accounts, first those its industry needs), how its spend splits among them, its
// favourite products in each, its discounts, and the categories it buys elsewhere.
func (g *generator) planCategories(r *rand.Rand, a *account, acme bool) {
	affinity := make([]float64, len(categorySpecs))
	for i := range affinity {
		affinity[i] = 1
	}
	for _, name := range industries[a.industry].core {
		affinity[categoryIndex(name)] = 6
	}
	var chosen []int
	if acme {
		for _, name := range acmeCategories {
			chosen = append(chosen, categoryIndex(name))
		}
	} else {
		n := min(20, max(1, int(math.Round(4+2.5*a.z+r.NormFloat64()))))
		chosen = drawWithout(r, affinity, n)
	}
	discount := clamp(0.04+0.035*a.z+0.03*r.NormFloat64(), 0, 0.20)
	if acme {
		discount = 0.08
	}
	avgLine := a.annual / 12 / a.lines
	var sum float64
	for _, c := range chosen {
		cp := catPlan{cat: c, weight: math.Exp(0.8 * r.NormFloat64())}
		switch u := r.Float64(); {
		case u < 0.08:
			cp.growth = uniform(r, -0.7, -0.4) // losing the category to a competitor
		case u < 0.14:
			cp.growth = uniform(r, 0.3, 0.8) // a category we are winning
		default:
			cp.growth = 0.06 * r.NormFloat64()
		}
		if acme && categorySpecs[c].name == "Abrasives" {
			cp.weight, cp.growth = 1.6, -0.55
		}
		g.pickFavourites(r, &cp, a.z, avgLine, clamp(discount+0.02*r.NormFloat64(), 0, 0.20))
		sum += cp.weight
		a.cats = append(a.cats, cp)
	}
	for i := range a.cats {
		a.cats[i].weight /= sum
	}
	slices.SortFunc(a.cats, func(x, y catPlan) int { return cmp.Compare(x.cat, y.cat) })

	for _, c := range chosen {
		affinity[c] = 0
	}
	a.whitespace = drawWithout(r, affinity, between(r, 2, 5))
	slices.Sort(a.whitespace)
}

// pickFavourites chooses the one to six products the account buys in the category,
// among those not much dearer than its typical line, and prices them at its discount
// (never below 3% over unit cost).
func (g *generator) pickFavourites(r *rand.Rand, cp *catPlan, z, avgLine, discount float64) {
	skus := g.byCat[cp.cat]
	k := min(len(skus), max(1, int(math.Round(2+0.8*z+r.Float64()-0.5))), 6)
	var cands []int
	for _, p := range skus {
		if float64(g.products[p].list)/100 <= 1.5*avgLine {
			cands = append(cands, p)
		}
	}
	if len(cands) < k {
		cands = slices.Clone(skus)
		slices.SortStableFunc(cands, func(x, y int) int { return cmp.Compare(g.products[x].list, g.products[y].list) })
		cands = cands[:k]
	}
	for _, i := range r.Perm(len(cands))[:k] {
		p := g.products[cands[i]]
		net := int64(math.Round(float64(p.list) * (1 - discount)))
		net = max(net, int64(math.Ceil(float64(p.cost)*1.03)))
		cp.skus = append(cp.skus, cands[i])
		cp.skuW = append(cp.skuW, math.Exp(0.7*r.NormFloat64()))
		cp.net = append(cp.net, net)
	}
}

// planCommitments gives about one account in five, among the larger ones, monthly
// commitments on one to three of its best-selling products over the last 12 to 24
// months up to the month of End. Two in three of them take about what they commit to.
func (g *generator) planCommitments(r *rand.Rand, a *account, acme bool) {
	if !acme && (a.z < 0.5 || r.Float64() >= 0.65) {
		return
	}
	// Commitments run to the month of End; all their months but that one are complete.
	last := len(g.months) - 1
	first := last
	for first > 0 && g.months[first-1].complete {
		first--
	}
	if last-first < 12 {
		return // too little history
	}
	type cand struct {
		cat, fav int
		qty      float64 // expected a month
		spend    float64
	}
	var cands []cand
	for ci, cp := range a.cats {
		var sw float64
		for _, w := range cp.skuW {
			sw += w
		}
		for fi, w := range cp.skuW {
			spend := a.annual / 12 * cp.weight * w / sw
			if qty := spend / (float64(cp.net[fi]) / 100); qty >= 4 {
				cands = append(cands, cand{ci, fi, qty, spend})
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(y.spend, x.spend) })
	n := between(r, 1, 3)
	if acme {
		n = 2
	}
	a.keeps = acme || r.Float64() < 0.65
	months := between(r, 12, 24)
	for _, c := range cands[:min(n, len(cands))] {
		a.commits = append(a.commits, commitPlan{
			cat:  c.cat,
			fav:  c.fav,
			qty:  max(1, int(math.Round(c.qty*uniform(r, 0.85, 1.05)))),
			from: max(first, last-months+1),
			to:   last,
		})
	}
}

// drawWithout draws n distinct indexes with probability proportional to w (zero
// weights are never drawn) and returns them in the order drawn.
func drawWithout(r *rand.Rand, w []float64, n int) []int {
	w = slices.Clone(w)
	var out []int
	for range n {
		var sum float64
		for _, x := range w {
			sum += x
		}
		if sum == 0 {
			break
		}
		i := pickWeighted(r, w)
		out = append(out, i)
		w[i] = 0
	}
	return out
}

func clamp(x, lo, hi float64) float64 { return min(hi, max(lo, x)) }

func (g *generator) writeAccounts(_ context.Context, dir string) error {
	return g.writeTable(dir, fileAccounts, func(t *table) error {
		for _, a := range g.accounts {
			err := t.write(a.id, a.name, g.territories[a.territory].spec.name, a.owner,
				industries[a.industry].name, strings.Join(a.aliases, ";"),
				strconv.Itoa(a.terms), strconv.Itoa(a.employees))
			if err != nil {
				return err
			}
		}
		return nil
	})
}
