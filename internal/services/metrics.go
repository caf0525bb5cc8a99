package services

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MetricsPage is a /metrics page in Prometheus's text format whose series
// the caller sets, for Prometheus to scrape: what an exporter (NVIDIA's DCGM
// exporter, an application's histogram) would serve.
type MetricsPage struct {
	Addr   string // host:port on loopback
	server *http.Server
	mu     sync.Mutex
	series map[string]string // name{labels} -> value
}

// StartMetricsPage serves an empty page on a free loopback port.
func StartMetricsPage() (*MetricsPage, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &MetricsPage{Addr: l.Addr().String(), series: map[string]string{}}
	m.server = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte(m.Text()))
	})}
	go func() { _ = m.server.Serve(l) }()
	return m, nil
}

// Set sets one series, written as name{label="value",...}.
func (m *MetricsPage) Set(series string, value float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.series[series] = strconv.FormatFloat(value, 'f', -1, 64)
}

// Delete removes a series, as an exporter does when its pod is gone.
func (m *MetricsPage) Delete(series string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.series, series)
}

// Text is the page, one series a line, in a stable order.
func (m *MetricsPage) Text() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []byte
	for _, s := range slices.Sorted(maps.Keys(m.series)) {
		out = fmt.Appendf(out, "%s %s\n", s, m.series[s])
	}
	return string(out)
}

// Stop stops serving.
func (m *MetricsPage) Stop() { _ = m.server.Close() }
