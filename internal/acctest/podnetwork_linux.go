package acctest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// podNetwork is where the fake node's pods live: a network namespace of the
// test's own, joined to this machine by a veth pair. kwok hands out pod IPs
// from its subnet and the namespace holds them all, so the API server's
// calls to pods (aggregated APIs, webhooks) reach a host the test controls
// instead of leaving the machine, and a test can serve a component there.
type podNetwork struct {
	name   string
	subnet string // e.g. 10.213.7.0/24
}

const (
	podNetworkPrefix = "keda-acc-"
	podIPsInNetwork  = 40
)

func newPodNetwork() (*podNetwork, error) {
	if _, err := exec.LookPath("ip"); err != nil {
		return nil, fmt.Errorf("the workload control plane needs the `ip` command (iproute2) and root: %w", err)
	}
	removeStalePodNetworks()
	a, b := 200+rand.IntN(50), rand.IntN(250)
	n := &podNetwork{
		name:   fmt.Sprintf("%s%d-%d", podNetworkPrefix, os.Getpid(), rand.IntN(1_000_000)),
		subnet: fmt.Sprintf("10.%d.%d.0/24", a, b),
	}
	prefix := fmt.Sprintf("10.%d.%d.", a, b)
	host, peer := fmt.Sprintf("kh%06d", rand.IntN(1_000_000)), fmt.Sprintf("kp%06d", rand.IntN(1_000_000))
	cmds := [][]string{
		{"netns", "add", n.name},
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", n.name},
		{"addr", "add", prefix + "254/24", "dev", host},
		{"link", "set", host, "up"},
		{"-n", n.name, "link", "set", "lo", "up"},
		{"-n", n.name, "link", "set", peer, "up"},
	}
	for i := 1; i <= podIPsInNetwork; i++ {
		cmds = append(cmds, []string{"-n", n.name, "addr", "add", prefix + strconv.Itoa(i) + "/24", "dev", peer})
	}
	for _, args := range cmds {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			n.remove()
			return nil, fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
	}
	return n, nil
}

// remove deletes the namespace, and with it the veth pair.
func (n *podNetwork) remove() {
	_ = exec.Command("ip", "netns", "del", n.name).Run()
}

// removeStalePodNetworks deletes pod networks of test processes that died
// without cleaning up.
func removeStalePodNetworks() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, podNetworkPrefix)
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err != nil || unix.Kill(pid, 0) == nil {
			continue
		}
		_ = exec.Command("ip", "netns", "del", name).Run()
	}
}

// listen opens a TCP listener inside the pod network on every pod IP.
func (n *podNetwork) listen(port int) (net.Listener, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, err
	}
	defer func() { _ = self.Close() }()
	target, err := os.Open("/var/run/netns/" + n.name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = target.Close() }()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("entering the pod network: %w", err)
	}
	l, listenErr := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// This thread cannot be trusted any more: keep it locked so the
		// runtime retires it with the goroutine.
		runtime.LockOSThread()
		return nil, fmt.Errorf("leaving the pod network: %w", err)
	}
	return l, listenErr
}
