//go:build !linux

package acctest

import "syscall"

func dieWithParent() *syscall.SysProcAttr { return nil }
