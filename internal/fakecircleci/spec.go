package fakecircleci

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// v2Validator checks API v2 traffic against CircleCI's published OpenAPI description: a request
// CircleCI would reject, or an answer of the fake CircleCI would never give, fails the test.
type v2Validator struct {
	router routers.Router
}

var (
	v2Once sync.Once
	v2Val  *v2Validator
	v2Err  error
)

func loadV2(path string) (*v2Validator, error) {
	v2Once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			v2Err = fmt.Errorf("parsing CircleCI's API v2 OpenAPI description: %w", err)
			return
		}
		honourXNullable(doc)
		// Route on paths only: requests reach the fake on loopback, not circleci.com.
		doc.Servers = openapi3.Servers{{URL: "https://circleci.com/api/v2"}}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			v2Err = fmt.Errorf("building the API v2 router: %w", err)
			return
		}
		v2Val = &v2Validator{router: r}
	})
	return v2Val, v2Err
}

// check validates one request and the fake's answer to it; "" when both conform.
func (v *v2Validator) check(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) string {
	probe := req.Clone(context.Background())
	probe.URL = &url.URL{Scheme: "https", Host: "circleci.com", Path: req.URL.Path, RawQuery: req.URL.RawQuery}
	probe.Host = "circleci.com"
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		return fmt.Sprintf("%s %s: no such operation in CircleCI's API v2: %v", req.Method, req.URL.Path, err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Sprintf("%s %s (%s): %v", req.Method, req.URL.Path, route.Operation.OperationID, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Sprintf("answer %d to %s %s (%s): %v", status, req.Method, req.URL.Path, route.Operation.OperationID, err)
	}
	return ""
}

// recorder keeps what a handler answered, for validation after the fact.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// isV2 says whether a request is for API v2 (validated) rather than v1.1 or step output.
func isV2(path string) bool { return strings.HasPrefix(path, "/api/v2/") }

// honourXNullable makes the schemas the description marks "x-nullable: true" (its Swagger 2
// spelling, which OpenAPI 3 validators ignore) nullable, as CircleCI answers them: a last
// page's next_page_token is null.
func honourXNullable(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		sch := ref.Value
		seen[sch] = true
		if v, ok := sch.Extensions["x-nullable"].(bool); ok && v {
			sch.Nullable = true
		}
		for _, p := range sch.Properties {
			walk(p)
		}
		walk(sch.Items)
		if sch.AdditionalProperties.Schema != nil {
			walk(sch.AdditionalProperties.Schema)
		}
		for _, list := range []openapi3.SchemaRefs{sch.AllOf, sch.AnyOf, sch.OneOf} {
			for _, s := range list {
				walk(s)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}
