package main

import (
	"cmp"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// secretKey reports whether a query parameter or a key=value key names a secret
// (password, passwd, pwd, sslpassword, token, secret, api_key, …).
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"pass", "pwd", "secret", "token", "key", "auth"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// keyValueRe matches one key=value of a connection string in key=value form
// (PostgreSQL's "host=… password='…'"), the value quoted or not.
var keyValueRe = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s']*)`)

// secretsIn returns the passwords and tokens in s, a URL or a connection string in any
// form, also one that does not parse: the password of its user information, the values
// of its query's secret parameters, or of its secret keys in key=value form, each as
// written and decoded.
func secretsIn(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	add := func(v string) {
		for _, x := range []string{v, unescape(url.QueryUnescape, v), unescape(url.PathUnescape, v)} {
			if x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		// The user information runs to the last @ (a password may hold an unescaped
		// /, ? or @): at worst more than the password is masked.
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
		if _, q, ok := strings.Cut(rest, "?"); ok {
			q, _, _ = strings.Cut(q, "#")
			for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
				k, v, _ := strings.Cut(kv, "=")
				if dk, err := url.QueryUnescape(k); err == nil {
					k = dk
				}
				if secretKey(k) {
					add(v)
				}
			}
		}
		return out
	}
	for _, m := range keyValueRe.FindAllStringSubmatch(s, -1) {
		if !secretKey(m[1]) {
			continue
		}
		v := m[2]
		add(v)
		if strings.HasPrefix(v, "'") {
			v = strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'")
			add(strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(v))
		}
	}
	return out
}

// unescape returns v decoded, or "" when it does not decode.
func unescape(decode func(string) (string, error), v string) string {
	d, err := decode(v)
	if err != nil {
		return ""
	}
	return d
}

// redactText returns s with every secret replaced by xxxxx, the longest first.
func redactText(s string, secrets []string) string {
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, mask)
		}
	}
	return s
}

// redactDSN returns a database or Redis URL, or a connection string in key=value form,
// for messages: its password and any secret parameter masked. A URL that does not parse
// is not shown.
func redactDSN(s string) string {
	if !strings.Contains(s, "://") {
		return keyValueRe.ReplaceAllStringFunc(s, func(kv string) string {
			m := keyValueRe.FindStringSubmatch(kv)
			if !secretKey(m[1]) {
				return kv
			}
			return m[1] + "=" + mask
		})
	}
	p, err := url.Parse(s)
	if err != nil {
		return "(an unreadable URL)"
	}
	if p.RawQuery != "" {
		parts := strings.Split(p.RawQuery, "&")
		for i, kv := range parts {
			k, _, _ := strings.Cut(kv, "=")
			if dk, err := url.QueryUnescape(k); err == nil && secretKey(dk) || secretKey(k) {
				parts[i] = k + "=" + mask
			}
		}
		p.RawQuery = strings.Join(parts, "&")
	}
	return p.Redacted()
}

// redactAttr is a slog ReplaceAttr that masks the secrets in every string and error a
// log record carries, its message included.
func redactAttr(secrets []string) func([]string, slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindString:
			if s := a.Value.String(); s != "" {
				a.Value = slog.StringValue(redactText(s, secrets))
			}
		case slog.KindAny:
			if err, ok := a.Value.Any().(error); ok && err != nil {
				a.Value = slog.StringValue(redactText(err.Error(), secrets))
			}
		}
		return a
	}
}
