package fakegithub

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// validator checks requests against GitHub's published OpenAPI description, so a request the real
// API would reject fails our tests instead of production.
type validator struct {
	router routers.Router
}

var (
	specOnce sync.Once
	specVal  *validator
	specErr  error
)

// loadValidator parses the (large) description once per test binary.
func loadValidator(path string) (*validator, error) {
	specOnce.Do(func() {
		specVal, specErr = parseSpec(path)
	})
	return specVal, specErr
}

func parseSpec(path string) (*validator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening GitHub OpenAPI description: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("gunzip %s: %w", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if data, err = requestsOnly(data); err != nil {
		return nil, fmt.Errorf("trimming GitHub OpenAPI description: %w", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parsing GitHub OpenAPI description: %w", err)
	}
	searchDates(doc)
	// Route on paths only: requests reach the fake on loopback, not api.github.com.
	doc.Servers = openapi3.Servers{{URL: "https://api.github.com"}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("building router: %w", err)
	}
	return &validator{router: r}, nil
}

// searchDate is GitHub's search syntax for a date qualifier: a date or date-time, optionally after
// >, >=, < or <=, or a range A..B whose ends may be "*".
const searchDate = `^((>=|<=|>|<)?D|(D|\*)\.\.(D|\*))$`

const searchDateTerm = `[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?`

// searchDates lets query parameters typed date-time whose description points to the search
// syntax for dates (workflow runs' created) take that syntax, as GitHub does: the description
// documents ranges the schema's format alone would reject.
func searchDates(doc *openapi3.T) {
	re := strings.ReplaceAll(searchDate, "D", searchDateTerm)
	fix := func(p *openapi3.ParameterRef) {
		if p == nil || p.Value == nil || p.Value.In != "query" || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			return
		}
		sch := p.Value.Schema.Value
		if sch.Format == "date-time" && strings.Contains(p.Value.Description, "query-for-dates") {
			cp := *sch
			cp.Format, cp.Pattern = "", re
			p.Value.Schema = &openapi3.SchemaRef{Value: &cp}
		}
	}
	for _, pp := range doc.Components.Parameters {
		fix(pp)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				fix(p)
			}
		}
	}
}

// validate returns "" when the request conforms, else a description of the violation.
func (v *validator) validate(req *http.Request, body []byte) string {
	probe := req.Clone(context.Background())
	u := *req.URL
	u.Scheme, u.Host = "https", "api.github.com"
	u.Path = multiSegmentParams(strings.TrimPrefix(u.Path, "/api/v3"))
	probe.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery}
	probe.Host = "api.github.com"
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		// ghinstallation sends a literal null body when asking for a token; GitHub treats it as
		// no body at all, and so do we.
		body = nil
		probe.Header.Del("Content-Type")
		probe.ContentLength = 0
	}
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		return fmt.Sprintf("%s %s: no such operation in GitHub's API: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    probe,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         true,
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Sprintf("%s %s (%s): %v", req.Method, req.URL.Path, route.Operation.OperationID, err)
	}
	return ""
}
