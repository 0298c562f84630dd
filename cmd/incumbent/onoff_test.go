package main

import (
	"testing"
)

// TestOnOff: the switches (INCUMBENT_PLAYGROUND, INCUMBENT_ALERTS,
// INCUMBENT_ALLOW_EXTERNAL) read on and off in their spellings, their default when
// unset, and refuse anything else naming the variable.
func TestOnOff(t *testing.T) {
	for _, tc := range []struct {
		v       string
		def     bool
		want    bool
		wantErr string
	}{
		{v: "", def: true, want: true},
		{v: "", def: false, want: false},
		{v: "on", want: true},
		{v: "TRUE", want: true},
		{v: "1", want: true},
		{v: "Off", def: true, want: false},
		{v: "false", def: true, want: false},
		{v: "0", def: true, want: false},
		{v: "maybe", def: true, wantErr: `INCUMBENT_ALERTS "maybe": use on or off`},
	} {
		got, err := onOff("INCUMBENT_ALERTS", tc.v, tc.def)
		switch {
		case tc.wantErr != "":
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("onOff(%q): %v, want the error %q", tc.v, err, tc.wantErr)
			}
		case err != nil || got != tc.want:
			t.Errorf("onOff(%q, %v) = %v, %v; want %v", tc.v, tc.def, got, err, tc.want)
		}
	}
}
