package patterns

import (
	"encoding/xml"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Jenkins' Build Failure Analyzer keeps its failure causes, when they are stored in Jenkins
// itself, in $JENKINS_HOME/build-failure-analyzer.xml: each cause has a name, a description,
// categories and indications, each indication a Java regular expression.
type bfaFile struct {
	Causes []bfaCause `xml:"knowledgeBase>causes>entry>com.sonyericsson.jenkins.plugins.bfa.model.FailureCause"`
}

type bfaCause struct {
	Name        string   `xml:"name"`
	Description string   `xml:"description"`
	Categories  []string `xml:"categories>string"`
	Indications struct {
		Items []bfaIndication `xml:",any"`
	} `xml:"indications"`
}

// bfaIndication is one indication; its element name is its Java class.
type bfaIndication struct {
	XMLName xml.Name
	Pattern string `xml:"pattern"`
}

const (
	bfaClassPrefix = "com.sonyericsson.jenkins.plugins.bfa.model.indication."
	bfaBuildLog    = bfaClassPrefix + "BuildLogIndication"
	bfaMultiline   = bfaClassPrefix + "MultilineBuildLogIndication"
)

// xml11 is an XML 1.1 declaration's version.
var xml11 = regexp.MustCompile(`^(\s*<\?xml\s+version\s*=\s*["'])1\.1(["'])`)

// bfaWithin is the window given to imported multi-line causes: upstream matches its expression
// against the whole log, with no bound between the two parts.
const bfaWithin = MaxThenWithin

// importBFA reads Build Failure Analyzer's build-failure-analyzer.xml. Each indication becomes a
// pattern named after its cause ("name (2)" for a cause's second indication), tagged with the
// cause's categories (normalised), described by its description:
//   - a build-log indication must match a whole line upstream, so its expression is anchored
//     (`^(?:…)$`);
//   - a multi-line indication (upstream: the expression over the whole log, `.` matching line
//     breaks) is split at its first top-level line break or `.*` into a first line and a
//     `then:` within 1000 lines; one with no such split point is imported as a single line, and
//     one needing three lines or more is skipped, each with a note;
//   - indications of other kinds (test results, …) are skipped with a note.
//
// Java regex features RE2 lacks (look-around, back-references) make Check fail, and such
// patterns are skipped with the compiler's message.
func importBFA(path string) (ImportResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("read: %w", err)
	}
	// Jenkins writes XML 1.1, which Go's decoder refuses; what 1.1 changed (control characters as
	// character references, more name characters) does not occur in these files' markup.
	data = xml11.ReplaceAll(data, []byte("${1}1.0${2}"))
	var f bfaFile
	if err := xml.Unmarshal(data, &f); err != nil {
		return ImportResult{}, fmt.Errorf("parse XML: %w", err)
	}
	if len(f.Causes) == 0 {
		return ImportResult{}, fmt.Errorf("no failure causes found: expected Jenkins' build-failure-analyzer.xml with causes stored in Jenkins (knowledgeBase>causes)")
	}
	var res ImportResult
	for _, c := range f.Causes {
		var tags []string
		for _, cat := range c.Categories {
			if t := NormaliseTag(cat); t != "" {
				tags = append(tags, t)
			}
		}
		for i, ind := range c.Indications.Items {
			name := c.Name
			if i > 0 {
				name = fmt.Sprintf("%s (%d)", c.Name, i+1)
			}
			p := Pattern{Name: name, Kind: Regex, Tags: tags, Description: strings.TrimSpace(c.Description)}
			switch ind.XMLName.Local {
			case bfaBuildLog:
				p.Expr = "^(?:" + ind.Pattern + ")$"
			case bfaMultiline:
				first, then, ok := splitMultiline(ind.Pattern)
				switch {
				case !ok:
					res.notef("%q: multi-line expression has no line break or `.*` between two parts; imported as one line", name)
					p.Expr = first
				case then == "":
					res.notef("skipped %q: its multi-line expression needs three lines or more; a pattern requires at most two", name)
					continue
				default:
					p.Expr = first
					p.Then = &Then{Kind: Regex, Expr: then, Within: bfaWithin}
				}
			default:
				res.notef("skipped %q: indication %s is not about the build log", name, strings.TrimPrefix(ind.XMLName.Local, bfaClassPrefix))
				continue
			}
			res.Patterns = append(res.Patterns, p)
		}
	}
	return res, nil
}

// splitMultiline splits a multi-line expression at its first top-level line break (`\n`,
// `\r?\n`, `\r\n`) or any-run (`.*`, `.+`, `[\s\S]*`, lazy or not) into the first line's and the
// second line's expressions; separators at either end are dropped (a line is searched anywhere).
// ok is false when there is no split point; then is "" when the second part holds another line
// break (three lines or more). Any-runs left in the second part match within its line.
func splitMultiline(expr string) (first, then string, ok bool) {
	expr = trimSeparators(expr)
	seps := lineSplits(expr)
	if len(seps) == 0 {
		return expr, "", false
	}
	first, rest := expr[:seps[0][0]], trimSeparators(expr[seps[0][1]:])
	for _, sp := range lineSplits(rest) {
		if strings.Contains(rest[sp[0]:sp[1]], `\n`) {
			return first, "", true
		}
	}
	return first, rest, true
}

// trimSeparators drops top-level separators at the start and the end of expr.
func trimSeparators(expr string) string {
	for {
		seps := lineSplits(expr)
		switch {
		case len(seps) > 0 && seps[0][0] == 0:
			expr = expr[seps[0][1]:]
		case len(seps) > 0 && seps[len(seps)-1][1] == len(expr):
			expr = expr[:seps[len(seps)-1][0]]
		default:
			return expr
		}
	}
}

// bfaSeparators are the top-level tokens a multi-line expression is split at, longest first.
var bfaSeparators = []string{`[\s\S]*?`, `[\s\S]*`, `[\S\s]*?`, `[\S\s]*`, `\r?\n`, `\r\n`, `.*?`, `.+?`, `.*`, `.+`, `\n`}

// lineSplits finds the separators outside groups and character classes, as [start, end) spans.
func lineSplits(expr string) [][2]int {
	var out [][2]int
	depth, inClass := 0, false
	for i := 0; i < len(expr); i++ {
		if !inClass && depth == 0 {
			found := false
			for _, sep := range bfaSeparators {
				if strings.HasPrefix(expr[i:], sep) {
					out = append(out, [2]int{i, i + len(sep)})
					i += len(sep) - 1
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		switch c := expr[i]; {
		case c == '\\':
			i++ // the escaped character
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if strings.HasPrefix(expr[i+1:], "^") {
				i++
			}
			if strings.HasPrefix(expr[i+1:], "]") {
				i++ // a leading ']' is literal
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
	}
	return out
}
