// Command demo is `make demo`: on a local control plane it applies the ML
// inference stack example (KEDA itself and every scaler of the KEDA ML setup
// guide) through the locally built provider, runs KEDA's operator so that it
// reconciles what was applied, and prints what exists. It stops everything
// on exit; with -keep it stays up until interrupted or `make demo-down`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// namespace and the objects the example expects to exist: the workloads
// it scales and the Secrets its TriggerAuthentications read.
const namespace = "ml-inference"

var deployments = []string{"benthos-ml-worker", "priority-worker", "ml-service", "ml-api", "ml-router",
	"batch-embedder", "ml-forecast", "gpu-inference"}

func main() {
	keep := flag.Bool("keep", false, "keep the control plane and KEDA running until interrupted or `make demo-down`")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*keep); err != nil {
		log.Fatal("demo: ", err)
	}
}

// pidFile is where a running demo is found by `make demo-down`.
func pidFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "terraform-provider-keda", "demo.pid")
}

func run(keep bool) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	stopSignal := make(chan os.Signal, 1)
	signal.Notify(stopSignal, os.Interrupt, syscall.SIGTERM)
	if err := os.MkdirAll(filepath.Dir(pidFile()), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(pidFile(), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	defer func() { _ = os.Remove(pidFile()) }()

	work, err := os.MkdirTemp("", "keda-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	step("starting a local control plane (etcd + kube-apiserver, no KEDA yet)")
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true})
	if err != nil {
		return err
	}
	defer cp.Stop()
	cs := cp.Clientset()
	if err := createPrerequisites(cs); err != nil {
		return err
	}
	fmt.Printf("namespace %s with Deployments %s and Secrets rabbitmq-creds, prometheus-creds\n",
		namespace, strings.Join(deployments, ", "))

	// The example and the module it calls keep their relative layout.
	config := filepath.Join(work, "examples", "ml-inference-stack")
	for _, dir := range []string{"ml-inference-stack", "modules"} {
		if err := acctest.CopyDir(filepath.Join(root, "examples", dir), filepath.Join(work, "examples", dir)); err != nil {
			return err
		}
	}
	err = acctest.WriteDevOverrides(filepath.Join(work, "terraformrc"), map[string]string{"kedaml/keda": filepath.Join(root, "bin")})
	if err != nil {
		return err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(work, "terraformrc"),
		"KUBE_CONFIG_PATH="+cp.KubeconfigPath, "TF_IN_AUTOMATION=1")

	step("terraform apply examples/ml-inference-stack (the provider through dev_overrides; terraform get installs the module)")
	if err := terraform(config, env, "get"); err != nil {
		return err
	}
	// The control plane has no kubelet, so KEDA's own Pods never run: the
	// installation is applied without waiting for them, and KEDA's operator
	// runs next to the control plane instead, as KEDA's developers run it.
	if err := terraform(config, env, "apply", "-auto-approve", "-input=false", "-var", "wait_for_keda=false"); err != nil {
		return err
	}

	operator, err := startOperator(cp, work)
	if err != nil {
		return err
	}
	if operator != nil {
		defer operator.Stop()
	}

	step("what exists now")
	if err := report(cp, operator != nil); err != nil {
		return err
	}
	if keep {
		fmt.Printf("\nthe control plane stays up: KUBECONFIG=%s (stop with Ctrl-C or `make demo-down`)\n", cp.KubeconfigPath)
		<-stopSignal
	}
	step("stopping the control plane")
	return nil
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

func terraform(dir string, env []string, args ...string) error {
	cmd := exec.Command("terraform", args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return nil
}

func createPrerequisites(cs kubernetes.Interface) error {
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	for _, name := range deployments {
		if _, err := cs.AppsV1().Deployments(namespace).Create(ctx, acctest.Deployment(name, 1), metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	secrets := map[string]map[string]string{
		"rabbitmq-creds":   {"username": "ml", "password": "demo-password", "host": "amqp://ml:demo-password@rabbitmq.messaging.svc:5672/"},
		"prometheus-creds": {"username": "keda", "password": "demo-password"},
	}
	for name, data := range secrets {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}
		if _, err := cs.CoreV1().Secrets(namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// startOperator runs KEDA's operator when it has been built (make demo
// builds it), and says how to get it otherwise.
func startOperator(cp *acctest.ControlPlane, work string) (*acctest.Process, error) {
	bin, err := acctest.BinDir()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(bin, "keda-operator")); errors.Is(err, fs.ErrNotExist) {
		fmt.Println("\nKEDA's operator is not built (scripts/testbin.sh keda): the HPAs will not appear")
		return nil, nil
	}
	step("starting KEDA's operator v2.21.0 next to the control plane")
	return cp.StartKEDAOperator(filepath.Join(work, "keda"))
}

// report prints the KEDA objects and, once KEDA's operator has reconciled
// them, their HPAs' bounds.
func report(cp *acctest.ControlPlane, waitForHPAs bool) error {
	ctx := context.Background()
	kc := kedaclient.NewForConfigOrDie(cp.Config)
	cs := cp.Clientset()
	sos, err := kc.KedaV1alpha1().ScaledObjects(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	if waitForHPAs {
		// Until KEDA has given its verdict on every ScaledObject.
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			if sos, err = kc.KedaV1alpha1().ScaledObjects(namespace).List(ctx, metav1.ListOptions{}); err != nil {
				return err
			}
			judged := 0
			for _, so := range sos.Items {
				if c := so.Status.Conditions.GetReadyCondition(); c.Status == metav1.ConditionTrue || c.Status == metav1.ConditionFalse {
					judged++
				}
			}
			if judged == len(sos.Items) {
				break
			}
		}
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "KIND\tNAME\tTARGET\tREADY\tHPA\tMIN\tMAX\tKEDA SAYS")
	for _, so := range sos.Items {
		ready, hpaName, minR, maxR := "-", "-", "-", "-"
		cond := so.Status.Conditions.GetReadyCondition()
		if cond.Status != "" && cond.Status != metav1.ConditionUnknown {
			ready = string(cond.Status)
		}
		if hpa, err := cs.AutoscalingV2().HorizontalPodAutoscalers(namespace).Get(ctx, "keda-hpa-"+so.Name, metav1.GetOptions{}); err == nil {
			hpaName, maxR = hpa.Name, strconv.Itoa(int(hpa.Spec.MaxReplicas))
			if hpa.Spec.MinReplicas != nil {
				minR = strconv.Itoa(int(*hpa.Spec.MinReplicas))
			}
		}
		_, _ = fmt.Fprintf(w, "ScaledObject\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", so.Name, so.Spec.ScaleTargetRef.Name, ready, hpaName, minR, maxR,
			shorten(cond.Message))
	}
	sjs, err := kc.KedaV1alpha1().ScaledJobs(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, sj := range sjs.Items {
		ready := "-"
		cond := sj.Status.Conditions.GetReadyCondition()
		if cond.Status != "" && cond.Status != metav1.ConditionUnknown {
			ready = string(cond.Status)
		}
		maxR := "-"
		if sj.Spec.MaxReplicaCount != nil {
			maxR = strconv.Itoa(int(*sj.Spec.MaxReplicaCount))
		}
		_, _ = fmt.Fprintf(w, "ScaledJob\t%s\t(Jobs)\t%s\t-\t-\t%s\t%s\n", sj.Name, ready, maxR, shorten(cond.Message))
	}
	tas, err := kc.KedaV1alpha1().TriggerAuthentications(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, ta := range tas.Items {
		_, _ = fmt.Fprintf(w, "TriggerAuthentication\t%s\t-\t-\t-\t-\t-\t\n", ta.Name)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Println("\nNo RabbitMQ runs at the example's address here: KEDA reports the scalers that connect to it over AMQP\n" +
		"not ready, with its reason, exactly as it would in a cluster.")
	return nil
}

// shorten keeps the end of a long condition message, where KEDA puts the
// cause.
func shorten(msg string) string {
	const limit = 80
	msg = strings.Join(strings.Fields(msg), " ")
	if r := []rune(msg); len(r) > limit {
		return "…" + string(r[len(r)-limit+1:])
	}
	return msg
}
