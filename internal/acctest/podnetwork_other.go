//go:build !linux

package acctest

import (
	"errors"
	"net"
)

type podNetwork struct{ subnet string }

func newPodNetwork() (*podNetwork, error) {
	return nil, errors.New("the workload control plane needs Linux network namespaces")
}

func (n *podNetwork) remove() {}

func (n *podNetwork) listen(int) (net.Listener, error) {
	return nil, errors.New("not supported")
}
