package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/services"
)

// namespace of the example's workloads, and the Deployments it scales.
const namespace = "ml-inference"

var deployments = []string{"benthos-ml-worker", "priority-worker", "ml-service", "ml-api", "ml-router",
	"batch-embedder", "ml-forecast", "gpu-inference"}

// The example's queues, and the two the demo publishes to.
const (
	workerDeployment = "benthos-ml-worker"
	workerQueue      = "inference_requests"
	batchQueue       = "batch_inference"
	scaledJobName    = "gpu-batch-inference"
)

var queues = []string{workerQueue, "inference_requests_high_priority", "router_requests", "embedding_requests",
	"gpu_inference_requests", batchQueue}

// options are what `make demo` runs with; the test runs the same path with
// a shorter script.
type options struct {
	root        string // the repository: examples/ is read from here
	providerDir string // holds terraform-provider-keda
	out         io.Writer
	live        bool // redraw a progress line in place (a terminal)
	keep        bool // stay up until ctx ends

	messages        int // published to the worker's queue
	batches         int // published to the ScaledJob's queue
	drainPerReplica int // messages a worker replica processes per second
	pollingInterval int // seconds, the worker's
	cooldownPeriod  int // seconds, the worker's
	readyTimeout    time.Duration
	scaleTimeout    time.Duration
}

func defaultOptions(root, providerDir string) options {
	return options{
		root: root, providerDir: providerDir, out: os.Stdout,
		messages: 40, batches: 3, drainPerReplica: 2, pollingInterval: 2, cooldownPeriod: 10,
		readyTimeout: 3 * time.Minute, scaleTimeout: 3 * time.Minute,
	}
}

// result is what the demo showed, for its test to hold it to.
type result struct {
	scalers     []scalerRow
	addresses   []string // every server address the objects name
	workerPeak  int32    // most replicas the worker was scaled to
	woke, slept time.Duration
	jobs        []string // Jobs the ScaledJob started
}

// run is the demo: start, apply, show KEDA scaling, print the table, stop
// (or stay until ctx ends with keep).
func run(ctx context.Context, o options) (*result, error) {
	started := time.Now()
	services.ReapOrphans("keda-demo-")
	work, err := os.MkdirTemp("", fmt.Sprintf("keda-demo-%d-", os.Getpid()))
	if err != nil {
		return nil, err
	}
	var stops []func()
	defer func() {
		step(o.out, "stopping everything the demo started")
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		_ = os.RemoveAll(work)
	}()

	step(o.out, "starting, on loopback: etcd + kube-apiserver (no KEDA yet), RabbitMQ, Prometheus and a DCGM-style metrics page")
	promPassword := randomPassword()
	var (
		wg                   sync.WaitGroup
		cp                   *acctest.ControlPlane
		rabbit               *services.RabbitMQ
		page                 *services.MetricsPage
		prom                 *services.Prometheus
		cpErr, rmqErr, prErr error
	)
	wg.Add(3)
	go func() { defer wg.Done(); cp, cpErr = acctest.Start(acctest.Options{WithoutCRDs: true}) }()
	go func() {
		defer wg.Done()
		rabbit, rmqErr = services.StartRabbitMQ(filepath.Join(work, "rabbitmq"), fmt.Sprintf("keda-demo-%d", os.Getpid()))
	}()
	go func() {
		defer wg.Done()
		if page, prErr = services.StartMetricsPage(); prErr != nil {
			return
		}
		prom, prErr = services.StartPrometheus(filepath.Join(work, "prometheus"), services.PrometheusOptions{
			Targets: []string{page.Addr}, Username: "keda", Password: promPassword,
		})
	}()
	wg.Wait()
	if cp != nil {
		stops = append(stops, cp.Stop)
	}
	if rabbit != nil {
		stops = append(stops, rabbit.Stop)
	}
	if page != nil {
		stops = append(stops, page.Stop)
	}
	if prom != nil {
		stops = append(stops, prom.Stop)
	}
	if err := errors.Join(cpErr, rmqErr, prErr); err != nil {
		return nil, err
	}
	printf(o.out, "kube-apiserver %s, RabbitMQ amqp://127.0.0.1:%d (management :%d), Prometheus %s scraping %s\n",
		cp.Config.Host, rabbit.AMQPPort, rabbit.HTTPPort, prom.URL(), page.Addr)

	cs := cp.Clientset()
	rabbitPassword := randomPassword()
	if err := prepare(ctx, cs, rabbit, rabbitPassword, promPassword); err != nil {
		return nil, err
	}
	app := startApplication(cs, page)
	stops = append(stops, app.stop)
	printf(o.out, "namespace %s: Deployments %s; Secrets rabbitmq-creds and prometheus-creds; queues %s\n",
		namespace, strings.Join(deployments, ", "), strings.Join(queues, ", "))

	config, env, err := workspace(o, work, cp)
	if err != nil {
		return nil, err
	}
	vars := []string{
		"-var", "wait_for_keda=false",
		"-var", "rabbitmq_host=" + rabbit.AMQPURL("", ""),
		"-var", "rabbitmq_management_host=" + rabbit.HTTPURL("", ""),
		"-var", "prometheus_address=" + prom.URL(),
		"-var", "queue_polling_interval=" + strconv.Itoa(o.pollingInterval),
		"-var", "queue_cooldown_period=" + strconv.Itoa(o.cooldownPeriod),
	}
	step(o.out, "terraform apply examples/ml-inference-stack, the provider through dev_overrides, addresses through its variables:")
	for i := 1; i < len(vars); i += 2 {
		printf(o.out, "    %s\n", vars[i])
	}
	if err := terraform(ctx, o.out, config, env, "get"); err != nil {
		return nil, err
	}
	// The control plane has no kubelet, so KEDA's own Pods never run: the
	// installation is applied without waiting for them, and KEDA's operator
	// runs next to the control plane instead, as KEDA's developers run it.
	applyArgs := append([]string{"apply", "-auto-approve", "-input=false"}, vars...)
	if err := terraform(ctx, o.out, config, env, applyArgs...); err != nil {
		return nil, err
	}

	step(o.out, "starting KEDA's operator v2.21.0 next to the control plane")
	operator, err := cp.StartKEDAOperator(filepath.Join(work, "keda"))
	if err != nil {
		return nil, err
	}
	stops = append(stops, operator.Stop)

	kc := kedaclient.NewForConfigOrDie(cp.Config)
	w := &watcher{out: o.out, live: o.live, cs: cs, kc: kc, rabbit: rabbit}
	res := &result{}
	step(o.out, "waiting for KEDA's verdict on every ScaledObject and ScaledJob")
	if err := w.waitReady(ctx, o.readyTimeout); err != nil {
		_ = w.table(ctx, res)
		operator.DumpLog(o.out)
		return nil, err
	}

	step(o.out, fmt.Sprintf("publishing %d messages to %s and %d to %s", o.messages, workerQueue, o.batches, batchQueue))
	if err := w.scale(ctx, o, res); err != nil {
		_ = w.table(ctx, res)
		return nil, err
	}

	step(o.out, "what exists now")
	if err := w.table(ctx, res); err != nil {
		return nil, err
	}
	if res.addresses, err = addresses(ctx, cs, kc); err != nil {
		return nil, err
	}
	printf(o.out, "\ndone in %s.\n", time.Since(started).Round(time.Second))
	if !o.keep {
		printLine(o.out, "To keep it all running and try it yourself: DEMO_KEEP=1 make demo")
		return res, nil
	}
	printf(o.out, `
Everything stays up until Ctrl-C or `+"`make demo-down`"+`:
  export KUBECONFIG=%s
  kubectl -n %s get scaledobjects,scaledjobs,hpa,deployments,jobs
  # publish 20 more messages and watch %s wake up:
  for i in $(seq 20); do curl -s -u guest:guest -H content-type:application/json \
    -d '{"properties":{},"routing_key":"%s","payload":"x","payload_encoding":"string"}' \
    %s; done
  # RabbitMQ's management UI: %s (guest/guest); Prometheus: %s (keda/%s)
`, cp.KubeconfigPath, namespace, workerDeployment, workerQueue, rabbit.API("/api/exchanges/%2f/amq.default/publish"),
		rabbit.API("/"), prom.URL(), promPassword)
	<-ctx.Done()
	return res, nil
}

func step(out io.Writer, msg string) { printf(out, "\n==> %s\n", msg) }

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// prepare creates what the example expects to exist: the namespace, the
// Deployments it scales (the queue worker asleep at 0 replicas), the Secrets
// its TriggerAuthentications read, and the broker's user and queues.
func prepare(ctx context.Context, cs kubernetes.Interface, rabbit *services.RabbitMQ, rabbitPassword, promPassword string) error {
	if err := rabbit.AddUser("ml", rabbitPassword); err != nil {
		return err
	}
	for _, q := range queues {
		if err := rabbit.DeclareQueue(q); err != nil {
			return err
		}
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	for _, name := range deployments {
		replicas := int32(1)
		if name == workerDeployment {
			replicas = 0
		}
		if _, err := cs.AppsV1().Deployments(namespace).Create(ctx, acctest.Deployment(name, replicas), metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	secrets := map[string]map[string]string{
		"rabbitmq-creds":   {"username": "ml", "password": rabbitPassword, "host": rabbit.AMQPURL("ml", rabbitPassword)},
		"prometheus-creds": {"username": "keda", "password": promPassword},
	}
	for name, data := range secrets {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}
		if _, err := cs.CoreV1().Secrets(namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// workspace copies the example and the module it calls (keeping their
// relative layout) and returns its directory and terraform's environment.
func workspace(o options, work string, cp *acctest.ControlPlane) (string, []string, error) {
	config := filepath.Join(work, "examples", "ml-inference-stack")
	for _, dir := range []string{"ml-inference-stack", "modules"} {
		if err := acctest.CopyDir(filepath.Join(o.root, "examples", dir), filepath.Join(work, "examples", dir)); err != nil {
			return "", nil, err
		}
	}
	rc := filepath.Join(work, "terraformrc")
	if err := acctest.WriteDevOverrides(rc, map[string]string{"kedaml/keda": o.providerDir}); err != nil {
		return "", nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBE_") && !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "KUBE_CONFIG_PATH="+cp.KubeconfigPath, "TF_IN_AUTOMATION=1")
	return config, env, nil
}

// terraform runs the CLI in dir. Of its output it shows the lines that say
// what happened (the plan's summary, each resource created, the end), and
// all of it when it fails.
func terraform(ctx context.Context, out io.Writer, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "terraform", append(args, "-no-color")...)
	cmd.Dir, cmd.Env = dir, env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil {
		printText(out, buf.String())
		return fmt.Errorf("terraform %s: %w", args[0], err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if terraformSummary.MatchString(line) {
			printf(out, "    %s\n", strings.TrimSpace(line))
		}
	}
	return nil
}

var terraformSummary = regexp.MustCompile(`^(Plan: |Apply complete|\S+: Creation complete|- \S+ in |Warning: )`)

// printf, printLine and printText write the demo's output; a failed write to
// stdout is nothing the demo can report anywhere.
func printf(out io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(out, format, args...) }

func printLine(out io.Writer, args ...any) { _, _ = fmt.Fprintln(out, args...) }

func printText(out io.Writer, args ...any) { _, _ = fmt.Fprint(out, args...) }
