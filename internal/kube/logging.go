package kube

import (
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/client-go/transport"
)

// loggingRoundTripper logs each API request at TRACE level: method, path,
// status and duration. Headers and bodies are never logged: they carry
// credentials and secret values.
type loggingRoundTripper struct {
	next http.RoundTripper
}

func wrapLogging(prev transport.WrapperFunc) transport.WrapperFunc {
	return func(rt http.RoundTripper) http.RoundTripper {
		if prev != nil {
			rt = prev(rt)
		}
		return &loggingRoundTripper{next: rt}
	}
}

func (l *loggingRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := l.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	tflog.Trace(req.Context(), "Kubernetes API request", fields)
	return resp, err
}
