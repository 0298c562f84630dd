package sftest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// query is the part of SOQL the stand-in reads:
//
//	SELECT field, Rel.Field, … | COUNT()  FROM Object
//	[WHERE cond AND cond …]  [ORDER BY field [ASC|DESC]]  [LIMIT n]
//
// where cond is `field op literal` (op = != > >= < <=) or `field IN ('a', 'b')`, and a
// literal is true, false, null, a number, a 'quoted string', a date (2026-01-02) or a
// datetime (2026-01-02T09:00:00Z, 2026-01-02T09:00:00.000+0000).
type query struct {
	fields  []string
	count   bool
	from    string
	conds   []cond
	orderBy string
	desc    bool
	limit   int
}

type cond struct {
	field string
	op    string
	vals  []any
}

type token struct {
	text   string
	quoted bool
}

func tokenize(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, token{text: string(c)})
			i++
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			if j < len(src) && src[j] == '=' {
				j++
			}
			toks = append(toks, token{text: src[i:j]})
			i = j
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '\''; j++ {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, token{text: b.String(), quoted: true})
			i = j + 1
		case isWord(c):
			j := i
			for j < len(src) && isWord(src[j]) {
				j++
			}
			toks = append(toks, token{text: src[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	}
	return toks, nil
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '-' || c == '+'
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || !(part[0] >= 'a' && part[0] <= 'z' || part[0] >= 'A' && part[0] <= 'Z') {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) next() token {
	t := p.peek()
	p.pos++
	return t
}

func (p *parser) keyword(k string) bool {
	t := p.peek()
	if !t.quoted && strings.EqualFold(t.text, k) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(s string) error {
	if t := p.next(); t.quoted || !strings.EqualFold(t.text, s) {
		return fmt.Errorf("unexpected token: '%s' (expected %s)", t.text, s)
	}
	return nil
}

func parseSOQL(src string) (*query, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q := &query{}
	if err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	if p.keyword("COUNT") {
		if err := p.expect("("); err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		q.count = true
	} else {
		for {
			t := p.next()
			if t.quoted || !isIdent(t.text) || strings.EqualFold(t.text, "FROM") {
				return nil, fmt.Errorf("unexpected token in the field list: '%s'", t.text)
			}
			q.fields = append(q.fields, t.text)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
	}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	if t := p.next(); t.quoted || !isIdent(t.text) || strings.Contains(t.text, ".") {
		return nil, fmt.Errorf("unexpected object name: '%s'", t.text)
	} else {
		q.from = t.text
	}
	if p.keyword("WHERE") {
		for {
			c, err := p.cond()
			if err != nil {
				return nil, err
			}
			q.conds = append(q.conds, c)
			if !p.keyword("AND") {
				break
			}
		}
	}
	if p.keyword("ORDER") {
		if err := p.expect("BY"); err != nil {
			return nil, err
		}
		t := p.next()
		if t.quoted || !isIdent(t.text) {
			return nil, fmt.Errorf("unexpected ORDER BY field: '%s'", t.text)
		}
		q.orderBy = t.text
		if p.keyword("DESC") {
			q.desc = true
		} else {
			p.keyword("ASC")
		}
	}
	if p.keyword("LIMIT") {
		n, err := strconv.Atoi(p.next().text)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad LIMIT")
		}
		q.limit = n
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected token: '%s'", p.peek().text)
	}
	return q, nil
}

func (p *parser) cond() (cond, error) {
	t := p.next()
	if t.quoted || !isIdent(t.text) {
		return cond{}, fmt.Errorf("unexpected token in WHERE: '%s'", t.text)
	}
	c := cond{field: t.text}
	if p.keyword("IN") {
		c.op = "IN"
		if err := p.expect("("); err != nil {
			return cond{}, err
		}
		for {
			v, err := literal(p.next())
			if err != nil {
				return cond{}, err
			}
			c.vals = append(c.vals, v)
			if p.peek().text == ")" {
				p.next()
				break
			}
			if err := p.expect(","); err != nil {
				return cond{}, err
			}
		}
		return c, nil
	}
	op := p.next()
	switch op.text {
	case "=", "!=", ">", ">=", "<", "<=":
	default:
		return cond{}, fmt.Errorf("unexpected operator: '%s'", op.text)
	}
	if op.quoted {
		return cond{}, fmt.Errorf("unexpected operator: '%s'", op.text)
	}
	c.op = op.text
	v, err := literal(p.next())
	if err != nil {
		return cond{}, err
	}
	c.vals = []any{v}
	return c, nil
}

func literal(t token) (any, error) {
	if t.quoted {
		return t.text, nil
	}
	switch strings.ToLower(t.text) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "":
		return nil, fmt.Errorf("missing value")
	}
	if strings.Contains(t.text, "T") {
		if tm, err := parseTime(t.text); err == nil {
			return tm, nil
		}
		return nil, fmt.Errorf("bad datetime literal: '%s'", t.text)
	}
	if d, err := time.Parse("2006-01-02", t.text); err == nil {
		return d.Format("2006-01-02"), nil
	}
	if f, err := strconv.ParseFloat(t.text, 64); err == nil {
		return f, nil
	}
	return nil, fmt.Errorf("unexpected value: '%s' (quote strings)", t.text)
}

func (q *query) match(s *Server, r Record) bool {
	for _, c := range q.conds {
		v := s.resolve(r, c.field)
		if t, ok := v.(time.Time); ok {
			v = t
		} else if str, ok := v.(string); ok {
			if _, isTime := c.vals[0].(time.Time); isTime {
				if t, err := parseTime(str); err == nil {
					v = t
				}
			}
		}
		switch c.op {
		case "IN":
			found := false
			for _, want := range c.vals {
				if v != nil && compareValues(v, want) == 0 {
					found = true
				}
			}
			if !found {
				return false
			}
		case "=":
			if !equal(v, c.vals[0]) {
				return false
			}
		case "!=":
			if equal(v, c.vals[0]) {
				return false
			}
		default:
			if v == nil || c.vals[0] == nil {
				return false
			}
			n := compareValues(v, c.vals[0])
			ok := c.op == ">" && n > 0 || c.op == ">=" && n >= 0 || c.op == "<" && n < 0 || c.op == "<=" && n <= 0
			if !ok {
				return false
			}
		}
	}
	return true
}

func equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if ab, ok := a.(bool); ok {
		bb, ok := b.(bool)
		return ok && ab == bb
	}
	return compareValues(a, b) == 0
}
