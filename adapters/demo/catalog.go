package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// item is a kind of product that comes in variants (sizes, grits, ratings). List prices
// run from lo for the first variant to hi for the last.
type item struct {
	name     string
	variants []string
	pack     string // appended to the name, e.g. " (box 50)"
	lo, hi   float64
	uses     float64 // uses per unit, 0 when the item is not sold by use
	unit     string  // unit of use
}

// categorySpec is a product category: its SKU prefix, the range of its gross margins
// and the items it is made of.
type categorySpec struct {
	name, prefix       string
	marginLo, marginHi float64
	items              []item
}

var categorySpecs = []categorySpec{
	{"Fasteners", "FAS", 0.48, 0.55, []item{
		{"Hex Cap Screw Gr5", []string{"1/4-20 x 1", "3/8-16 x 1-1/2", "1/2-13 x 2", "5/8-11 x 3"}, " (box 50)", 9, 48, 0, ""},
		{"Hex Nut Gr8", []string{"1/4-20", "3/8-16", "1/2-13", "5/8-11"}, " (box 100)", 7, 35, 0, ""},
		{"Flat Washer Zinc", []string{"1/4 in", "3/8 in", "1/2 in"}, " (box 100)", 4, 16, 0, ""},
		{"Socket Head Cap Screw", []string{"M6 x 20", "M8 x 25", "M10 x 30", "M12 x 40"}, " (box 25)", 11, 42, 0, ""},
		{"Wedge Anchor", []string{"3/8 x 3 in", "1/2 x 4-1/4 in", "5/8 x 6 in"}, " (box 50)", 28, 95, 0, ""},
		{"Self-Drilling Screw", []string{"#8 x 1/2", "#10 x 3/4", "#12 x 1"}, " (box 500)", 18, 40, 0, ""},
	}},
	{"Cutting Tools", "CUT", 0.38, 0.46, []item{
		{"Cobalt Jobber Drill Bit", []string{"1/8 in", "1/4 in", "3/8 in", "1/2 in"}, "", 4, 28, 150, "hole"},
		{"Carbide End Mill 4-Flute", []string{"1/4 in", "3/8 in", "1/2 in", "3/4 in"}, "", 38, 160, 400, "part"},
		{"Carbide Insert", []string{"CNMG 432", "DNMG 432", "TNMG 332", "WNMG 432"}, " (pack 10)", 75, 140, 1200, "part"},
		{"Spiral Point Tap", []string{"1/4-20", "3/8-16", "1/2-13"}, "", 14, 38, 300, "hole"},
		{"Bi-Metal Band Saw Blade", []string{"93-1/2 in", "111 in", "137 in"}, "", 38, 75, 800, "cut"},
	}},
	{"Abrasives", "ABR", 0.40, 0.48, []item{
		{"Cut-Off Wheel", []string{"4-1/2 x .045 in", "6 x .045 in", "14 x 1/8 in"}, "", 2.4, 9, 35, "cut"},
		{"Flap Disc Zirconia 4-1/2 in", []string{"40 grit", "60 grit", "80 grit", "120 grit"}, "", 5, 9, 25, "part"},
		{"Resin Fiber Disc 7 in", []string{"36 grit", "50 grit", "80 grit"}, " (box 25)", 14, 30, 0, ""},
		{"Sanding Belt 2 x 72 in", []string{"36 grit", "60 grit", "120 grit"}, " (pack 10)", 35, 60, 0, ""},
		{"Wire Cup Brush", []string{"3 in", "4 in", "6 in"}, "", 12, 35, 60, "part"},
	}},
	{"Safety & PPE", "SAF", 0.35, 0.44, []item{
		{"Cut-Resistant Gloves A4", []string{"S", "M", "L", "XL"}, " (12 pairs)", 48, 75, 24, "pair-shift"},
		{"Nitrile Disposable Gloves", []string{"M", "L", "XL"}, " (box 100)", 9, 16, 50, "pair-shift"},
		{"Foam Earplugs", []string{"NRR 32", "NRR 33"}, " (box 200 pairs)", 22, 34, 200, "pair-shift"},
		{"Safety Glasses Anti-Fog", []string{"Clear", "Gray", "Amber"}, " (box 12)", 30, 60, 0, ""},
		{"Hi-Vis Vest Class 2", []string{"M", "L", "XL", "2XL"}, "", 6, 14, 0, ""},
		{"Hard Hat Ratchet", []string{"White", "Yellow", "Blue"}, "", 12, 25, 0, ""},
	}},
	{"Janitorial", "JAN", 0.33, 0.42, []item{
		{"Trash Liner", []string{"33 gal", "45 gal", "60 gal"}, " (case 250)", 28, 55, 0, ""},
		{"Multi-Fold Paper Towel", []string{"White", "Natural"}, " (case 4000)", 30, 48, 0, ""},
		{"Neutral Floor Cleaner", []string{"1 gal", "5 gal"}, "", 14, 55, 0, ""},
		{"Microfiber Cloth", []string{"12 x 12 in", "16 x 16 in"}, " (pack 24)", 15, 30, 0, ""},
		{"Floor Pad", []string{"17 in", "20 in"}, " (case 5)", 22, 38, 0, ""},
		{"Foam Hand Soap Refill", []string{"1200 mL", "2000 mL"}, " (case 2)", 40, 60, 0, ""},
	}},
	{"Adhesives & Sealants", "ADH", 0.38, 0.45, []item{
		{"Threadlocker Medium Strength", []string{"10 mL", "50 mL", "250 mL"}, "", 12, 110, 0, ""},
		{"Instant Adhesive", []string{"20 g", "1 oz"}, "", 9, 22, 0, ""},
		{"Silicone Sealant", []string{"Clear", "White", "Gray"}, " (case 12)", 55, 85, 0, ""},
		{"Structural Epoxy Cartridge", []string{"50 mL", "400 mL"}, "", 18, 95, 0, ""},
		{"Construction Adhesive 10 oz", []string{"Standard", "Heavy Duty"}, " (case 24)", 75, 110, 0, ""},
	}},
	{"Bearings", "BRG", 0.28, 0.36, []item{
		{"Deep Groove Ball Bearing", []string{"6203-2RS", "6205-2RS", "6207-2RS", "6310-2RS"}, "", 6, 45, 0, ""},
		{"Pillow Block Bearing", []string{"1 in", "1-7/16 in", "2 in"}, "", 32, 120, 0, ""},
		{"Tapered Roller Bearing Set", []string{"LM11949/910", "15123/15245", "25580/25520"}, "", 14, 60, 0, ""},
		{"Flange Bearing 4-Bolt", []string{"1 in", "1-1/2 in"}, "", 38, 95, 0, ""},
	}},
	{"Power Transmission", "PTR", 0.26, 0.34, []item{
		{"V-Belt", []string{"A42", "A56", "B60", "B75", "BX90"}, "", 9, 32, 0, ""},
		{"Roller Chain 10 ft", []string{"#40", "#50", "#60", "#80"}, "", 45, 180, 0, ""},
		{"Sprocket Type B", []string{"40B18", "50B22", "60B24"}, "", 18, 70, 0, ""},
		{"Jaw Coupling Insert", []string{"L-075", "L-100", "L-110"}, "", 5, 16, 0, ""},
		{"Timing Belt", []string{"HTD 800-8M-20", "HTD 1200-8M-30"}, "", 35, 80, 0, ""},
	}},
	{"Hydraulics", "HYD", 0.25, 0.33, []item{
		{"Hydraulic Hose Assembly 2-Wire", []string{"1/4 in x 24 in", "3/8 in x 36 in", "1/2 in x 48 in", "3/4 in x 60 in"}, "", 28, 120, 0, ""},
		{"JIC Hydraulic Fitting", []string{"-6", "-8", "-12"}, "", 6, 22, 0, ""},
		{"Hydraulic Oil AW46", []string{"5 gal", "55 gal"}, "", 80, 700, 0, ""},
		{"Cylinder Seal Kit", []string{"2 in bore", "3 in bore", "4 in bore"}, "", 25, 70, 0, ""},
		{"Gear Pump", []string{"11 gpm", "16 gpm"}, "", 380, 640, 0, ""},
	}},
	{"Pneumatics", "PNU", 0.28, 0.36, []item{
		{"Push-to-Connect Fitting", []string{"1/4 in", "3/8 in", "1/2 in"}, " (pack 10)", 15, 40, 0, ""},
		{"Polyurethane Tubing 100 ft", []string{"1/4 in", "3/8 in", "1/2 in"}, "", 25, 70, 0, ""},
		{"Filter-Regulator-Lubricator", []string{"1/4 NPT", "1/2 NPT"}, "", 90, 180, 0, ""},
		{"Air Cylinder ISO 15552", []string{"32 x 100 mm", "50 x 200 mm", "63 x 250 mm"}, "", 110, 260, 0, ""},
		{"Solenoid Valve 5/2", []string{"24 VDC", "120 VAC"}, "", 85, 130, 0, ""},
	}},
	{"Welding", "WLD", 0.25, 0.34, []item{
		{"MIG Wire ER70S-6", []string{".035 in 33 lb", ".045 in 44 lb"}, "", 75, 120, 0, ""},
		{"MIG Contact Tip", []string{".030 in", ".035 in", ".045 in"}, " (pack 25)", 18, 28, 25, "shift"},
		{"Stick Electrode E7018 10 lb", []string{"1/8 in", "5/32 in"}, "", 32, 45, 0, ""},
		{"Welding Gloves", []string{"L", "XL"}, "", 12, 22, 20, "pair-shift"},
		{"Anti-Spatter Spray", []string{"Water-Based", "Solvent"}, " (case 12)", 60, 85, 0, ""},
	}},
	{"Electrical", "ELE", 0.24, 0.32, []item{
		{"THHN Wire 500 ft", []string{"12 AWG", "10 AWG", "8 AWG"}, "", 70, 280, 0, ""},
		{"Cable Tie", []string{"8 in", "11 in", "14 in"}, " (bag 1000)", 18, 45, 0, ""},
		{"Twist-On Wire Connector", []string{"Yellow", "Red", "Blue"}, " (jar 100)", 12, 24, 0, ""},
		{"Circuit Breaker 1-Pole", []string{"15 A", "20 A", "30 A"}, "", 8, 24, 0, ""},
		{"Vinyl Electrical Tape", []string{"Black", "Red", "Green"}, " (pack 10)", 12, 22, 0, ""},
		{"Contactor 3-Pole", []string{"25 A", "40 A", "65 A"}, "", 80, 240, 0, ""},
	}},
	{"Lighting", "LGT", 0.30, 0.40, []item{
		{"LED High Bay", []string{"150 W", "200 W", "240 W"}, "", 140, 290, 50000, "hour"},
		{"LED Tube T8 4 ft", []string{"15 W", "18 W"}, " (case 25)", 95, 140, 0, ""},
		{"LED Wall Pack", []string{"40 W", "80 W"}, "", 85, 160, 50000, "hour"},
		{"Exit Sign Emergency Combo", []string{"Red", "Green"}, "", 45, 70, 0, ""},
		{"LED Corn Lamp", []string{"54 W", "100 W"}, "", 40, 95, 40000, "hour"},
	}},
	{"Material Handling", "MHD", 0.18, 0.26, []item{
		{"Pallet Jack 5500 lb", []string{"27 x 48 in", "21 x 48 in"}, "", 420, 520, 0, ""},
		{"Hand Truck", []string{"Convertible", "Nylon Wheel"}, "", 180, 320, 0, ""},
		{"Swivel Caster", []string{"4 in", "5 in", "6 in"}, " (set 4)", 45, 120, 0, ""},
		{"Polyester Lifting Sling", []string{"1 in x 6 ft", "2 in x 10 ft", "3 in x 12 ft"}, "", 18, 65, 0, ""},
		{"Stackable Plastic Bin", []string{"10 x 5 in", "15 x 8 in", "18 x 11 in"}, "", 4, 15, 0, ""},
	}},
	{"Packaging", "PKG", 0.26, 0.34, []item{
		{"Stretch Film 18 in 80 ga", []string{"1500 ft"}, " (case 4)", 55, 75, 0, ""},
		{"Corrugated Box", []string{"12 x 12 x 12", "18 x 12 x 12", "24 x 18 x 18"}, " (bundle 25)", 22, 60, 0, ""},
		{"Packing Tape", []string{"2 in Clear", "3 in Clear"}, " (case 36)", 55, 85, 0, ""},
		{"Poly Strapping 1/2 in", []string{"7200 ft", "9000 ft"}, "", 55, 70, 0, ""},
		{"Bubble Roll 175 ft", []string{"12 in", "24 in"}, "", 25, 45, 0, ""},
	}},
	{"Lubricants", "LUB", 0.30, 0.38, []item{
		{"Grease Cartridge EP2 14 oz", []string{"Lithium", "Food-Grade H1", "Synthetic"}, "", 6, 14, 28, "lube point"},
		{"Gear Oil ISO 220", []string{"1 gal", "5 gal"}, "", 28, 120, 0, ""},
		{"Penetrating Oil Aerosol", []string{"11 oz"}, " (case 12)", 60, 85, 0, ""},
		{"Chain Lube Aerosol", []string{"Standard", "Food-Grade"}, " (case 12)", 80, 130, 0, ""},
		{"Semi-Synthetic Cutting Fluid", []string{"1 gal", "5 gal"}, "", 35, 150, 0, ""},
	}},
	{"Hand Tools", "HTL", 0.32, 0.40, []item{
		{"Combination Wrench Set", []string{"SAE 11 pc", "Metric 14 pc"}, "", 60, 140, 0, ""},
		{"Screwdriver Set", []string{"6 pc", "10 pc"}, "", 25, 60, 0, ""},
		{"Socket Set 3/8 in Drive", []string{"28 pc", "45 pc"}, "", 75, 180, 0, ""},
		{"Utility Knife Blades", []string{"Standard", "Heavy Duty"}, " (pack 100)", 18, 30, 100, "shift"},
		{"Tape Measure", []string{"16 ft", "25 ft", "35 ft"}, "", 10, 28, 0, ""},
		{"Pliers Set", []string{"3 pc", "5 pc"}, "", 30, 75, 0, ""},
	}},
	{"Power Tools", "PTL", 0.20, 0.28, []item{
		{"Cordless Drill/Driver 18V", []string{"Bare Tool", "Kit"}, "", 99, 219, 0, ""},
		{"Cordless Impact Driver 18V", []string{"Bare Tool", "Kit"}, "", 109, 229, 0, ""},
		{"Angle Grinder 4-1/2 in", []string{"Corded 11 A", "Cordless 18V"}, "", 89, 179, 0, ""},
		{"Battery Pack 18V", []string{"2 Ah", "5 Ah", "8 Ah"}, "", 69, 189, 1000, "charge"},
		{"Reciprocating Saw", []string{"Corded", "Cordless"}, "", 129, 229, 0, ""},
	}},
	{"Fluid Handling", "FLU", 0.22, 0.30, []item{
		{"Brass Ball Valve", []string{"1/2 in", "3/4 in", "1 in", "2 in"}, "", 12, 85, 0, ""},
		{"Air-Operated Diaphragm Pump", []string{"1/2 in", "1 in"}, "", 480, 1100, 0, ""},
		{"Drum Pump", []string{"Hand", "Electric"}, "", 60, 520, 0, ""},
		{"Hose Reel", []string{"3/8 in x 50 ft", "1/2 in x 50 ft"}, "", 180, 320, 0, ""},
		{"Suction Transfer Hose 20 ft", []string{"1-1/2 in", "2 in"}, "", 60, 120, 0, ""},
	}},
	{"HVAC", "HVC", 0.22, 0.30, []item{
		{"Condenser Fan Motor", []string{"1/4 hp", "1/3 hp", "1/2 hp"}, "", 85, 180, 0, ""},
		{"Run Capacitor", []string{"35/5 uF", "45/5 uF"}, "", 12, 22, 0, ""},
		{"Refrigerant R-410A 25 lb", []string{"Cylinder"}, "", 180, 260, 0, ""},
		{"Programmable Thermostat", []string{"Standard", "Wi-Fi"}, "", 60, 160, 0, ""},
		{"Blower Belt", []string{"4L330", "4L450", "A48"}, "", 6, 14, 0, ""},
	}},
	{"Plumbing", "PLB", 0.28, 0.36, []item{
		{"Copper Pipe Type L 10 ft", []string{"1/2 in", "3/4 in", "1 in"}, "", 25, 80, 0, ""},
		{"PVC Sch 40 Pipe 10 ft", []string{"1 in", "2 in", "4 in"}, "", 8, 40, 0, ""},
		{"Faucet Cartridge", []string{"Single Handle", "Two Handle"}, "", 12, 28, 0, ""},
		{"Flush Valve Repair Kit", []string{"Toilet", "Urinal"}, "", 18, 35, 0, ""},
		{"Pipe Thread Sealant", []string{"50 mL", "250 mL"}, "", 8, 24, 0, ""},
	}},
	{"Test & Measurement", "TST", 0.20, 0.28, []item{
		{"Digital Multimeter", []string{"True RMS", "Clamp"}, "", 120, 320, 0, ""},
		{"Digital Caliper", []string{"6 in", "8 in", "12 in"}, "", 35, 140, 0, ""},
		{"Infrared Thermometer", []string{"12:1", "30:1"}, "", 55, 160, 0, ""},
		{"Non-Contact Voltage Tester", []string{"Standard", "Dual Range"}, "", 20, 40, 0, ""},
		{"Click Torque Wrench", []string{"3/8 in drive", "1/2 in drive"}, "", 90, 210, 0, ""},
	}},
	{"Storage", "STO", 0.17, 0.24, []item{
		{"Steel Shelving 5-Shelf", []string{"36 x 18 x 72 in", "48 x 24 x 72 in"}, "", 160, 290, 0, ""},
		{"Bin Cabinet", []string{"36 in", "48 in"}, "", 420, 780, 0, ""},
		{"Flammable Safety Cabinet", []string{"30 gal", "45 gal"}, "", 780, 1150, 0, ""},
		{"Tool Cabinet 10-Drawer", []string{"Red", "Gray"}, "", 480, 900, 0, ""},
		{"Wire Shelving", []string{"48 x 18 in", "60 x 24 in"}, "", 140, 260, 0, ""},
	}},
	{"Motors", "MOT", 0.15, 0.20, []item{
		{"TEFC Motor 3-Phase", []string{"1 hp", "5 hp", "10 hp", "20 hp"}, "", 280, 1900, 0, ""},
		{"Right-Angle Gear Reducer", []string{"10:1", "20:1", "40:1"}, "", 320, 640, 0, ""},
		{"Variable Frequency Drive", []string{"1 hp", "5 hp", "10 hp"}, "", 220, 980, 0, ""},
		{"Single-Phase Motor", []string{"1/2 hp", "1 hp", "2 hp"}, "", 160, 420, 0, ""},
	}},
	{"Filtration", "FIL", 0.32, 0.40, []item{
		{"Pleated Air Filter MERV 8", []string{"16 x 20 x 2", "20 x 20 x 2", "24 x 24 x 2"}, " (case 12)", 45, 80, 36, "month"},
		{"Bag Filter MERV 14", []string{"12 x 24 x 22", "24 x 24 x 22"}, "", 28, 48, 6, "month"},
		{"Hydraulic Filter Element", []string{"10 micron", "25 micron"}, "", 30, 70, 500, "hour"},
		{"Compressed Air Filter Element", []string{"Particulate", "Coalescing"}, "", 40, 90, 2000, "hour"},
		{"Water Filter Cartridge 10 in", []string{"5 micron", "20 micron"}, "", 6, 15, 0, ""},
	}},
}

// product is one SKU. Prices are kept in cents so that amounts add up exactly.
type product struct {
	sku, name string
	cat       int // index in categorySpecs
	item      int // index in the category's items
	variant   string
	list      int64 // list price, cents
	cost      int64 // unit cost, cents
	uses      float64
	unit      string
}

// buildCatalog picks 8 to 20 SKUs in every category, with list prices that end in 9 and
// unit costs that give the category's margins. It returns the products in category
// order and, per category, the indexes of its products.
func buildCatalog(r *rand.Rand) ([]product, [][]int) {
	var products []product
	byCat := make([][]int, len(categorySpecs))
	for ci, c := range categorySpecs {
		type choice struct{ item, variant int }
		var all []choice
		for ii, it := range c.items {
			for vi := range it.variants {
				all = append(all, choice{ii, vi})
			}
		}
		n := min(len(all), 8+r.IntN(13))
		// Keep a random subset of n in catalog order.
		keep := r.Perm(len(all))[:n]
		slices.Sort(keep)
		number := 1 + r.IntN(20)
		for _, k := range keep {
			ch := all[k]
			it := c.items[ch.item]
			pos := 0.0
			if len(it.variants) > 1 {
				pos = float64(ch.variant) / float64(len(it.variants)-1)
			}
			price := (it.lo + (it.hi-it.lo)*pos) * uniform(r, 0.92, 1.08)
			list := max(99, int64(math.Round(price*10))*10-1) // ends in 9 cents
			margin := uniform(r, c.marginLo, c.marginHi)
			cost := int64(math.Round(float64(list) * (1 - margin)))
			byCat[ci] = append(byCat[ci], len(products))
			products = append(products, product{
				sku:     fmt.Sprintf("%s-%04d", c.prefix, number),
				name:    it.name + " " + it.variants[ch.variant] + it.pack,
				cat:     ci,
				item:    ch.item,
				variant: it.variants[ch.variant],
				list:    list,
				cost:    cost,
				uses:    it.uses,
				unit:    it.unit,
			})
			number += 1 + r.IntN(15)
		}
	}
	return products, byCat
}

// categoryIndex returns the index of the category named name in categorySpecs.
func categoryIndex(name string) int {
	for i, c := range categorySpecs {
		if c.name == name {
			return i
		}
	}
	panic("demo: unknown category " + name)
}
