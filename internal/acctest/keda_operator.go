package acctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Process is a helper server a test harness started.
type Process struct {
	name string
	cmd  *exec.Cmd
	log  string
}

// StartProcess starts cmd with its output in logPath; it dies with the
// test binary.
func StartProcess(name, logPath string, cmd *exec.Cmd) (*Process, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); _ = out.Close() }()
	return &Process{name: name, cmd: cmd, log: logPath}, nil
}

// Stop asks the process to end and kills it if it does not in time.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if p.cmd.ProcessState != nil || p.cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
	}
	_ = p.cmd.Process.Kill()
}

// DumpLog writes the end of the process's log to w.
func (p *Process) DumpLog(w io.Writer) {
	data, err := os.ReadFile(p.log)
	if err != nil {
		return
	}
	const tail = 20000
	if len(data) > tail {
		data = data[len(data)-tail:]
	}
	_, _ = fmt.Fprintf(w, "---- last lines of %s (%s) ----\n%s\n", p.name, p.log, data)
}

// WaitHTTP polls url until it answers 200, and gives up early when p
// exits.
func WaitHTTP(url, user, password string, timeout time.Duration, p *Process) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		last = err
		if p != nil && p.cmd.ProcessState != nil {
			var buf bytes.Buffer
			p.DumpLog(&buf)
			return fmt.Errorf("%s exited: %s", p.name, buf.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s: %w", url, timeout, last)
}

// StartKEDAOperator runs KEDA's operator (scripts/testbin.sh keda) out of
// cluster against the control plane, as `make run` in KEDA's repository
// does: cluster objects in the keda namespace (created if absent), every
// namespace watched, and its metrics gRPC server on certificates made in
// dir.
func (cp *ControlPlane) StartKEDAOperator(dir string) (*Process, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(bin, "keda-operator")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the KEDA operator is not built: run `scripts/testbin.sh keda` (make e2e does): %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "certs"), 0o755); err != nil {
		return nil, err
	}
	if err := writeCerts(filepath.Join(dir, "certs")); err != nil {
		return nil, err
	}
	_, err = cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "keda"}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	var ports [3]int
	for i := range ports {
		if ports[i], err = FreePort(); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(path,
		"--leader-elect=false",
		"--zap-log-level=info",
		"--metrics-bind-address=127.0.0.1:"+strconv.Itoa(ports[0]),
		"--health-probe-bind-address=127.0.0.1:"+strconv.Itoa(ports[1]),
		"--metrics-service-bind-address=127.0.0.1:"+strconv.Itoa(ports[2]),
		"--cert-dir="+filepath.Join(dir, "certs"),
		"--ca-dir="+filepath.Join(dir, "certs"),
		"--enable-cert-rotation=false",
		"--enable-webhook-patching=false",
		"--enable-apiservice-patching=false",
		"--kube-api-qps=200", "--kube-api-burst=400",
	)
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+cp.KubeconfigPath,
		"WATCH_NAMESPACE=",
		"KEDA_CLUSTER_OBJECT_NAMESPACE=keda",
		"POD_NAMESPACE=keda",
		"OPERATOR_NAME=keda-operator",
	)
	p, err := StartProcess("keda-operator", filepath.Join(dir, "operator.log"), cmd)
	if err != nil {
		return nil, err
	}
	if err := WaitHTTP(fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1]), "", "", 90*time.Second, p); err != nil {
		p.DumpLog(os.Stderr)
		p.Stop()
		return nil, err
	}
	return p, nil
}

// writeCerts makes the CA and server certificate the operator's metrics
// gRPC server loads (in cluster, KEDA's cert rotation makes them).
func writeCerts(dir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "keda-e2e"},
		DNSNames:              []string{"localhost", "keda-operator", "keda-operator.keda.svc"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	for name, data := range map[string][]byte{"ca.crt": cert, "tls.crt": cert, "tls.key": keyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
