package services

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
)

// ReapOrphans kills the servers of an earlier run that died without
// stopping them (a panic or SIGKILL skips cleanup, and Erlang's processes
// outlive the script that starts them): those whose command line or
// environment names a directory "<prefix><pid>-..." of a process that is
// gone. Each run names its work directory so, with its own pid.
func ReapOrphans(prefix string) {
	owner := regexp.MustCompile(regexp.QuoteMeta(prefix) + `(\d+)-`)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var text []byte
		for _, f := range []string{"cmdline", "environ"} {
			data, _ := os.ReadFile(filepath.Join("/proc", e.Name(), f))
			text = append(text, data...)
		}
		m := owner.FindSubmatch(text)
		if m == nil {
			continue
		}
		if ownerPID, _ := strconv.Atoi(string(m[1])); ownerPID != pid && syscall.Kill(ownerPID, 0) != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
