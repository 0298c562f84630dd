package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/incumbent/incumbent/domain"
)

// settingsFile is the settings file: TOML, named by --settings or $INCUMBENT_SETTINGS
// (see docs/settings.example.toml). Every setting is optional: what the file leaves out
// keeps its default (DESIGN section 3), a weight or a criterion's thresholds one by one.
// BurntSushi/toml decodes it: it is the most used TOML library in Go, reports errors with
// their line, and lists the keys it did not use, so a misspelt setting is an error
// instead of a silent default.
type settingsFile struct {
	Grade struct {
		Weights       map[string]float64   `toml:"weights"`
		Thresholds    map[string][]float64 `toml:"thresholds"`
		Tiers         []float64            `toml:"tiers"`
		CostOfCapital *float64             `toml:"cost_of_capital"`
		CarryingRate  *float64             `toml:"carrying_rate"`
	} `toml:"grade"`
	Deal struct {
		Discounts       []float64 `toml:"discounts"`
		Months          *int      `toml:"months"`
		FirstOrderShare *float64  `toml:"first_order_share"`
		MarginMultiple  *float64  `toml:"margin_multiple"`
		MinXShare       *float64  `toml:"min_x_share"`
		BalanceMin      *float64  `toml:"balance_min"`
		BalanceMax      *float64  `toml:"balance_max"`
		LeadMinSavings  *float64  `toml:"lead_min_savings"`
		Suggestions     *int      `toml:"suggestions"`
	} `toml:"deal"`
	Alerts struct {
		MinUncovered *float64 `toml:"min_uncovered"`
	} `toml:"alerts"`
}

// Settings are a deployment's settings.
type Settings struct {
	Grade domain.GradeSettings
	Deal  domain.DealSettings
	// AlertMinUncovered is alerts.min_uncovered: a new uncovered gap above it is an alert.
	AlertMinUncovered float64
}

// loadSettings reads the settings file at path ("" for the defaults) and validates the
// result. Errors name the file and the setting.
func loadSettings(path string) (Settings, error) {
	s := Settings{Grade: domain.DefaultGradeSettings(), Deal: domain.DefaultDealSettings(),
		AlertMinUncovered: domain.DefaultAlertMinUncovered}
	if path == "" {
		return s, nil
	}
	var f settingsFile
	text, err := readSettingsFile(path)
	if err != nil {
		return s, err
	}
	md, err := toml.Decode(text, &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return s, fmt.Errorf("settings %s: line %d: %s", path, pe.Position.Line, pe.Message)
		}
		return s, fmt.Errorf("settings %s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		keys := make([]string, len(un))
		for i, k := range un {
			keys[i] = k.String()
		}
		return s, fmt.Errorf("settings %s: unknown setting %s (the settings are grade.weights, grade.thresholds, grade.tiers, grade.cost_of_capital, grade.carrying_rate, deal.discounts, deal.months, deal.first_order_share, deal.margin_multiple, deal.min_x_share, deal.balance_min, deal.balance_max, deal.lead_min_savings, deal.suggestions, alerts.min_uncovered)",
			path, strings.Join(keys, ", "))
	}
	g := &s.Grade
	for _, name := range slices.Sorted(maps.Keys(f.Grade.Weights)) {
		g.Weights[name] = f.Grade.Weights[name]
	}
	for _, name := range slices.Sorted(maps.Keys(f.Grade.Thresholds)) {
		t := f.Grade.Thresholds[name]
		if len(t) != 3 {
			return s, fmt.Errorf("settings %s: grade.thresholds.%s: give 3 numbers (the values that score 4, 3 and 2), not %d", path, name, len(t))
		}
		g.Thresholds[name] = [3]float64{t[0], t[1], t[2]}
	}
	if f.Grade.Tiers != nil {
		if len(f.Grade.Tiers) != 3 {
			return s, fmt.Errorf("settings %s: grade.tiers: give 3 numbers (the lowest scores of Business Build, Core Customer and Convenient Sale), not %d", path, len(f.Grade.Tiers))
		}
		g.Tiers = [3]float64(f.Grade.Tiers)
	}
	if f.Grade.CostOfCapital != nil {
		g.CostOfCapital = *f.Grade.CostOfCapital
	}
	if f.Grade.CarryingRate != nil {
		g.CarryingRate = *f.Grade.CarryingRate
	}
	if err := g.Validate(); err != nil {
		return s, fmt.Errorf("settings %s: %s", path, domain.ErrorMessage(err))
	}
	d := &s.Deal
	if f.Deal.Discounts != nil {
		d.Discounts = f.Deal.Discounts
	}
	if f.Deal.Months != nil {
		d.Months = *f.Deal.Months
	}
	if f.Deal.FirstOrderShare != nil {
		d.FirstOrderShare = *f.Deal.FirstOrderShare
	}
	if f.Deal.MarginMultiple != nil {
		d.MarginMultiple = *f.Deal.MarginMultiple
	}
	for _, v := range []struct {
		from *float64
		to   *float64
	}{{f.Deal.MinXShare, &d.MinXShare}, {f.Deal.BalanceMin, &d.BalanceMin}, {f.Deal.BalanceMax, &d.BalanceMax}, {f.Deal.LeadMinSavings, &d.LeadMinSavings}} {
		if v.from != nil {
			*v.to = *v.from
		}
	}
	if f.Deal.Suggestions != nil {
		d.Count = *f.Deal.Suggestions
	}
	if err := d.Validate(); err != nil {
		return s, fmt.Errorf("settings %s: %s", path, domain.ErrorMessage(err))
	}
	if m := f.Alerts.MinUncovered; m != nil {
		if !(*m >= 0 && *m <= domain.MaxMoney) {
			return s, fmt.Errorf("settings %s: alerts.min_uncovered %v: give an amount from 0 to %.0f", path, *m, domain.MaxMoney)
		}
		s.AlertMinUncovered = *m
	}
	return s, nil
}
