// Package acctest starts the real control plane the acceptance tests run
// against: etcd and kube-apiserver built from pinned modules by
// scripts/testbin.sh, on free loopback ports, with KEDA's bundled CRDs.
package acctest

import (
	"errors"
	"fmt"
	"github.com/go-logr/logr"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/kedaml/terraform-provider-keda/internal/install"
)

// ControlPlane is a running etcd + kube-apiserver.
type ControlPlane struct {
	env            *envtest.Environment
	procs          []*exec.Cmd
	pods           *podNetwork
	Config         *rest.Config
	KubeconfigPath string
	dir            string
}

// Options select what the control plane starts with.
type Options struct {
	// WithoutCRDs leaves KEDA's CRDs out, to test what users see before
	// KEDA is installed.
	WithoutCRDs bool
	// Workloads adds kube-controller-manager, kube-scheduler and a kwok
	// node, so that Deployments become Available.
	Workloads bool
}

// BinDir is where the control-plane binaries are: $KEDA_TESTBIN, or the
// repository's .testbin that scripts/testbin.sh fills.
func BinDir() (string, error) {
	if d := os.Getenv("KEDA_TESTBIN"); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".testbin"), nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/kedaml/terraform-provider-keda\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (the go.mod of github.com/kedaml/terraform-provider-keda)")
		}
		dir = parent
	}
}

// Start starts etcd and kube-apiserver and installs KEDA's CRDs.
func Start(opts Options) (*ControlPlane, error) {
	// envtest logs through controller-runtime, which otherwise complains
	// loudly that no logger was set.
	ctrllog.SetLogger(logr.Discard())
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, fmt.Errorf("%s is not built: run `make testbin` first: %w", name, err)
		}
	}
	dir, err := os.MkdirTemp("", "keda-acctest-")
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    bin,
		ControlPlaneStartTimeout: 90 * time.Second,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	// Route aggregated APIs and webhooks to pod endpoints rather than
	// Service IPs: there is no kube-proxy, and a Service IP is routed out of
	// this machine. With workloads the pods' IPs live in the test's own
	// network namespace (see podNetwork); without, a KEDA installation's
	// APIService and webhooks have no endpoints and fail at once.
	env.ControlPlane.GetAPIServer().Configure().Set("enable-aggregator-routing", "true")
	if !opts.WithoutCRDs {
		crds, err := install.CRDs()
		if err != nil {
			return nil, err
		}
		env.CRDs = crds
	}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the test control plane: %w", err)
	}
	cp := &ControlPlane{env: env, Config: cfg, dir: dir}

	user, err := env.AddUser(envtest.User{Name: "terraform", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		cp.Stop()
		return nil, fmt.Errorf("creating the test user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		cp.Stop()
		return nil, err
	}
	cp.KubeconfigPath = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cp.KubeconfigPath, kubeconfig, 0o600); err != nil {
		cp.Stop()
		return nil, err
	}
	cp.Config = user.Config()
	if opts.Workloads {
		if err := cp.startWorkloads(bin); err != nil {
			cp.Stop()
			return nil, err
		}
	}
	return cp, nil
}

// Stop stops the control plane and removes its files.
func (cp *ControlPlane) Stop() {
	for _, p := range cp.procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	_ = cp.env.Stop()
	if cp.pods != nil {
		cp.pods.remove()
	}
	_ = os.RemoveAll(cp.dir)
}

// Clientset is a Kubernetes client for test setup and assertions.
func (cp *ControlPlane) Clientset() *kubernetes.Clientset {
	return kubernetes.NewForConfigOrDie(cp.Config)
}

// Dynamic is a dynamic client for test setup and assertions.
func (cp *ControlPlane) Dynamic() dynamic.Interface {
	return dynamic.NewForConfigOrDie(cp.Config)
}
