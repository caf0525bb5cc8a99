package services

import (
	"io"
	"net/http"
	"testing"
)

// The page is what Prometheus parses: one `series value` line each, sorted,
// and a deleted series is gone.
func TestMetricsPage(t *testing.T) {
	m, err := StartMetricsPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	m.Set(`DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="gpu-0",gpu="0"}`, 35)
	m.Set(`inference_latency_ms_bucket{service="ml-api",le="+Inf"}`, 1.5)
	m.Set(`gone`, 1)
	m.Delete(`gone`)
	resp, err := http.Get("http://" + m.Addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := `DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="gpu-0",gpu="0"} 35
inference_latency_ms_bucket{service="ml-api",le="+Inf"} 1.5
`
	if string(body) != want {
		t.Fatalf("page:\n%s\nwant:\n%s", body, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4" {
		t.Fatalf("Content-Type %q", ct)
	}
}

func TestURLsCarryEscapedCredentials(t *testing.T) {
	r := &RabbitMQ{AMQPPort: 5672, HTTPPort: 15672}
	cases := map[string]string{
		r.AMQPURL("ml", "p@ss/word"): "amqp://ml:p%40ss%2Fword@127.0.0.1:5672/",
		r.AMQPURL("", ""):            "amqp://127.0.0.1:5672/",
		r.HTTPURL("guest", "guest"):  "http://guest:guest@127.0.0.1:15672/",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
