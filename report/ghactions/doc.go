// Package ghactions publishes reports to GitHub Actions: workflow
// commands that annotate the racing lines (::error file=...,line=...::),
// printed only when running under Actions (GITHUB_ACTIONS=true), and a
// Markdown job summary appended to $GITHUB_STEP_SUMMARY.
//
// Actions shows only a few annotations per step, so at most Options.Max
// are printed, and the summary lists every race.
package ghactions
