package services

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// Prometheus is Debian's Prometheus scraping metrics pages every second.
type Prometheus struct {
	*acctest.Process
	Addr               string
	username, password string
}

// PrometheusOptions say what Prometheus scrapes and who may query it.
type PrometheusOptions struct {
	// Targets are host:port addresses whose /metrics it scrapes.
	Targets []string
	// Username and Password, when set, are required of every request
	// (basic authentication, through Prometheus's web configuration).
	Username, Password string
}

// StartPrometheus starts Prometheus with its data in dir and waits until it
// is ready.
func StartPrometheus(dir string, opts PrometheusOptions) (*Prometheus, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		return nil, fmt.Errorf("Prometheus is not installed (scripts/e2e-deps.sh installs Debian's prometheus): %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	targets, err := json.Marshal(opts.Targets)
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: scraped
    static_configs:
      - targets: %s
`, targets)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	port, err := acctest.FreePort()
	if err != nil {
		return nil, err
	}
	p := &Prometheus{Addr: "127.0.0.1:" + strconv.Itoa(port), username: opts.Username, password: opts.Password}
	args := []string{
		"--config.file=" + filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + p.Addr,
	}
	if opts.Username != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(opts.Password), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		web := fmt.Sprintf("basic_auth_users:\n  %q: %q\n", opts.Username, hash)
		if err := os.WriteFile(filepath.Join(dir, "web.yml"), []byte(web), 0o600); err != nil {
			return nil, err
		}
		args = append(args, "--web.config.file="+filepath.Join(dir, "web.yml"))
	}
	if p.Process, err = acctest.StartProcess("prometheus", filepath.Join(dir, "prometheus.log"), exec.Command(bin, args...)); err != nil {
		return nil, err
	}
	if err := acctest.WaitHTTP(p.URL()+"/-/ready", opts.Username, opts.Password, 60*time.Second, p.Process); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// URL is the address KEDA's prometheus scaler takes as serverAddress.
func (p *Prometheus) URL() string { return "http://" + p.Addr }

// Query runs an instant query and returns its series' labels and values.
func (p *Prometheus) Query(query string) ([]map[string]string, []string, error) {
	req, err := http.NewRequest(http.MethodGet, p.URL()+"/api/v1/query?query="+url.QueryEscape(query), nil)
	if err != nil {
		return nil, nil, err
	}
	if p.username != "" {
		req.SetBasicAuth(p.username, p.password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, nil, fmt.Errorf("query %q: HTTP %d: %w", query, resp.StatusCode, err)
	}
	if out.Status != "success" {
		return nil, nil, errors.New("query " + strconv.Quote(query) + ": " + out.Error)
	}
	var labels []map[string]string
	var values []string
	for _, r := range out.Data.Result {
		labels = append(labels, r.Metric)
		values = append(values, fmt.Sprint(r.Value[1]))
	}
	return labels, values, nil
}
