package kube

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/client-go/transport"
)

// RequestLogEnv names a file to which every API request is appended as
// "METHOD PATH STATUS": how `make bench` counts the requests each phase
// sends. Unset, nothing is written.
const RequestLogEnv = "KEDA_PROVIDER_REQUEST_LOG"

// loggingRoundTripper logs each API request at TRACE level: method, path,
// status and duration. Headers and bodies are never logged: they carry
// credentials and secret values.
type loggingRoundTripper struct {
	next http.RoundTripper
}

var requestLog struct {
	once sync.Once
	file *os.File
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
	status := 0
	if err != nil {
		fields["error"] = err.Error()
	} else {
		status = resp.StatusCode
		fields["status"] = status
	}
	tflog.Trace(req.Context(), "Kubernetes API request", fields)
	countRequest(req.Method, req.URL.Path, status)
	return resp, err
}

func countRequest(method, path string, status int) {
	requestLog.once.Do(func() {
		if name := os.Getenv(RequestLogEnv); name != "" {
			requestLog.file, _ = os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		}
	})
	if requestLog.file != nil {
		// One write per line: O_APPEND keeps the lines of concurrent
		// provider processes whole.
		_, _ = fmt.Fprintf(requestLog.file, "%s %s %d\n", method, path, status)
	}
}
