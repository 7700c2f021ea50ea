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
	// Route on paths only: requests reach the fake on loopback, not api.github.com.
	doc.Servers = openapi3.Servers{{URL: "https://api.github.com"}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("building router: %w", err)
	}
	return &validator{router: r}, nil
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
