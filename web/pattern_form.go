package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// tryForm is the pattern being tried or saved, as typed. Its fields are the pattern file's, under
// the file's names (`jobs`, `steps`, `priority`, `last_lines`, `then`, …), so a pattern written
// in the UI and one written in .github/totto.yml are the same thing.
type tryForm struct {
	Name, Kind, Expr    string
	Tags, Jobs, Steps   string
	Description, Repo   string
	Account             string
	Priority, LastLines int
	// ThenKind, ThenExpr and ThenWithin are a multi-line pattern's `then:`; no ThenExpr, no then.
	ThenKind, ThenExpr string
	ThenWithin         int
	// RawMarker is the file's raw_marker: the expression sees a line GitHub marked as an error
	// with its ##[error] prefix, as imported catalogues written against raw logs expect.
	RawMarker bool
	Replaces  int64
	Logs      int
	// Invalid lists numeric fields that are not numbers, named as in the file format.
	Invalid []string
}

func formOf(r *http.Request) tryForm {
	raw := func(k string) string {
		if r.Method == http.MethodPost {
			return r.PostFormValue(k)
		}
		return r.URL.Query().Get(k)
	}
	get := func(k string) string { return strings.TrimSpace(raw(k)) }
	f := tryForm{Name: get("name"), Kind: get("kind"), Tags: get("tags"), Jobs: get("jobs"),
		Steps: get("steps"), Description: get("description"), Repo: get("repo"), Account: get("account"),
		// Leading and trailing spaces can matter in a literal.
		Expr: raw("expr"), ThenKind: get("then_kind"), ThenExpr: raw("then_expr"), RawMarker: get("raw_marker") != ""}
	num := func(k string) int {
		v := get(k)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Invalid = append(f.Invalid, k+": "+strconv.Quote(clipForm(v))+" is not a whole number")
		}
		return n
	}
	f.Priority, f.LastLines, f.ThenWithin = num("priority"), num("last_lines"), num("then_within")
	f.Replaces, _ = strconv.ParseInt(get("replaces"), 10, 64)
	f.Logs, _ = strconv.Atoi(get("logs"))
	if f.Kind == "" {
		f.Kind = string(patterns.Regex)
	}
	if f.ThenKind == "" {
		f.ThenKind = string(patterns.Regex)
	}
	return f
}

func (f tryForm) pattern() patterns.Pattern {
	p := patterns.Pattern{Name: f.Name, Kind: patterns.Kind(f.Kind), Expr: f.Expr, Tags: trimList(f.Tags),
		Jobs: trimList(f.Jobs), Steps: trimList(f.Steps), Description: f.Description, Priority: f.Priority,
		LastLines: f.LastLines, RawMarker: f.RawMarker}
	if f.ThenExpr != "" {
		p.Then = &patterns.Then{Kind: patterns.Kind(f.ThenKind), Expr: f.ThenExpr, Within: f.ThenWithin}
	}
	return p
}

// values is the form as formOf reads it back, so a link (the next page of a trial) carries every
// field; zero numbers are left out.
func (f tryForm) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	num := func(k string, n int64) {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	set("expr", f.Expr)
	set("kind", f.Kind)
	set("name", f.Name)
	set("tags", f.Tags)
	set("jobs", f.Jobs)
	set("steps", f.Steps)
	set("description", f.Description)
	set("repo", f.Repo)
	set("account", f.Account)
	set("then_expr", f.ThenExpr)
	if f.ThenExpr != "" {
		set("then_kind", f.ThenKind)
	}
	if f.RawMarker {
		v.Set("raw_marker", "true")
	}
	num("priority", int64(f.Priority))
	num("last_lines", int64(f.LastLines))
	num("then_within", int64(f.ThenWithin))
	num("replaces", f.Replaces)
	num("logs", int64(f.Logs))
	return v
}

// editForm is the form an edit starts from: every field of the stored pattern, its scope
// included, so saving changes only what the user changed.
func editForm(p store.Pattern, repo string) tryForm {
	f := tryForm{Name: p.Name, Kind: string(p.Kind), Expr: p.Expr, Tags: strings.Join(p.Tags, ", "),
		Jobs: strings.Join(p.Jobs, ", "), Steps: strings.Join(p.Steps, ", "), Description: p.Description,
		Priority: p.Priority, LastLines: p.LastLines, Replaces: p.ID, ThenKind: string(patterns.Regex), RawMarker: p.RawMarker}
	if p.Then != nil {
		f.ThenKind, f.ThenExpr, f.ThenWithin = string(p.Then.Kind), p.Then.Expr, p.Then.Within
	}
	switch p.Scope {
	case store.ScopeRepository:
		f.Repo = repo
	case store.ScopeAccount:
		f.Account = p.Owner
	}
	return f
}

// formProblems are the form's errors and warnings: fields that are not numbers, then the
// pattern's own (patterns.Check, the rules a pattern file gets).
func formProblems(f tryForm, p patterns.Pattern) (errs, warns []string) {
	errs, warns = problems(p)
	return append(append([]string(nil), f.Invalid...), errs...), warns
}
