// Package services starts the servers KEDA's scalers read, on loopback
// ports of their own, for the end-to-end tests and `make demo`: Debian's
// RabbitMQ with its management API, Debian's Prometheus, and a metrics page
// Prometheus scrapes whose series the caller sets. scripts/e2e-deps.sh
// installs the Debian packages.
package services

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// RabbitMQ is Debian's rabbitmq-server with the management plugin, on
// loopback ports of its own, with its data in a directory of the caller.
type RabbitMQ struct {
	*acctest.Process
	AMQPPort, HTTPPort int
	epmdPort           int
}

const rabbitMQServer = "/usr/lib/rabbitmq/bin/rabbitmq-server"

// StartRabbitMQ starts a broker named node (an Erlang node name, unique on
// this machine) in dir and waits until its management API answers.
func StartRabbitMQ(dir, node string) (*RabbitMQ, error) {
	if _, err := os.Stat(rabbitMQServer); err != nil {
		return nil, fmt.Errorf("RabbitMQ is not installed (scripts/e2e-deps.sh installs Debian's rabbitmq-server): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &RabbitMQ{}
	var distPort int
	for _, p := range []*int{&r.AMQPPort, &r.HTTPPort, &r.epmdPort, &distPort} {
		port, err := acctest.FreePort()
		if err != nil {
			return nil, err
		}
		*p = port
	}
	// Queue depths in the management API are sampled every
	// collect_statistics_interval (5 s by default); 1 s lets a watcher see
	// them move.
	conf := fmt.Sprintf("listeners.tcp.default = 127.0.0.1:%d\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %d\n"+
		"collect_statistics_interval = 1000\n", r.AMQPPort, r.HTTPPort)
	files := map[string]string{"rabbitmq.conf": conf, "enabled_plugins": "[rabbitmq_management].\n"}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(rabbitMQServer)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+dir,
		"RABBITMQ_NODENAME="+node+"@localhost",
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
	if err := acctest.WaitHTTP(r.API("/api/overview"), "guest", "guest", 120*time.Second, p); err != nil {
		r.Stop()
		return nil, err
	}
	return r, nil
}

// Stop ends the broker and the epmd daemon Erlang started for it.
func (r *RabbitMQ) Stop() {
	r.Process.Stop()
	matches, _ := filepath.Glob("/usr/lib/erlang/erts-*/bin/epmd")
	for _, epmd := range matches {
		_ = exec.Command(epmd, "-port", strconv.Itoa(r.epmdPort), "-kill").Run()
	}
}

// API is the address of a management API path.
func (r *RabbitMQ) API(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", r.HTTPPort, path)
}

// AMQPURL and HTTPURL are the broker's addresses as KEDA's scaler takes
// them in `host`, with the given credentials ("" for none).
func (r *RabbitMQ) AMQPURL(user, password string) string {
	return fmt.Sprintf("amqp://%s127.0.0.1:%d/", userinfo(user, password), r.AMQPPort)
}

// HTTPURL is the management API's address; see AMQPURL.
func (r *RabbitMQ) HTTPURL(user, password string) string {
	return fmt.Sprintf("http://%s127.0.0.1:%d/", userinfo(user, password), r.HTTPPort)
}

func userinfo(user, password string) string {
	if user == "" {
		return ""
	}
	return url.UserPassword(user, password).String() + "@"
}

// call sends one management API request as guest (an administrator who may
// log in from loopback only) and decodes a JSON answer into out, if given.
func (r *RabbitMQ) call(method, path, body string, out any) error {
	req, err := http.NewRequest(method, r.API(path), strings.NewReader(body))
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
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

// AddUser creates a user with every right on the default vhost, who may
// also read queues through the management API (KEDA's http protocol).
func (r *RabbitMQ) AddUser(user, password string) error {
	body, _ := json.Marshal(map[string]string{"password": password, "tags": "management"})
	if err := r.call(http.MethodPut, "/api/users/"+url.PathEscape(user), string(body), nil); err != nil {
		return err
	}
	return r.call(http.MethodPut, "/api/permissions/%2f/"+url.PathEscape(user), `{"configure":".*","write":".*","read":".*"}`, nil)
}

// DeclareQueue creates a queue on the default vhost.
func (r *RabbitMQ) DeclareQueue(name string) error {
	return r.call(http.MethodPut, "/api/queues/%2f/"+url.PathEscape(name), `{"durable":false,"auto_delete":false}`, nil)
}

// Publish puts n messages on a queue through the default exchange.
func (r *RabbitMQ) Publish(queue string, n int) error {
	body := fmt.Sprintf(`{"properties":{},"routing_key":%q,"payload":"batch","payload_encoding":"string"}`, queue)
	for range n {
		if err := r.call(http.MethodPost, "/api/exchanges/%2f/amq.default/publish", body, nil); err != nil {
			return err
		}
	}
	return nil
}

// Consume takes up to n messages off a queue, as a worker that processed
// them would, and says how many it took.
func (r *RabbitMQ) Consume(queue string, n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	var got []json.RawMessage
	body := fmt.Sprintf(`{"count":%d,"ackmode":"ack_requeue_false","encoding":"auto"}`, n)
	err := r.call(http.MethodPost, "/api/queues/%2f/"+url.PathEscape(queue)+"/get", body, &got)
	return len(got), err
}

// Purge empties a queue.
func (r *RabbitMQ) Purge(queue string) error {
	return r.call(http.MethodDelete, "/api/queues/%2f/"+url.PathEscape(queue)+"/contents", "", nil)
}

// Depth is the number of messages in a queue, as the management API last
// sampled it (every second here).
func (r *RabbitMQ) Depth(queue string) (int, error) {
	var q struct {
		Messages int `json:"messages"`
	}
	err := r.call(http.MethodGet, "/api/queues/%2f/"+url.PathEscape(queue), "", &q)
	return q.Messages, err
}
