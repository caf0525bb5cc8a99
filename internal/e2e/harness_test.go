//go:build e2e

// Package e2e proves the provider against the real KEDA operator: KEDA
// v2.21 built from the pinned module runs out of cluster against the test
// control plane, with a real RabbitMQ and a real Prometheus on loopback.
// Run it with `make e2e`.
package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// env is what the scenarios share.
var env struct {
	cp         *acctest.ControlPlane
	dir        string
	rabbit     *rabbitMQ
	prometheus *prometheus
	metrics    *metricsEndpoint
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	reapOrphans()
	dir, err := os.MkdirTemp("", fmt.Sprintf("keda-e2e-%d-", os.Getpid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.dir = dir
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		_ = os.RemoveAll(dir)
	}()
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", what, err)
		return 1
	}

	// Start the slow parts side by side.
	var wg sync.WaitGroup
	var cpErr, rabbitErr, promErr error
	wg.Add(3)
	go func() { defer wg.Done(); env.cp, cpErr = acctest.Start(acctest.Options{}) }()
	go func() { defer wg.Done(); env.rabbit, rabbitErr = startRabbitMQ(filepath.Join(dir, "rabbitmq")) }()
	go func() {
		defer wg.Done()
		env.metrics, promErr = startMetricsEndpoint()
		if promErr == nil {
			env.prometheus, promErr = startPrometheus(filepath.Join(dir, "prometheus"), env.metrics.addr)
		}
	}()
	wg.Wait()
	if env.cp != nil {
		stops = append(stops, env.cp.Stop)
	}
	if env.rabbit != nil {
		stops = append(stops, env.rabbit.stop)
	}
	if env.metrics != nil {
		stops = append(stops, env.metrics.stop)
	}
	if env.prometheus != nil {
		stops = append(stops, env.prometheus.Stop)
	}
	switch {
	case cpErr != nil:
		return fail("starting the control plane", cpErr)
	case rabbitErr != nil:
		return fail("starting RabbitMQ", rabbitErr)
	case promErr != nil:
		return fail("starting Prometheus", promErr)
	}
	operator, err := env.cp.StartKEDAOperator(filepath.Join(dir, "keda"))
	if err != nil {
		return fail("starting KEDA's operator", err)
	}
	stops = append(stops, operator.Stop)

	for _, v := range []string{"KUBE_CONFIG_PATHS", "KUBE_HOST", "KUBE_TOKEN", "KUBE_CTX"} {
		os.Unsetenv(v)
	}
	os.Setenv("KUBE_CONFIG_PATH", env.cp.KubeconfigPath)
	// terraform-plugin-testing runs nothing without TF_ACC; the e2e build
	// tag already says these tests are meant to run.
	os.Setenv("TF_ACC", "1")
	code := m.Run()
	if code != 0 {
		operator.DumpLog(os.Stderr)
	}
	return code
}

// reapOrphans kills the servers of an earlier run that died without
// stopping them (a panic skips TestMain's cleanup, and Erlang's processes
// outlive the script that starts them): those whose command line or
// environment names the directory of a test process that is gone.
func reapOrphans() {
	owner := regexp.MustCompile(`keda-e2e-(\d+)-`)
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
		if testPID, _ := strconv.Atoi(string(m[1])); testPID != pid && syscall.Kill(testPID, 0) != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// rabbitMQ is Debian's rabbitmq-server with the management plugin, on
// loopback ports of its own, with its data in the test's directory.
type rabbitMQ struct {
	*acctest.Process
	amqpPort, httpPort, epmdPort int
}

func startRabbitMQ(dir string) (*rabbitMQ, error) {
	server := "/usr/lib/rabbitmq/bin/rabbitmq-server"
	if _, err := os.Stat(server); err != nil {
		return nil, fmt.Errorf("RabbitMQ is not installed (apt-get install rabbitmq-server; .ci/run does): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &rabbitMQ{}
	var distPort int
	for _, p := range []*int{&r.amqpPort, &r.httpPort, &r.epmdPort, &distPort} {
		port, err := acctest.FreePort()
		if err != nil {
			return nil, err
		}
		*p = port
	}
	conf := fmt.Sprintf("listeners.tcp.default = 127.0.0.1:%d\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %d\n",
		r.amqpPort, r.httpPort)
	files := map[string]string{"rabbitmq.conf": conf, "enabled_plugins": "[rabbitmq_management].\n"}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(server)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+dir,
		fmt.Sprintf("RABBITMQ_NODENAME=keda-e2e-%d@localhost", os.Getpid()),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(distPort),
		"ERL_EPMD_PORT="+strconv.Itoa(r.epmdPort),
		"RABBITMQ_MNESIA_BASE="+filepath.Join(dir, "mnesia"),
		"RABBITMQ_LOG_BASE="+filepath.Join(dir, "log"),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+filepath.Join(dir, "enabled_plugins"),
		"RABBITMQ_CONFIG_FILE="+filepath.Join(dir, "rabbitmq.conf"),
		"RABBITMQ_CONF_ENV_FILE=/dev/null",
		"RABBITMQ_PID_FILE="+filepath.Join(dir, "pid"),
	)
	p, err := acctest.StartProcess("rabbitmq-server", filepath.Join(dir, "server.log"), cmd)
	if err != nil {
		return nil, err
	}
	r.Process = p
	if err := acctest.WaitHTTP(r.api("/api/overview"), "guest", "guest", 120*time.Second, p); err != nil {
		r.stop()
		return nil, err
	}
	return r, nil
}

// stop ends the broker and the epmd daemon Erlang started for it.
func (r *rabbitMQ) stop() {
	r.Stop()
	matches, _ := filepath.Glob("/usr/lib/erlang/erts-*/bin/epmd")
	for _, epmd := range matches {
		_ = exec.Command(epmd, "-port", strconv.Itoa(r.epmdPort), "-kill").Run()
	}
}

func (r *rabbitMQ) api(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", r.httpPort, path)
}

// amqpURL and httpURL are the broker's addresses as KEDA's scaler takes
// them in `host`, with the given credentials.
func (r *rabbitMQ) amqpURL(user, password string) string {
	return fmt.Sprintf("amqp://%s:%s@127.0.0.1:%d/", user, password, r.amqpPort)
}

func (r *rabbitMQ) httpURL(user, password string) string {
	return fmt.Sprintf("http://%s:%s@127.0.0.1:%d/", user, password, r.httpPort)
}

func (r *rabbitMQ) call(method, path, body string) error {
	req, err := http.NewRequest(method, r.api(path), strings.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, msg)
	}
	return nil
}

func (r *rabbitMQ) declareQueue(t *testing.T, name string) {
	t.Helper()
	if err := r.call(http.MethodPut, "/api/queues/%2f/"+name, `{"durable":false,"auto_delete":false}`); err != nil {
		t.Fatal(err)
	}
}

func (r *rabbitMQ) publish(t *testing.T, queue string, n int) {
	t.Helper()
	body := fmt.Sprintf(`{"properties":{},"routing_key":%q,"payload":"batch","payload_encoding":"string"}`, queue)
	for range n {
		if err := r.call(http.MethodPost, "/api/exchanges/%2f/amq.default/publish", body); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *rabbitMQ) purge(t *testing.T, queue string) {
	t.Helper()
	if err := r.call(http.MethodDelete, "/api/queues/%2f/"+queue+"/contents", ""); err != nil {
		t.Fatal(err)
	}
}

// metricsEndpoint is the tiny /metrics page Prometheus scrapes; tests set
// its series.
type metricsEndpoint struct {
	addr   string
	server *http.Server
	mu     sync.Mutex
	series map[string]string // exposition line prefix (name{labels}) -> value
}

func startMetricsEndpoint() (*metricsEndpoint, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &metricsEndpoint{addr: l.Addr().String(), series: map[string]string{}}
	m.server = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		for s, v := range m.series {
			_, _ = fmt.Fprintf(w, "%s %s\n", s, v)
		}
	})}
	go func() { _ = m.server.Serve(l) }()
	return m, nil
}

func (m *metricsEndpoint) set(series string, value float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.series[series] = strconv.FormatFloat(value, 'f', -1, 64)
}

func (m *metricsEndpoint) stop() { _ = m.server.Close() }

// prometheus is Debian's Prometheus scraping the metrics endpoint every
// second.
type prometheus struct {
	*acctest.Process
	addr string
}

func startPrometheus(dir, target string) (*prometheus, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		return nil, fmt.Errorf("Prometheus is not installed (apt-get install --no-install-recommends prometheus; .ci/run does): %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: e2e
    static_configs:
      - targets: [%q]
`, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	port, err := acctest.FreePort()
	if err != nil {
		return nil, err
	}
	p := &prometheus{addr: "127.0.0.1:" + strconv.Itoa(port)}
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+p.addr,
	)
	if p.Process, err = acctest.StartProcess("prometheus", filepath.Join(dir, "prometheus.log"), cmd); err != nil {
		return nil, err
	}
	if err := acctest.WaitHTTP("http://"+p.addr+"/-/ready", "", "", 60*time.Second, p.Process); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func (p *prometheus) url() string { return "http://" + p.addr }
