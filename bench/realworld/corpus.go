package realworld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Access is one side of a recorded race: the location -race prints in the
// access stack (file base name and line) and the function there.
type Access struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Func string `json:"func"`
}

func (a Access) String() string { return fmt.Sprintf("%s:%d", a.File, a.Line) }

// RaceCase is one file of corpus/races (format fixed by the corpus brief:
// see the package comment).
type RaceCase struct {
	ID        string       `json:"id"`
	Module    string       `json:"module"`
	Racy      string       `json:"racy"`
	Fixed     string       `json:"fixed"`
	Package   string       `json:"package"`
	Run       string       `json:"run"`
	Testflags []string     `json:"testflags"`
	Accesses  []Access     `json:"accesses"`
	Evidence  string       `json:"evidence"`
	Classes   []string     `json:"classes"`
	Verified  RaceVerified `json:"verified"`
}

// RaceVerified is the verification result recorded with a race case.
type RaceVerified struct {
	Date       string `json:"date"`
	Go         string `json:"go"`
	Runs       int    `json:"runs"`
	RacyFound  int    `json:"racy_found"`
	FixedFound int    `json:"fixed_found"` // -1 when there is no fixed version
}

// CompatCase is one file of corpus/compat.
type CompatCase struct {
	ID        string         `json:"id"`
	Module    string         `json:"module"`
	Version   string         `json:"version"`
	Packages  []string       `json:"packages"`
	Testflags []string       `json:"testflags"`
	Why       string         `json:"why"`
	Verified  CompatVerified `json:"verified"`
}

// CompatVerified records that the module's tests passed plain and under
// -race on the date and Go version given.
type CompatVerified struct {
	Date      string `json:"date"`
	Go        string `json:"go"`
	PlainPass bool   `json:"plain_pass"`
	RacePass  bool   `json:"race_pass"`
}

// classes is the fixed vocabulary of race pattern classes.
var classes = map[string]bool{
	"non-overlapping": true, "inside-std": true, "slice-map-field": true,
	"closure-capture": true, "test-only": true, "one-time-init": true,
	"old-go-directive": true, "bulk-op": true, "multi-line-operand": true,
	"counter": true,
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// loadDir decodes every *.json file of dir into a T with decode, sorted by
// file name. A missing directory is an empty corpus.
func loadDir[T any](dir string, check func(file string, c *T) error) ([]T, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []T
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c T
		if err := decodeStrict(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if err := check(f, &c); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// decodeStrict decodes exactly one JSON object, rejecting unknown fields
// and trailing data; syntax and type errors name the line.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("line %d: %v", lineOf(data, se.Offset), err)
		case errors.As(err, &te):
			return fmt.Errorf("line %d: %v", lineOf(data, te.Offset), err)
		}
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("line %d: data after the object", lineOf(data, d.InputOffset()))
	}
	return nil
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// checkID requires a kebab-case id equal to the file's base name.
func checkID(file, id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("id %q is not kebab-case", id)
	}
	if want := strings.TrimSuffix(filepath.Base(file), ".json"); id != want {
		return fmt.Errorf("id %q differs from the file name %q", id, want)
	}
	return nil
}

func checkRace(file string, c *RaceCase) error {
	if err := checkID(file, c.ID); err != nil {
		return err
	}
	for name, v := range map[string]string{"module": c.Module, "racy": c.Racy, "package": c.Package, "run": c.Run, "evidence": c.Evidence} {
		if v == "" {
			return fmt.Errorf("%s is empty", name)
		}
	}
	if _, err := regexp.Compile(c.Run); err != nil {
		return fmt.Errorf("run: %v", err)
	}
	if len(c.Accesses) == 0 {
		return errors.New("no accesses")
	}
	for i, a := range c.Accesses {
		if a.File == "" || a.File != filepath.Base(a.File) || a.Line <= 0 || a.Func == "" {
			return fmt.Errorf("accesses[%d]: want a file base name, a line > 0 and a function, have %+v", i, a)
		}
	}
	if len(c.Classes) == 0 {
		return errors.New("no classes")
	}
	for _, cl := range c.Classes {
		if !classes[cl] {
			return fmt.Errorf("class %q is not in the vocabulary", cl)
		}
	}
	return nil
}

func checkCompat(file string, c *CompatCase) error {
	if err := checkID(file, c.ID); err != nil {
		return err
	}
	for name, v := range map[string]string{"module": c.Module, "version": c.Version, "why": c.Why} {
		if v == "" {
			return fmt.Errorf("%s is empty", name)
		}
	}
	if len(c.Packages) == 0 {
		return errors.New("no packages")
	}
	return nil
}

func loadRaces(dir string) ([]RaceCase, error) { return loadDir(dir, checkRace) }

func loadCompat(dir string) ([]CompatCase, error) { return loadDir(dir, checkCompat) }
