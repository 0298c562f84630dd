package domain

// The input maxima (DESIGN section 5): a larger value typed in chat, set in settings or
// read from a CSV file is refused, naming the field and the limit, so that no absurd or
// non-finite figure is ever computed or shown.
const (
	MaxMoney    = 1e12 // an amount of money
	MaxQuantity = 1e9  // a quantity or a count of uses
	MaxPercent  = 100  // a percentage
	MaxTermDays = 3650 // payment terms, in days
	MaxMonths   = 1200 // a term in months
)
