package symbolize

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
)

// Modules finds the .ko files of kernel modules under a set of
// directories (a kernel build tree, /lib/modules/$(uname -r)) and opens
// each at most once. A .ko is a relocatable ELF object: its symbols and
// DWARF addresses are offsets into their sections, which is how frames
// "func+0xOFF/0xSIZE [module]" are resolved, without knowing where the
// module was loaded.
type Modules struct {
	Dirs []string

	mu     sync.Mutex
	index  map[string]string // normalized module name -> path
	other  map[string]string // compressed modules found, for the error
	images map[string]*Image
}

// normalize makes "kcsan-test" and "kcsan_test" the same name, as the
// kernel does.
func normalize(name string) string { return strings.ReplaceAll(name, "-", "_") }

func (m *Modules) scan() {
	m.index = make(map[string]string)
	m.other = make(map[string]string)
	m.images = make(map[string]*Image)
	for _, dir := range m.Dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			base := d.Name()
			if name, ok := strings.CutSuffix(base, ".ko"); ok {
				if _, dup := m.index[normalize(name)]; !dup {
					m.index[normalize(name)] = path
				}
				return nil
			}
			for _, ext := range []string{".ko.xz", ".ko.zst", ".ko.gz"} {
				if name, ok := strings.CutSuffix(base, ext); ok {
					m.other[normalize(name)] = path
				}
			}
			return nil
		})
	}
}

// Image returns the opened .ko of module name.
func (m *Modules) Image(name string) (*Image, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.index == nil {
		m.scan()
	}
	n := normalize(name)
	if im, ok := m.images[n]; ok {
		return im, nil
	}
	path, ok := m.index[n]
	if !ok {
		if c, ok := m.other[n]; ok {
			return nil, fmt.Errorf("module %s: only the compressed %s was found; decompress it", name, c)
		}
		return nil, fmt.Errorf("module %s: no %s.ko under %s", name, name, strings.Join(m.Dirs, ", "))
	}
	im, err := OpenImage(path)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", name, err)
	}
	m.images[n] = im
	return im, nil
}

// Close closes every opened module.
func (m *Modules) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, im := range m.images {
		im.Close()
	}
	m.images = map[string]*Image{}
	return nil
}
