package install

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// The newest bundled version is the keda/v2 module the provider's go.mod
// pins: plan-time checks use that module's rules.
func TestLatestIsTheKEDAModulePinned(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "github.com/kedacore/keda/v2" {
			if want := "v" + string(Latest()); f[1] != want {
				t.Fatalf("newest bundled KEDA is %s, go.mod pins keda/v2 %s", Latest(), f[1])
			}
			return
		}
	}
	t.Fatal("go.mod does not require github.com/kedacore/keda/v2")
}

// Exactly the listed versions are embedded, oldest first.
func TestVersionsAreEmbeddedInOrder(t *testing.T) {
	entries, err := fs.ReadDir(manifests, "manifests")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		dirs = append(dirs, e.Name())
	}
	if !slices.Equal(dirs, VersionStrings()) {
		t.Errorf("embedded %v, listed %v", dirs, VersionStrings())
	}
	for i := 1; i < len(Versions); i++ {
		if Versions[i-1].Compare(Versions[i]) >= 0 {
			t.Errorf("%s listed before %s", Versions[i-1], Versions[i])
		}
	}
}

func TestVersionCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b Version
		want int
	}{{"2.19.0", "2.21.0", -1}, {"2.21.0", "2.20.2", 1}, {"2.20.2", "2.20.2", 0}, {"2.9.0", "2.10.0", -1}, {"2.20.10", "2.20.9", 1}} {
		if got := tc.a.Compare(tc.b); got != tc.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestUnbundledVersionIsAnError(t *testing.T) {
	if _, err := Render(Params{Version: "2.18.0"}); err == nil {
		t.Error("KEDA 2.18.0 rendered although it is not bundled")
	}
}
