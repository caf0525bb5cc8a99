package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// RestartAPIServer kills kube-apiserver (etcd keeps running), leaves the
// API down for down, starts it again with the same flags and certificates,
// and returns once it is ready. Clients see connections reset and refused
// in between, as in a crash or a control-plane upgrade.
func (cp *ControlPlane) RestartAPIServer(down time.Duration) error {
	pid, args, err := apiServerProcess(cp.Config.Host)
	if err != nil {
		return err
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := proc.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("killing kube-apiserver: %w", err)
	}
	for deadline := time.Now().Add(10 * time.Second); processAlive(pid); {
		if time.Now().After(deadline) {
			return errors.New("kube-apiserver did not exit after SIGKILL")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(down)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("restarting kube-apiserver: %w", err)
	}
	cp.procs = append(cp.procs, cmd)
	return cp.waitReady(90 * time.Second)
}

// waitReady polls /readyz until the API server answers ok.
func (cp *ControlPlane) waitReady(timeout time.Duration) error {
	cs, err := kubernetes.NewForConfig(cp.Config)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && string(body) == "ok" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready after restart: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// apiServerProcess finds this test binary's kube-apiserver child serving
// host and returns its pid and command line.
func apiServerProcess(host string) (int, []string, error) {
	u, err := url.Parse(host)
	if err != nil {
		return 0, nil, err
	}
	portFlag := "--secure-port=" + u.Port()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil, fmt.Errorf("restarting kube-apiserver needs /proc: %w", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(raw) == 0 {
			continue
		}
		args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		if filepath.Base(args[0]) != "kube-apiserver" || !processAlive(pid) {
			continue
		}
		for _, a := range args[1:] {
			if a == portFlag {
				return pid, args, nil
			}
		}
	}
	return 0, nil, fmt.Errorf("no kube-apiserver process with %s", portFlag)
}

// processAlive is false once the process is gone or a zombie.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}

// Fault is a failure FaultProxy injects instead of forwarding a request.
type Fault string

const (
	// TooManyRequests answers 429 with Retry-After: 1, as API priority and
	// fairness does under load.
	TooManyRequests Fault = "429 Too Many Requests"
	// ServiceUnavailable answers 503, as a server shutting down does.
	ServiceUnavailable Fault = "503 Service Unavailable"
	// EtcdLeaderChanged answers 500 with etcd's leader-change error.
	EtcdLeaderChanged Fault = "500 etcdserver: leader changed"
	// GatewayTimeout answers 504, as a request timing out in the server.
	GatewayTimeout Fault = "504 Gateway Timeout"
	// DropConnection closes the connection without answering.
	DropConnection Fault = "connection dropped"
	// Forbidden answers 403, as RBAC does to a user without the verb:
	// not transient, so not retried.
	Forbidden Fault = "403 Forbidden"
)

// FaultProxy is a plain-HTTP proxy in front of the real API server that
// fails chosen requests with chosen faults, one fault per matching request
// in order, and forwards everything else with the control plane's admin
// credentials.
type FaultProxy struct {
	// KubeconfigPath points a client at the proxy.
	KubeconfigPath string

	server *http.Server
	match  func(*http.Request) bool
	mu     sync.Mutex
	queue  []Fault
	served []string
}

// StartFaultProxy starts a proxy that answers the requests match selects
// with faults, in order, until they are used up.
func (cp *ControlPlane) StartFaultProxy(match func(*http.Request) bool, faults ...Fault) (*FaultProxy, error) {
	upstream, err := url.Parse(cp.Config.Host)
	if err != nil {
		return nil, err
	}
	transport, err := rest.TransportFor(cp.Config)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &FaultProxy{match: match, queue: faults}
	forward := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.Out.Host = upstream.Host
		},
		Transport: transport,
	}
	p.server = &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if f, ok := p.next(r); ok {
				inject(w, f)
				return
			}
			forward.ServeHTTP(w, r)
		}),
	}
	go func() { _ = p.server.Serve(l) }()
	p.KubeconfigPath = filepath.Join(cp.dir, fmt.Sprintf("kubeconfig-proxy-%d", l.Addr().(*net.TCPAddr).Port))
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: proxy
  cluster:
    server: http://%s
contexts:
- name: proxy
  context:
    cluster: proxy
    user: anonymous
users:
- name: anonymous
  user: {}
current-context: proxy
`, l.Addr())
	if err := os.WriteFile(p.KubeconfigPath, []byte(kubeconfig), 0o600); err != nil {
		_ = p.server.Close()
		return nil, err
	}
	return p, nil
}

func (p *FaultProxy) next(r *http.Request) (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 || !p.match(r) {
		return "", false
	}
	f := p.queue[0]
	p.queue = p.queue[1:]
	p.served = append(p.served, fmt.Sprintf("%s %s: %s", r.Method, r.URL.Path, f))
	return f, true
}

// Injected lists the faults served so far: "PATCH /apis/...: 429 ...".
func (p *FaultProxy) Injected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.served...)
}

// Close stops the proxy.
func (p *FaultProxy) Close() { _ = p.server.Close() }

func inject(w http.ResponseWriter, f Fault) {
	status := func(code int32, reason metav1.StatusReason, msg string, retryAfter int32) {
		s := metav1.Status{
			TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
			Status:   metav1.StatusFailure, Code: code, Reason: reason, Message: msg,
		}
		if retryAfter > 0 {
			s.Details = &metav1.StatusDetails{RetryAfterSeconds: retryAfter}
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter)))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(int(code))
		_ = json.NewEncoder(w).Encode(s)
	}
	switch f {
	case TooManyRequests:
		status(http.StatusTooManyRequests, metav1.StatusReasonTooManyRequests, "too many requests, please try again later", 1)
	case ServiceUnavailable:
		status(http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable, "apiserver is shutting down", 0)
	case EtcdLeaderChanged:
		status(http.StatusInternalServerError, metav1.StatusReasonInternalError, "etcdserver: leader changed", 0)
	case GatewayTimeout:
		status(http.StatusGatewayTimeout, metav1.StatusReasonTimeout, "the request timed out", 0)
	case Forbidden:
		status(http.StatusForbidden, metav1.StatusReasonForbidden, "scaledobjects.keda.sh is forbidden: User cannot delete resource", 0)
	case DropConnection:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
}
