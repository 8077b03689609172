package gobuild

import (
	"fmt"
	"strings"
)

// goValueFlags are the go build and go test flags that take a value in
// the next argument when written without "=". Knowing them lets the
// driver tell a flag's value from a package or program argument.
var goValueFlags = map[string]bool{
	// build flags (go help build)
	"C": true, "p": true, "o": true, "asmflags": true, "buildmode": true, "buildvcs": false,
	"compiler": true, "gccgoflags": true, "gcflags": true, "installsuffix": true,
	"ldflags": true, "mod": true, "modfile": true, "overlay": true, "pgo": true,
	"pkgdir": true, "tags": true, "toolexec": true, "covermode": true, "coverpkg": true,
	"exec": true, "vet": true,
	// test flags (go help testflag)
	"bench": true, "benchtime": true, "blockprofile": true, "blockprofilerate": true,
	"count": true, "coverprofile": true, "cpu": true, "cpuprofile": true, "fuzz": true,
	"fuzzcachedir": true, "fuzzminimizetime": true, "fuzztime": true, "list": true,
	"memprofile": true, "memprofilerate": true, "mutexprofile": true,
	"mutexprofilefraction": true, "outputdir": true, "parallel": true, "run": true,
	"shuffle": true, "skip": true, "timeout": true, "trace": true, "artifacts": false,
}

// forwardedFlags are the build flags that change how the standard
// library is compiled (and so the fingerprints the linker checks); the
// runtime's archives are built with the same ones.
var forwardedFlags = map[string]bool{
	"race": true, "msan": true, "asan": true, "trimpath": true, "linkshared": true,
	"tags": true, "gcflags": true, "asmflags": true, "pgo": true, "buildmode": true,
	"installsuffix": true, "compiler": true, "gccgoflags": true,
	// module flags: honoured only when the runtime is resolved in the
	// user's own module (see runtimeArchives).
	"mod": true, "modfile": true, "overlay": true,
}

// gocsanFlags are the flags gocsan itself owns; every other argument goes
// to the go command untouched.
var gocsanFlags = map[string]string{
	"profile":    "GOCSAN defaults: " + profileNames(),
	"instrument": "comma-separated package patterns to instrument besides the main module's packages (like -coverpkg)",
}

func profileNames() string {
	var s []string
	for _, p := range Profiles {
		s = append(s, p.Name)
	}
	return strings.Join(s, " or ")
}

// invocation is the user's command line, split.
type invocation struct {
	gocsan  map[string]string // gocsan flag name -> value
	goArgs  []string          // everything for the go command, in order
	forward []string          // the forwarded build flags, as -name=value
	dir     string            // -C value
	// packages are the package arguments (patterns, import paths,
	// directories or .go files), in order.
	packages []string
	json     bool // go test -json: keep stdout clean
	// cover is set when coverage is asked for and coverMode when its
	// mode is given.
	cover, coverMode bool
}

// splitArgs separates gocsan's flags from the go command's. Flags are
// recognised up to the first non-flag argument for build and run (what
// follows is packages and, for run, the program's arguments) and up to
// -args for test (go test accepts flags after the packages).
func splitArgs(sub string, args []string) (*invocation, error) {
	inv := &invocation{gocsan: map[string]string{}}
	inFlags := true
	// inPackages is cleared where program or test binary arguments begin.
	inPackages := true
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !inFlags || !strings.HasPrefix(a, "-") || a == "-" {
			if inPackages {
				switch {
				case sub != "run":
					inv.packages = append(inv.packages, a)
				case len(inv.packages) == 0 || strings.HasSuffix(a, ".go") && strings.HasSuffix(inv.packages[0], ".go"):
					// go run takes one package, or .go files, then the
					// program's arguments.
					inv.packages = append(inv.packages, a)
				default:
					inPackages = false
				}
			}
			if sub != "test" {
				inFlags = false
			}
			inv.goArgs = append(inv.goArgs, a)
			continue
		}
		if a == "--" || a == "-args" || a == "--args" {
			inFlags, inPackages = false, false
			inv.goArgs = append(inv.goArgs, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if _, ok := gocsanFlags[name]; ok {
			if !hasValue {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("flag -%s needs a value", name)
				}
				i++
				value = args[i]
			}
			inv.gocsan[name] = value
			continue
		}
		if name == "toolexec" {
			return nil, fmt.Errorf("-toolexec cannot be used with gocsan, which runs the build through its own -toolexec")
		}
		inv.goArgs = append(inv.goArgs, a)
		if !hasValue && goValueFlags[name] && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
			inv.goArgs = append(inv.goArgs, args[i])
		}
		switch {
		case name == "C":
			inv.dir = value
		case name == "json" && (!hasValue || value == "true"):
			inv.json = true
		case name == "cover" || name == "coverpkg" || name == "coverprofile":
			inv.cover = inv.cover || !hasValue || value != "false"
		case name == "covermode":
			inv.coverMode = true
		case forwardedFlags[name]:
			if hasValue {
				inv.forward = append(inv.forward, "-"+name+"="+value)
			} else {
				inv.forward = append(inv.forward, "-"+name)
			}
		}
	}
	return inv, nil
}

// checkGOFLAGS refuses a GOFLAGS that already sets -toolexec: the go
// command takes one toolexec wrapper only.
func checkGOFLAGS(goflags string) error {
	for _, f := range strings.Fields(goflags) {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name == "toolexec" {
			return fmt.Errorf("GOFLAGS sets %s; gocsan runs the build through its own -toolexec and the go command takes only one", f)
		}
	}
	return nil
}

// filterGOFLAGS drops module-selection flags from GOFLAGS for a go
// command run in gocsan's own module rather than the user's.
func filterGOFLAGS(goflags string) string {
	var keep []string
	for _, f := range strings.Fields(goflags) {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		switch name {
		case "mod", "modfile", "overlay", "toolexec":
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, " ")
}

// hasGcflags reports whether the command line sets -gcflags.
func (inv *invocation) hasGcflags() bool {
	for _, f := range inv.forward {
		if f == "-gcflags" || strings.HasPrefix(f, "-gcflags=") {
			return true
		}
	}
	return false
}

// goflagsSetGcflags reports whether GOFLAGS sets -gcflags.
func goflagsSetGcflags(goflags string) bool {
	for _, f := range strings.Fields(goflags) {
		if name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "="); name == "gcflags" {
			return true
		}
	}
	return false
}
