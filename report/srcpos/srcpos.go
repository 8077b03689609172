package srcpos

import (
	"path/filepath"
	"strings"

	"github.com/gocsan/gocsan/report"
)

// Pos is one frame placed relative to a root directory.
type Pos struct {
	Frame report.Frame
	// Path is the frame's file with forward slashes: relative to the root
	// when InRoot, else as the report recorded it.
	Path string
	// InRoot is set when the file lies under the root, or is relative
	// (strip_path_prefix made it so): a repository path.
	InRoot bool
}

// Rel returns file relative to root with forward slashes, and whether it
// lies under root. A relative file is taken as already relative to root.
// With root empty, only relative files are in the root.
func Rel(file, root string) (string, bool) {
	if file == "" {
		return "", false
	}
	if !filepath.IsAbs(file) && !strings.HasPrefix(file, "/") {
		return filepath.ToSlash(filepath.Clean(file)), true
	}
	if root == "" {
		return filepath.ToSlash(file), false
	}
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(file))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(file), false
	}
	return filepath.ToSlash(rel), true
}

// Primary returns the frame of a that best locates it for a person: the
// innermost frame in the root, else the top frame. The zero Pos means the
// access has no stack.
func Primary(a report.Access, root string) Pos {
	for _, f := range a.Stack {
		if p, ok := Rel(f.File, root); ok {
			return Pos{Frame: f, Path: p, InRoot: true}
		}
	}
	top := a.Top()
	p, _ := Rel(top.File, root)
	return Pos{Frame: top, Path: p}
}

// Place returns f placed relative to root.
func Place(f report.Frame, root string) Pos {
	p, in := Rel(f.File, root)
	return Pos{Frame: f, Path: p, InRoot: in}
}
