package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// requestsOnly trims GitHub's description to what request validation reads: every path and
// operation with its parameters and request body stay, and the rest goes (responses, webhooks,
// prose, examples, and the components nothing left refers to). A quarter of the JSON is left,
// and parsing it, which every test binary using the fake pays once (ten times over under
// -race), takes a fraction of the time.
func requestsOnly(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // limits and enums keep their exact values
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	delete(doc, "x-webhooks")
	delete(doc, "webhooks")
	paths, _ := doc["paths"].(map[string]any)
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			o, ok := op.(map[string]any)
			if !ok {
				continue
			}
			for _, k := range []string{"responses", "summary", "description", "tags", "externalDocs", "x-github"} {
				delete(o, k)
			}
			body, _ := o["requestBody"].(map[string]any)
			content, _ := body["content"].(map[string]any)
			for _, mt := range content {
				if m, ok := mt.(map[string]any); ok {
					delete(m, "examples")
				}
			}
		}
	}
	// Keep the components reachable from the paths, following references transitively.
	components, _ := doc["components"].(map[string]any)
	kept := map[string]bool{}
	var todo []string
	collectRefs(paths, &todo)
	for len(todo) > 0 {
		ref := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if kept[ref] {
			continue
		}
		kept[ref] = true
		parts := strings.Split(ref, "/")
		if len(parts) != 4 || parts[0] != "#" || parts[1] != "components" {
			continue
		}
		if kind, ok := components[parts[2]].(map[string]any); ok {
			collectRefs(kind[parts[3]], &todo)
		}
	}
	for kindName, kind := range components {
		items, ok := kind.(map[string]any)
		if !ok {
			continue
		}
		for name := range items {
			if !kept["#/components/"+kindName+"/"+name] {
				delete(items, name)
			}
		}
	}
	return json.Marshal(doc)
}

// collectRefs appends every "$ref" string under v.
func collectRefs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				*out = append(*out, s)
				continue
			}
			collectRefs(e, out)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, out)
		}
	}
}
