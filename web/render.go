package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticRoot embed.FS

// staticFS serves /static/… from the embedded static directory.
var staticFS fs.FS = staticRoot

// pages holds one template set per page, each the shared layout plus the page's content.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"when":     fmtTime,
	"whenp":    func(t *time.Time) string { return fmtTimePtr(t) },
	"short":    func(s string) string { return shorten(s, 8) },
	"join":     strings.Join,
	"pct":      func(n, d int64) string { return pct(n, d) },
	"percent":  percent,
	"bars":     barsSVG,
	"spark":    sparkSVG,
	"add":      func(a, b int) int { return a + b },
	"hasTag":   hasTag,
	"jobLink":  jobLink,
	"history":  historyLink,
	"testPage": testPageOf,
	"deref":    derefStr,
	"linkify":  linkify,
}

// loadPages parses the templates with the shared funcs plus the server's own (its redactor).
func loadPages(own template.FuncMap) (*pages, error) {
	all := template.FuncMap{}
	for k, f := range funcs {
		all[k] = f
	}
	for k, f := range own {
		all[k] = f
	}
	layout, err := template.New("layout.html").Funcs(all).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, e)
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", e, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every page template gets: the page's data plus the chrome (who is signed in, the
// CSRF token for forms, the insecure-mode banner).
type view struct {
	Title string
	Login string
	CSRF  string
	Dev   bool
	OAuth bool
	Path  string
	Data  any
}

// render executes a page into a buffer first, so a template error becomes a clean 500 rather
// than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	t, ok := s.pages.byName[page]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", s.viewOf(r, title, data)); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// stream writes a page while its template runs, for a page whose data produces content as it is
// written (a trial's hits, flushed as they are found). Proxies are asked not to buffer it. A
// template error after the first flush can no longer become a 500: it is logged.
func (s *server) stream(w http.ResponseWriter, r *http.Request, page, title string, data any) {
	t, ok := s.pages.byName[page]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", page))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := t.ExecuteTemplate(w, "layout.html", s.viewOf(r, title, data)); err != nil && r.Context().Err() == nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("streamed page cut short")
	}
}

// viewOf is a page's data with the chrome of the request's session.
func (s *server) viewOf(r *http.Request, title string, data any) view {
	sess := sessionOf(r.Context())
	return view{Title: title, Login: sess.Login, CSRF: sess.CSRF, Dev: s.deps.DevInsecure && sess.Login == "",
		OAuth: s.deps.OAuth.ClientID != "", Path: r.URL.RequestURI(), Data: data}
}

// fail logs an internal error and answers 500 without leaking details beyond the message.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("web request failed")
	// The error names tables, files and hosts: it is for the operator's log, not the visitor.
	http.Error(w, "internal error; the server's log has the details", http.StatusInternalServerError)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return fmtTime(*t)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// pct is n of d as a percentage (percent); "—" when there is nothing to count.
func pct(n, d int64) string {
	if d == 0 {
		return "—"
	}
	return percent(100 * float64(n) / float64(d))
}

// percent formats a percentage the one way every page shows it: whole numbers with a no-break
// space before the sign ("33 %"), and never rounded to a bound it has not reached ("<1 %" for a
// few in thousands, ">99 %" for all but a few), so "0 %" and "100 %" mean none and all.
func percent(v float64) string {
	switch {
	case v > 0 && v < 1:
		return "<1\u00a0%"
	case v > 99 && v < 100:
		return ">99\u00a0%"
	}
	return fmt.Sprintf("%.0f\u00a0%%", v)
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

// point is one bar of a chart.
type point struct {
	Label string
	Value float64
}

// barsSVG draws a bar chart as inline SVG: charts render with no script, print, and stay
// readable on a phone (the SVG scales to its container).
func barsSVG(ps []point, unit string) template.HTML {
	if len(ps) == 0 {
		return template.HTML(`<p class="muted">No data in this period.</p>`)
	}
	const w, h, pad = 600.0, 160.0, 20.0
	maxV := 0.0
	for _, p := range ps {
		maxV = max(maxV, p.Value)
	}
	// An all-zero chart draws no bars and labels its axis 0 (the scale only avoids dividing by 0).
	top := maxV
	if maxV == 0 {
		maxV = 1
	}
	value, label := trimFloat, unit
	if strings.HasPrefix(unit, "%") {
		value, unit = percent, strings.TrimSpace(strings.TrimPrefix(unit, "%"))
	}
	bw := (w - pad) / float64(len(ps))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h+pad, template.HTMLEscapeString(label))
	for i, p := range ps {
		bh := (h - pad) * p.Value / maxV
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s %s</title></rect>`,
			pad+float64(i)*bw+1, h-bh, max(bw-2, 1), bh, template.HTMLEscapeString(p.Label), value(p.Value), template.HTMLEscapeString(unit))
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="12" class="axis-max">%s</text>`, pad, value(top))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">%s</text>`, pad, h+pad-4, template.HTMLEscapeString(ps[0].Label))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="end">%s</text>`, w, h+pad-4, template.HTMLEscapeString(ps[len(ps)-1].Label))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and escaped labels only
}

// sparkSVG is a tiny line of weekly counts for a table cell.
func sparkSVG(vs []int64) template.HTML {
	if len(vs) == 0 {
		return ""
	}
	const w, h = 80.0, 18.0
	var m int64 = 1
	for _, v := range vs {
		m = max(m, v)
	}
	var pts strings.Builder
	for i, v := range vs {
		x := 0.0
		if len(vs) > 1 {
			x = w * float64(i) / float64(len(vs)-1)
		}
		fmt.Fprintf(&pts, "%.1f,%.1f ", x, h-1-(h-2)*float64(v)/float64(m))
	}
	return template.HTML(fmt.Sprintf(`<svg class="spark" viewBox="0 0 %.0f %.0f" aria-hidden="true"><polyline points="%s"/></svg>`, w, h, strings.TrimSpace(pts.String()))) //nolint:gosec // numbers only
}

func trimFloat(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.2f", f)
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
