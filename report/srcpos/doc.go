// Package srcpos maps the frames of a report to places in a repository:
// which frame of an access is the user's own code, and its path relative
// to the repository root, the form SARIF, GitHub annotations and the HTML
// page need. A report's top frame can lie outside the repository (the
// standard library, the module cache), where no annotation can point.
package srcpos
