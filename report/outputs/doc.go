// Package outputs writes every CI output a gocsan test run was asked for
// (SARIF, JUnit, HTML files, GitHub Actions annotations and job summary)
// from the run's go test -json events and its reports, in one call, so
// that the test driver and gocsan report produce the same files from the
// same deduplicated reports.
package outputs
