// Package junit writes JUnit XML in the shape gotestsum produces and CI
// systems (GitLab, Jenkins, CircleCI, GitHub test reporters) read: one
// testsuite per package, one testcase per test and subtest (subtests
// flattened as Parent/child), <failure> holding the test's output.
//
// Races are added from gocsan's reports: each is attributed to its test
// by stack (testjson.Attribute) and fails that testcase with
// type="DataRace" and the KCSAN text; a race no test can be blamed for
// fails a synthetic "TestMain" testcase of its package, as gotestsum
// does for package-level failures.
package junit
