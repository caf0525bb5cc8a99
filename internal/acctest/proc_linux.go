package acctest

import "syscall"

// dieWithParent makes a helper process end with the test binary, even when
// the tests are killed and no cleanup runs.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
