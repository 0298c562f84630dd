package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestSetDigestSettings(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	v := load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, tr := range []domain.Territory{
			{Name: "North", Manager: "nora@example.com", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8},
			{Name: "South", Timezone: "America/Chicago", DigestDay: time.Friday, DigestHour: 7, DigestChannel: "#south"},
		} {
			if err := b.PutTerritory(ctx, tr); err != nil {
				return err
			}
		}
		return nil
	})
	set := domain.Territory{Name: "North", Manager: "someone@else.com", DigestChannel: "#sales-north",
		Timezone: "Europe/Berlin", DigestDay: time.Tuesday, DigestHour: 9}
	if err := s.SetDigestSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTerritories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Territory{
		// The manager is not a digest setting: it stays.
		{Name: "North", Manager: "nora@example.com", DigestChannel: "#sales-north", Timezone: "Europe/Berlin", DigestDay: time.Tuesday, DigestHour: 9},
		{Name: "South", Timezone: "America/Chicago", DigestDay: time.Friday, DigestHour: 7, DigestChannel: "#south"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("territories (-want +got):\n%s", diff)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: digest settings are not data the figures read", v, v2)
	}
	for name, tt := range map[string]struct {
		t    domain.Territory
		code string
	}{
		"unknown territory": {domain.Territory{Name: "East", Timezone: "UTC", DigestHour: 8}, domain.ENOTFOUND},
		"hour":              {domain.Territory{Name: "North", Timezone: "UTC", DigestHour: 24}, domain.EINVALID},
		"day":               {domain.Territory{Name: "North", Timezone: "UTC", DigestDay: 7}, domain.EINVALID},
		"no time zone":      {domain.Territory{Name: "North"}, domain.EINVALID},
	} {
		if err := s.SetDigestSettings(ctx, tt.t); domain.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", name, err, tt.code)
		}
	}
}
