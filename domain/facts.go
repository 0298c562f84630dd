package domain

// Pipeline is the open opportunities of one account in one category: their value and
// their value weighted by probability.
type Pipeline struct {
	AccountID string
	Category  string
	Value     float64
	Weighted  float64
}

// SumPipelines sums the open opportunities (stage neither won nor lost) per account and
// category, in the order each pair first appears.
func SumPipelines(opps []Opportunity) []Pipeline {
	var out []Pipeline
	at := map[[2]string]int{}
	for _, o := range opps {
		if !o.Open() {
			continue
		}
		k := [2]string{o.AccountID, o.Category}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, Pipeline{AccountID: o.AccountID, Category: o.Category})
		}
		out[i].Value += o.Value
		out[i].Weighted += o.Value * o.Probability
	}
	return out
}

// GapFacts is what the store keeps ready for one account's gap: per category, its sales
// over the periods asked for, its potential and its open pipeline.
type GapFacts struct {
	AccountID  string
	Sales      []SalesTotal // Key is the category; Quantity is zero
	Potentials []Potential  // Note is left empty
	Pipelines  []Pipeline
}
