package crm

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/incumbent/incumbent/domain"
)

// Section is a CRM's part of the mapping file (docs/CRM.md): [salesforce] or [hubspot]
// with its options, and its tables of fields ([salesforce.account] …), each standard
// column = the CRM's field.
type Section struct {
	DefaultTerritory string
	Options          map[string]string            // the section's other options, as text
	Fields           map[string]map[string]string // table → standard column → CRM field
}

// sectionKeys are, per CRM, the options and the tables its section may hold.
var sectionKeys = map[string]struct{ options, tables []string }{
	domain.CRMSalesforce: {
		options: []string{"default_territory", "category_field", "bulk_threshold"},
		tables:  []string{"account", "opportunity", "user", "potential"},
	},
	domain.CRMHubSpot: {
		options: []string{"default_territory", "account_number_property", "category_property", "territory_property"},
		tables:  []string{"company", "deal", "owner", "potential"},
	},
}

// LoadSections reads the CRM sections of the mapping file at path ("" = none: every CRM
// gets an empty Section). Every problem names the file, the section and the key.
func LoadSections(path string) (map[string]Section, error) {
	out := map[string]Section{}
	for c := range sectionKeys {
		out[c] = Section{Options: map[string]string{}, Fields: map[string]map[string]string{}}
	}
	if path == "" {
		return out, nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: %v", path, err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(text), &raw); err != nil {
		return nil, domain.Errorf(domain.EINVALID, "mapping %s: %v", path, err)
	}
	var problems []string
	for _, c := range slices.Sorted(maps.Keys(sectionKeys)) {
		v, ok := raw[c]
		if !ok {
			continue
		}
		tbl, ok := v.(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s is not a section: write [%s] on a line of its own", path, c, c))
			continue
		}
		keys := sectionKeys[c]
		sec := out[c]
		for _, k := range slices.Sorted(maps.Keys(tbl)) {
			switch val := tbl[k].(type) {
			case map[string]any:
				if !slices.Contains(keys.tables, k) {
					problems = append(problems, fmt.Sprintf("%s: [%s.%s]: not a table of %s (they are %s)", path, c, k, c, strings.Join(keys.tables, ", ")))
					continue
				}
				fields := map[string]string{}
				for col, f := range val {
					s, ok := f.(string)
					if !ok || strings.TrimSpace(s) == "" {
						problems = append(problems, fmt.Sprintf("%s: [%s.%s] %s: give the field's name as a string", path, c, k, col))
						continue
					}
					fields[col] = strings.TrimSpace(s)
				}
				sec.Fields[k] = fields
			default:
				if !slices.Contains(keys.options, k) {
					problems = append(problems, fmt.Sprintf("%s: [%s] %s: not an option (the options are %s; the tables %s)",
						path, c, k, strings.Join(keys.options, ", "), strings.Join(keys.tables, ", ")))
					continue
				}
				s := strings.TrimSpace(fmt.Sprint(val))
				if k == "default_territory" {
					sec.DefaultTerritory = s
				} else {
					sec.Options[k] = s
				}
			}
		}
		out[c] = sec
	}
	if len(problems) > 0 {
		return nil, domain.Errorf(domain.EINVALID, "the mapping %s is refused: %s", path, strings.Join(problems, "; "))
	}
	return out, nil
}
