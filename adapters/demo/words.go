package demo

// The word lists the generator draws names and texts from. Changing any of them changes
// the generated files for every seed.

// territorySpec is a sales territory the demo company may have.
type territorySpec struct {
	name, slug, timezone string
}

// territorySpecs are the territories in the order they are used: a company of N accounts
// has the first max(3, N/2000) of them, at most all twelve.
var territorySpecs = []territorySpec{
	{"Northeast", "northeast", "America/New_York"},
	{"Great Lakes", "great-lakes", "America/Detroit"},
	{"Gulf Coast", "gulf-coast", "America/Chicago"},
	{"Pacific Northwest", "pacific-northwest", "America/Los_Angeles"},
	{"Mountain West", "mountain-west", "America/Denver"},
	{"Southeast", "southeast", "America/New_York"},
	{"Upper Midwest", "upper-midwest", "America/Chicago"},
	{"Mid-Atlantic", "mid-atlantic", "America/New_York"},
	{"Southwest", "southwest", "America/Phoenix"},
	{"Southern California", "southern-california", "America/Los_Angeles"},
	{"Southern Plains", "southern-plains", "America/Chicago"},
	{"Ohio Valley", "ohio-valley", "America/New_York"},
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri"}

var firstNames = []string{
	"Aaron", "Abigail", "Adrian", "Alicia", "Amir", "Andrea", "Angela", "Anthony", "Ben",
	"Brandon", "Brianna", "Caleb", "Carlos", "Carmen", "Chloe", "Chris", "Dana", "Daniel",
	"Darius", "David", "Denise", "Derek", "Diana", "Dominic", "Elena", "Emily", "Eric",
	"Erin", "Ethan", "Fatima", "Gabriel", "Grace", "Hannah", "Hector", "Ian", "Isabel",
	"Jacob", "Jamal", "James", "Janet", "Jason", "Jenna", "Jessica", "Joel", "Jordan",
	"Jose", "Julia", "Kara", "Keith", "Kevin", "Kim", "Laura", "Leah", "Luis", "Marcus",
	"Maria", "Mark", "Megan", "Michael", "Mike", "Monica", "Nadia", "Nathan", "Nicole",
	"Noah", "Olivia", "Omar", "Paul", "Priya", "Rachel", "Raj", "Rebecca", "Ricardo",
	"Rob", "Rosa", "Ryan", "Samantha", "Sean", "Sofia", "Stephanie", "Steve", "Tanya",
	"Tom", "Tyler", "Valerie", "Vanessa", "Victor", "Wei", "Will", "Yolanda", "Zach",
}

var lastNames = []string{
	"Adams", "Alvarez", "Anderson", "Baker", "Barnes", "Bell", "Bennett", "Brooks",
	"Bryant", "Butler", "Campbell", "Carter", "Castillo", "Chen", "Clark", "Coleman",
	"Collins", "Cooper", "Cruz", "Davis", "Diaz", "Edwards", "Evans", "Fischer", "Flores",
	"Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Green", "Griffin", "Hall", "Harris",
	"Hayes", "Henderson", "Hernandez", "Hill", "Howard", "Hughes", "Jackson", "James",
	"Jenkins", "Johnson", "Jones", "Kelly", "Khan", "Kim", "King", "Kowalski", "Lee",
	"Lewis", "Long", "Lopez", "Martin", "Martinez", "Mendoza", "Miller", "Mitchell",
	"Moore", "Morales", "Morgan", "Murphy", "Nelson", "Nguyen", "Novak", "O'Brien",
	"Ortiz", "Parker", "Patel", "Perez", "Perry", "Peterson", "Phillips", "Price",
	"Ramirez", "Reed", "Reyes", "Richardson", "Rivera", "Roberts", "Robinson", "Rogers",
	"Ross", "Russell", "Sanchez", "Sanders", "Schmidt", "Scott", "Shah", "Singh", "Smith",
	"Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Torres", "Turner", "Walker",
	"Ward", "Washington", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
}

// companySurnames and companyPlaces begin customer names ("Hartley Machine Works",
// "Cedar Valley Foods"). Nothing here may begin with "Acme": the first account owns
// that name and its aliases.
var companySurnames = []string{
	"Abbott", "Ainsworth", "Aldridge", "Bancroft", "Barlow", "Beckett", "Bergstrom",
	"Blackwell", "Brennan", "Brockman", "Calloway", "Carver", "Chandler", "Conrad",
	"Crandall", "Dalton", "Delgado", "Dunmore", "Eastman", "Ellison", "Fairbanks",
	"Fenwick", "Fletcher", "Garrison", "Gentry", "Goodwin", "Halvorsen", "Harmon",
	"Hartley", "Hawthorne", "Holloway", "Hollister", "Jennings", "Kessler", "Keller",
	"Kingsley", "Kramer", "Landry", "Langford", "Lindqvist", "Lockwood", "Marchetti",
	"Marlowe", "Mercer", "Merritt", "Monroe", "Nakamura", "Nordstrom", "Norris",
	"Oakley", "Ostrander", "Pemberton", "Prescott", "Quinlan", "Radcliffe", "Ramsey",
	"Redding", "Rourke", "Sandoval", "Sawyer", "Schaefer", "Sheffield", "Slater",
	"Sorensen", "Stanton", "Sterling", "Stroud", "Thornton", "Tolliver", "Vance",
	"Vandermeer", "Wakefield", "Waller", "Weston", "Whitfield", "Whitmore", "Winslow",
	"Yates", "Zimmerman",
}

var companyPlaces = []string{
	"Allegheny", "Appalachian", "Bayou", "Bay State", "Blue Ridge", "Blue River",
	"Canyon", "Capital City", "Cascade", "Cedar Valley", "Central", "Chesapeake",
	"Coastal", "Columbia", "Continental", "Cumberland", "Delta", "Eagle", "Evergreen",
	"Frontier", "Gateway", "Golden State", "Granite", "Great Plains", "Harbor",
	"Heartland", "Heritage", "High Desert", "Hudson Valley", "Iron Range", "Keystone",
	"Lakeshore", "Liberty", "Lone Star", "Magnolia", "Mesa", "Midland", "Mohawk",
	"North Star", "Northfield", "Northwest", "Ozark", "Pacific", "Palmetto",
	"Piedmont", "Pine Ridge", "Pinnacle", "Pioneer", "Prairie", "Red Rock", "Redwood",
	"Ridgeview", "Riverside", "Rocky Mountain", "Sierra", "Silver Creek", "Southern",
	"Stillwater", "Summit", "Sunbelt", "Tidewater", "Timberline", "Tri-County",
	"Tri-State", "Twin Cities", "Union", "Valley", "Westfield", "Willow Creek",
}

// companyTowns begin the names of hospitals, utilities and schools too.
var companyTowns = []string{
	"Ashland", "Auburn", "Bedford", "Belmont", "Bristol", "Brookfield", "Burlington",
	"Camden", "Canton", "Carlisle", "Centerville", "Chester", "Clayton", "Clinton",
	"Concord", "Dayton", "Dover", "Easton", "Elgin", "Fairfield", "Fairview",
	"Farmington", "Florence", "Franklin", "Frederick", "Georgetown", "Glendale",
	"Greenfield", "Greenville", "Hamilton", "Hanover", "Harrison", "Hastings",
	"Hillsboro", "Hudson", "Jackson", "Jamestown", "Kingston", "Lakewood", "Lancaster",
	"Lebanon", "Lexington", "Lincoln", "Livingston", "Madison", "Manchester", "Marion",
	"Milford", "Millbrook", "Monroe", "Newport", "Oakdale", "Oxford", "Plymouth",
	"Princeton", "Quincy", "Richmond", "Rochester", "Salem", "Shelby", "Springfield",
	"Stratford", "Sullivan", "Trenton", "Troy", "Union City", "Vernon", "Warren",
	"Washington", "Waverly", "Westport", "Wilmington", "Winchester", "Windsor", "York",
}

// companyDirections make more names of hospitals, utilities and schools.
var companyDirections = []string{"", "", "", "North ", "South ", "East ", "West ", "Greater "}

var companySuffixes = []string{"", "", "", "", " Inc.", " LLC", " Co.", " Corp.", " Group", " Company"}

// industry is a customer industry: the nouns its company names end with, whether those
// names take a legal suffix, the product categories it buys most, and its seasonality.
type industry struct {
	name      string
	weight    float64
	nouns     []string
	placeOnly bool // names begin with a place or a town, never a surname
	noSuffix  bool
	core      []string // categories this industry buys first
	season    float64  // amplitude of the yearly sine
}

var industries = []industry{
	{
		name: "manufacturing", weight: 28, season: 0.12,
		nouns: []string{"Manufacturing", "Industries", "Machine Works", "Fabrication", "Precision", "Tool & Die", "Metal Products", "Components"},
		core:  []string{"Fasteners", "Cutting Tools", "Abrasives", "Safety & PPE", "Welding", "Power Transmission", "Bearings", "Lubricants", "Hand Tools", "Test & Measurement"},
	},
	{
		name: "construction", weight: 12, season: 0.25,
		nouns: []string{"Construction", "Builders", "Contractors", "Paving", "Steel Erectors", "Mechanical", "Excavating"},
		core:  []string{"Fasteners", "Power Tools", "Hand Tools", "Safety & PPE", "Welding", "Electrical", "Lighting", "Storage", "Adhesives & Sealants"},
	},
	{
		name: "food processing", weight: 10, season: 0.15,
		nouns: []string{"Foods", "Packing", "Dairy", "Bakeries", "Provisions", "Beverage", "Farms"},
		core:  []string{"Janitorial", "Packaging", "Safety & PPE", "Lubricants", "Bearings", "Power Transmission", "Fluid Handling", "Filtration", "Plumbing"},
	},
	{
		name: "healthcare", weight: 7, season: 0.08, placeOnly: true, noSuffix: true,
		nouns: []string{"Medical Center", "Health System", "Regional Hospital", "Clinics", "Senior Living"},
		core:  []string{"Janitorial", "Safety & PPE", "Lighting", "HVAC", "Plumbing", "Electrical", "Filtration", "Storage"},
	},
	{
		name: "automotive", weight: 9, season: 0.12,
		nouns: []string{"Auto Parts", "Stamping", "Transmission", "Automotive", "Motor Works"},
		core:  []string{"Fasteners", "Abrasives", "Adhesives & Sealants", "Cutting Tools", "Pneumatics", "Welding", "Material Handling", "Safety & PPE"},
	},
	{
		name: "utilities", weight: 5, season: 0.15, placeOnly: true, noSuffix: true,
		nouns: []string{"Electric Cooperative", "Water Authority", "Power", "Public Utilities", "Energy"},
		core:  []string{"Electrical", "Safety & PPE", "Test & Measurement", "Fluid Handling", "Motors", "Lighting", "Hand Tools"},
	},
	{
		name: "chemicals", weight: 5, season: 0.10,
		nouns: []string{"Chemical", "Coatings", "Specialty Chemicals", "Resins"},
		core:  []string{"Safety & PPE", "Fluid Handling", "Pneumatics", "Filtration", "Packaging", "Plumbing", "Motors"},
	},
	{
		name: "plastics", weight: 6, season: 0.10,
		nouns: []string{"Plastics", "Molding", "Polymers", "Extrusion"},
		core:  []string{"Cutting Tools", "Hydraulics", "Motors", "Power Transmission", "Packaging", "Material Handling", "Pneumatics"},
	},
	{
		name: "logistics", weight: 6, season: 0.20,
		nouns: []string{"Logistics", "Distribution", "Freight", "Warehousing"},
		core:  []string{"Material Handling", "Packaging", "Storage", "Janitorial", "Lighting", "Safety & PPE"},
	},
	{
		name: "mining", weight: 4, season: 0.18,
		nouns: []string{"Mining", "Aggregates", "Quarry", "Materials"},
		core:  []string{"Hydraulics", "Bearings", "Power Transmission", "Lubricants", "Safety & PPE", "Welding", "Motors", "Filtration"},
	},
	{
		name: "aerospace", weight: 3, season: 0.06,
		nouns: []string{"Aerospace", "Aviation", "Aerostructures", "Defense Systems"},
		core:  []string{"Cutting Tools", "Fasteners", "Adhesives & Sealants", "Test & Measurement", "Abrasives", "Safety & PPE"},
	},
	{
		name: "education", weight: 3, season: 0.22, placeOnly: true, noSuffix: true,
		nouns: []string{"School District", "University", "Community College"},
		core:  []string{"Janitorial", "Lighting", "HVAC", "Plumbing", "Electrical", "Hand Tools"},
	},
	{
		name: "pulp and paper", weight: 2, season: 0.10,
		nouns: []string{"Paper", "Pulp & Paper", "Paperboard", "Tissue"},
		core:  []string{"Bearings", "Power Transmission", "Lubricants", "Motors", "Fluid Handling", "Hydraulics", "Safety & PPE"},
	},
}

// competitors hold the business we do not have. The first seven are national; the rest
// are regional distributors.
var competitors = []string{
	"Fastenal", "Grainger", "MSC Industrial", "Applied Industrial", "Motion Industries",
	"Global Industrial", "Uline", "Tri-State Industrial Supply", "Valley Mill Supply",
	"Coastal Fastener & Tool", "Heartland MRO",
}

// competitorBrands name the house brand a competitor offers in place of our product.
var competitorBrands = map[string]string{
	"Fastenal":           "FastPro",
	"Grainger":           "Westline",
	"MSC Industrial":     "Accurate",
	"Applied Industrial": "Applied Select",
	"Motion Industries":  "Motion Value",
	"Global Industrial":  "Global Industrial",
	"Uline":              "Uline",
}

var potentialNotes = []string{
	"Buys the rest on p-card from Amazon Business",
	"Contract with incumbent up for renewal next quarter",
	"New maintenance manager; open to consolidating vendors",
	"Competitor runs vending machines on the floor",
	"Estimate from plant walk-through",
	"Purchasing wants fewer suppliers",
	"Budget frozen until next fiscal year",
	"Second plant coming online",
	"Estimate from the buyer, not verified",
	"Spend split across three plants",
}

var oppTemplates = []string{
	"%s VMI program",
	"%s vending pilot",
	"%s consolidation",
	"%s standardization",
	"%s supply agreement",
	"%s cost-down project",
	"Plant-wide %s contract",
}

// stage is an opportunity stage with its probability and how often it occurs.
type stage struct {
	name        string
	probability float64
	weight      float64
}

var stages = []stage{
	{"prospecting", 0.10, 22},
	{"qualification", 0.25, 20},
	{"proposal", 0.50, 16},
	{"negotiation", 0.75, 10},
	{"won", 1, 18},
	{"lost", 0, 14},
}

var openNextSteps = []string{
	"Schedule site walk with the maintenance manager",
	"Send pricing proposal",
	"Run a vending trial on line 2",
	"Present VMI savings analysis",
	"Book product demo with the plant engineer",
	"Get 12 months of usage data from purchasing",
	"Meet the plant manager",
	"Follow up on sample results",
	"Confirm budget for next quarter",
	"Send supply agreement for signature",
}

var wonNextSteps = []string{
	"Set up bins and min/max levels",
	"Kick-off call with purchasing",
	"Load contract pricing",
}

var lostNextSteps = []string{
	"Revisit at contract renewal",
	"Ask for feedback on the pricing",
	"",
}

var weaknesses = []string{
	"longer lead times",
	"no VMI",
	"no on-site technical support",
	"$500 minimum order",
	"limited stock in the region",
	"no consignment",
	"shorter tool life",
	"no next-day delivery",
	"no usage reporting",
	"frequent substitutions",
}
