// Package baseline records the races a project has accepted for now, so
// that CI fails only on new ones. A baseline is a JSON file listing the
// stable fingerprints (report/fingerprint) of known races, with their
// titles for the person reading the diff; reports are matched by
// fingerprint only, so a baseline survives edits that move the racing
// lines and checkouts in other directories.
package baseline
