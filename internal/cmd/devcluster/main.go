// Command devcluster runs the acceptance tests' control plane (etcd and
// kube-apiserver with KEDA's CRDs) until it is interrupted, for the demo and
// for trying the provider by hand.
//
// usage: go run ./internal/cmd/devcluster -write-kubeconfig /tmp/keda-dev/kubeconfig [-namespaces ml-inference,...]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

func main() {
	kubeconfig := flag.String("write-kubeconfig", "", "where to write the kubeconfig of the started control plane (required)")
	namespaces := flag.String("namespaces", "", "comma-separated namespaces to create")
	flag.Parse()
	if *kubeconfig == "" {
		log.Fatal("-write-kubeconfig is required")
	}

	cp, err := acctest.Start(acctest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Stop()

	ctx := context.Background()
	cs := cp.Clientset()
	for _, ns := range strings.Split(*namespaces, ",") {
		if ns = strings.TrimSpace(ns); ns == "" {
			continue
		}
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil {
			cp.Stop()
			log.Fatalf("creating namespace %s: %v", ns, err)
		}
	}

	data, err := os.ReadFile(cp.KubeconfigPath)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(*kubeconfig), 0o700)
	}
	if err == nil {
		err = os.WriteFile(*kubeconfig+".tmp", data, 0o600)
	}
	if err == nil {
		err = os.Rename(*kubeconfig+".tmp", *kubeconfig)
	}
	if err != nil {
		cp.Stop()
		log.Fatal(err)
	}
	fmt.Printf("control plane ready at %s; kubeconfig: %s\n", cp.Config.Host, *kubeconfig)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	_ = os.Remove(*kubeconfig)
}
