package acctest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FakeNodeName is the node kwok plays the kubelet of.
const FakeNodeName = "kwok-node-0"

// startWorkloads adds what makes Deployments become Available without a
// real kubelet: kube-controller-manager, kube-scheduler, and kwok managing
// one fake node with room for KEDA and GPU workloads.
func (cp *ControlPlane) startWorkloads(bin string) error {
	for _, name := range []string{"kube-controller-manager", "kube-scheduler", "kwok", "kwok-stages"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return fmt.Errorf("%s is not built: run `make testbin` first: %w", name, err)
		}
	}
	pods, err := newPodNetwork()
	if err != nil {
		return err
	}
	cp.pods = pods
	saKey := filepath.Join(cp.env.ControlPlane.APIServer.CertDir, "sa-signer.key")
	kcmPort, err := FreePort()
	if err != nil {
		return err
	}
	schedPort, err := FreePort()
	if err != nil {
		return err
	}
	kwokPort, err := FreePort()
	if err != nil {
		return err
	}
	stages, err := filepath.Glob(filepath.Join(bin, "kwok-stages", "*.yaml"))
	if err != nil || len(stages) == 0 {
		return fmt.Errorf("no kwok stages in %s: run `make testbin`", filepath.Join(bin, "kwok-stages"))
	}
	kwokArgs := []string{
		"--kubeconfig=" + cp.KubeconfigPath,
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--server-address=127.0.0.1:" + strconv.Itoa(kwokPort),
		"--cidr=" + cp.pods.subnet,
	}
	for _, s := range stages {
		kwokArgs = append(kwokArgs, "--config="+s)
	}
	procs := []struct {
		name string
		args []string
	}{
		{"kube-controller-manager", []string{
			"--kubeconfig=" + cp.KubeconfigPath, "--leader-elect=false", "--controllers=*",
			"--service-account-private-key-file=" + saKey, "--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(kcmPort),
		}},
		{"kube-scheduler", []string{
			"--kubeconfig=" + cp.KubeconfigPath, "--leader-elect=false", "--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(schedPort),
		}},
		{"kwok", kwokArgs},
	}
	for _, p := range procs {
		cmd := exec.Command(filepath.Join(bin, p.name), p.args...)
		log, err := os.Create(filepath.Join(cp.dir, p.name+".log"))
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = dieWithParent()
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", p.name, err)
		}
		cp.procs = append(cp.procs, cmd)
	}
	return cp.addFakeNode()
}

func (cp *ControlPlane) addFakeNode() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
		"nvidia.com/gpu":      resource.MustParse("4"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        FakeNodeName,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": FakeNodeName,
				"type": "kwok", "nvidia.com/gpu.present": "true",
			},
		},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
	cs := cp.Clientset()
	if _, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the fake node: %w", err)
	}
	for {
		n, err := cs.CoreV1().Nodes().Get(ctx, FakeNodeName, metav1.GetOptions{})
		if err == nil {
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the fake node never became Ready (is kwok running? see %s)", filepath.Join(cp.dir, "kwok.log"))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// FreePort is a TCP port free on loopback now, for a server to listen on.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

// ListenInPodNetwork listens on a port of every pod IP of the fake node, so
// that a test can play a pod's server.
func (cp *ControlPlane) ListenInPodNetwork(port int) (net.Listener, error) {
	if cp.pods == nil {
		return nil, errors.New("the control plane was started without Workloads")
	}
	return cp.pods.listen(port)
}
