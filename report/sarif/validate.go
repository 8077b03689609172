package sarif

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// Validate checks what GitHub code scanning requires of an uploaded
// SARIF file (docs.github.com, "SARIF support for code scanning":
// required properties, limits) on the JSON as written, without the
// writer's types. It returns every problem found. gocsan's tests run it
// on every SARIF file they produce; it is exported for the end-to-end
// tests of the command.
func Validate(data []byte) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	str := func(m map[string]any, key, where string) string {
		s, ok := m[key].(string)
		if !ok || s == "" {
			bad("%s.%s: missing or empty string", where, key)
		}
		return s
	}
	object := func(v any, where string) map[string]any {
		m, ok := v.(map[string]any)
		if !ok {
			bad("%s: not an object", where)
			return map[string]any{}
		}
		return m
	}
	array := func(v any, where string) []any {
		a, ok := v.([]any)
		if !ok {
			bad("%s: not an array", where)
		}
		return a
	}
	textOf := func(v any, where string) string { return str(object(v, where), "text", where) }
	physical := func(v any, where string) {
		pl := object(object(v, where)["physicalLocation"], where+".physicalLocation")
		str(object(pl["artifactLocation"], where+".artifactLocation"), "uri", where+".artifactLocation")
		region := object(pl["region"], where+".region")
		if line, ok := region["startLine"].(float64); !ok || line < 1 || line != float64(int(line)) {
			bad("%s.region.startLine: want a positive integer, have %v", where, region["startLine"])
		}
	}
	if str(doc, "$schema", "log") != Schema {
		bad("$schema %v", doc["$schema"])
	}
	if doc["version"] != "2.1.0" {
		bad("version %v", doc["version"])
	}
	runs := array(doc["runs"], "runs")
	if len(runs) == 0 || len(runs) > 20 {
		bad("runs: %d, want 1 to 20", len(runs))
	}
	for ri, rv := range runs {
		where := fmt.Sprintf("runs[%d]", ri)
		run := object(rv, where)
		driver := object(object(run["tool"], where+".tool")["driver"], where+".tool.driver")
		str(driver, "name", where+".tool.driver")
		ruleIDs := map[string]bool{}
		for i, rl := range array(driver["rules"], where+".tool.driver.rules") {
			w := fmt.Sprintf("%s.rules[%d]", where, i)
			rule := object(rl, w)
			ruleIDs[str(rule, "id", w)] = true
			textOf(rule["shortDescription"], w+".shortDescription")
			if full := textOf(rule["fullDescription"], w+".fullDescription"); len(full) > 1024 {
				bad("%s.fullDescription: %d chars, at most 1024", w, len(full))
			}
			textOf(rule["help"], w+".help")
		}
		results := array(run["results"], where+".results")
		if len(results) > 25000 {
			bad("%s: %d results, at most 25000", where, len(results))
		}
		for i, resv := range results {
			w := fmt.Sprintf("%s.results[%d]", where, i)
			res := object(resv, w)
			msg := textOf(res["message"], w+".message")
			if id, ok := res["ruleId"].(string); ok && !ruleIDs[id] {
				bad("%s.ruleId %q: no such rule", w, id)
			}
			if lv, ok := res["level"]; ok && lv != "note" && lv != "warning" && lv != "error" && lv != "none" {
				bad("%s.level %v", w, lv)
			}
			locs := array(res["locations"], w+".locations")
			if len(locs) < 1 || len(locs) > 10 {
				bad("%s.locations: %d, want 1 to 10", w, len(locs))
			}
			for j, l := range locs {
				physical(l, fmt.Sprintf("%s.locations[%d]", w, j))
			}
			pf := object(res["partialFingerprints"], w+".partialFingerprints")
			str(pf, "primaryLocationLineHash", w+".partialFingerprints")
			if rel, ok := res["relatedLocations"]; ok {
				for j, l := range array(rel, w+".relatedLocations") {
					lw := fmt.Sprintf("%s.relatedLocations[%d]", w, j)
					physical(l, lw)
					id, ok := object(l, lw)["id"].(float64)
					if !ok {
						bad("%s: no id", lw)
						continue
					}
					// Shown only when the message links to it.
					if !regexp.MustCompile(fmt.Sprintf(`\[[^\]]+\]\(%d\)`, int(id))).MatchString(msg) {
						bad("%s: id %d not linked from the message %q", lw, int(id), msg)
					}
				}
			}
			if cf, ok := res["codeFlows"]; ok {
				for j, f := range array(cf, w+".codeFlows") {
					fw := fmt.Sprintf("%s.codeFlows[%d]", w, j)
					tfs := array(object(f, fw)["threadFlows"], fw+".threadFlows")
					if len(tfs) == 0 {
						bad("%s: no threadFlows", fw)
					}
					for k, tf := range tfs {
						tw := fmt.Sprintf("%s.threadFlows[%d]", fw, k)
						tl := array(object(tf, tw)["locations"], tw+".locations")
						if len(tl) == 0 || len(tl) > 10000 {
							bad("%s: %d locations", tw, len(tl))
						}
						for m, l := range tl {
							physical(object(l, tw)["location"], fmt.Sprintf("%s.locations[%d].location", tw, m))
						}
					}
				}
			}
		}
	}
	return errs
}
