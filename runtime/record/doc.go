// Package record is the data of one gocsan report as the engine records
// it, and the two encodings the engine writes itself: the KCSAN-style
// text and the JSON line. It imports nothing, so that the runtime, which
// uses it, depends on no standard-library package that gocsan could
// instrument (see docs/engine.md, "Import closure").
//
// Package report builds its Report on these types (its Frame, Access,
// Kind and Op are aliases of them) and owns everything else: parsing,
// rate limiting across processes, SARIF, JUnit, HTML, test2json.
package record
