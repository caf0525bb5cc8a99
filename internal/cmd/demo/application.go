package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/services"
)

// application plays what Prometheus scrapes in a real cluster, on the demo's
// metrics page: the services' request latency histograms and request
// counters, and an NVIDIA DCGM exporter reporting one GPU per replica of
// gpu-inference. No pod runs here (there is no kubelet), so the numbers are
// the demo's, and steady: a p95 latency of about 300 ms, 40 requests/s,
// 35% GPU utilization.
type application struct {
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// latencyBuckets are inference_latency_ms_bucket increments per second,
// cumulative by le, of 40 requests.
var latencyBuckets = []struct {
	le  string
	add float64
}{{"100", 10}, {"250", 30}, {"500", 39}, {"1000", 40}, {"+Inf", 40}}

func startApplication(cs kubernetes.Interface, page *services.MetricsPage) *application {
	ctx, cancel := context.WithCancel(context.Background())
	a := &application{cancel: cancel}
	a.done.Add(1)
	go func() {
		defer a.done.Done()
		var seconds float64
		gpuPods := map[string]bool{}
		for {
			seconds++
			for _, svc := range []string{"ml-api", "ml-router"} {
				for _, b := range latencyBuckets {
					page.Set(fmt.Sprintf(`inference_latency_ms_bucket{service=%q,le=%q}`, svc, b.le), b.add*seconds)
				}
				page.Set(fmt.Sprintf(`inference_latency_ms_count{service=%q}`, svc), 40*seconds)
			}
			page.Set(`http_requests_total{service="ml-forecast"}`, 40*seconds)
			a.gpus(ctx, cs, page, gpuPods)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}()
	return a
}

// gpus publishes DCGM_FI_DEV_GPU_UTIL for as many pods of gpu-inference as
// its Deployment asks for, named as its ReplicaSet would name them.
func (a *application) gpus(ctx context.Context, cs kubernetes.Interface, page *services.MetricsPage, pods map[string]bool) {
	d, err := cs.AppsV1().Deployments(namespace).Get(ctx, "gpu-inference", metav1.GetOptions{})
	if err != nil || d.Spec.Replicas == nil {
		return
	}
	want := map[string]bool{}
	for i := range int(*d.Spec.Replicas) {
		series := fmt.Sprintf(`DCGM_FI_DEV_GPU_UTIL{namespace=%q,pod="gpu-inference-5d8c7b9f4-%05d",gpu="0",UUID="GPU-%08d",modelName="NVIDIA L4"}`,
			namespace, i, i)
		want[series] = true
		page.Set(series, 35)
	}
	for series := range pods {
		if !want[series] {
			page.Delete(series)
			delete(pods, series)
		}
	}
	for series := range want {
		pods[series] = true
	}
}

func (a *application) stop() {
	a.cancel()
	a.done.Wait()
}
