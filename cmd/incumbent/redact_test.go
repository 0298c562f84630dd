package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactDSN(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://u:pw@db.example.com:5432/app?sslmode=require", "postgres://u:xxxxx@db.example.com:5432/app?sslmode=require"},
		{"postgres://u@db/app?sslmode=disable&password=pw&PassWord=x", "postgres://u@db/app?sslmode=disable&password=xxxxx&PassWord=xxxxx"},
		{"postgres://u:pw@[::1:5432/db", "(an unreadable URL)"},
		{"host=db user=u password=pw dbname=app", "host=db user=u password=xxxxx dbname=app"},
		{"host=db password = 'p w\\' x' sslpassword=k dbname=app", "host=db password=xxxxx sslpassword=xxxxx dbname=app"},
		{"redis://:pw@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0"},
	} {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretsIn(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"postgres://u:p%40ss@h/db", []string{"p%40ss", "p@ss"}},
		{"redis://:pw@[::1:6379", []string{"pw"}},
		{"redis://h/0?password=a%20b&db=1&token=t", []string{"a%20b", "a b", "t"}},
		{"host=h password='x y' user=u", []string{"'x y'", "x y"}},
		{"host=h passfile=/p user=u", []string{"/p"}},
		{"postgres://u@h/db", nil},
	} {
		if diff := cmp.Diff(tt.want, secretsIn(tt.in)); diff != "" {
			t.Errorf("secretsIn(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
