// Command bench measures this provider against kubectl's server-side apply
// (the floor) and gavinbunney/terraform-provider-kubectl's kubectl_manifest
// on the local control plane: for each N, the same N ScaledObjects (each
// with a rabbitmq trigger and an authentication_ref) are applied, planned
// with refresh and nothing to change, and destroyed, by each tool in turn,
// several times. It prints the medians as a Markdown report (and writes it
// to -out), with the API requests this provider sent per phase and the
// providers' peak RSS. `make bench` runs it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

const namespace = "bench"

type tool struct {
	name     string
	provider string // process name whose RSS is sampled; "" for kubectl
	write    func(dir string, n int) error
	apply    []string
	plan     []string
	destroy  []string
}

type phase string

const (
	phaseApply   phase = "apply"
	phasePlan    phase = "plan"
	phaseDestroy phase = "destroy"
	phasePlanNew phase = "plan (new objects)"
)

type sample struct {
	seconds    float64
	requests   int
	rssKiB     int64
	cpuSeconds float64 // user + system of the provider processes
	// commandCPUSeconds is user + system of the command and the processes
	// it waited for (Terraform and its provider processes), from its rusage.
	commandCPUSeconds float64
}

func main() {
	sizes := flag.String("n", "10,100,500", "numbers of ScaledObjects")
	runs := flag.Int("runs", 3, "runs per tool and N (the report gives medians)")
	out := flag.String("out", "", "also write the report to this file")
	flag.Parse()
	if err := run(*sizes, *runs, *out); err != nil {
		log.Fatal(err)
	}
}

func run(sizes string, runs int, out string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	bin, err := acctest.BinDir()
	if err != nil {
		return err
	}
	for _, f := range []string{"kubectl", "terraform-provider-kubectl", "kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
			return fmt.Errorf("%s is not built: run `make bench`: %w", f, err)
		}
	}
	providerBin := filepath.Join(root, "bin")
	if _, err := os.Stat(filepath.Join(providerBin, "terraform-provider-keda")); err != nil {
		return fmt.Errorf("the provider is not built: run `make bench`: %w", err)
	}
	work, err := os.MkdirTemp("", "keda-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	cp, err := acctest.Start(acctest.Options{})
	if err != nil {
		return err
	}
	defer cp.Stop()
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}

	// Both providers under test come from local builds.
	err = acctest.WriteDevOverrides(filepath.Join(work, "terraformrc"),
		map[string]string{"kedaml/keda": providerBin, "gavinbunney/kubectl": bin})
	if err != nil {
		return err
	}
	requestLog := filepath.Join(work, "requests.log")
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(work, "terraformrc"),
		"KUBE_CONFIG_PATH="+cp.KubeconfigPath,
		"KUBECONFIG="+cp.KubeconfigPath,
		"TF_IN_AUTOMATION=1",
		"TF_CLI_ARGS=-no-color",
		kube.RequestLogEnv+"="+requestLog,
	)
	kubectl := filepath.Join(bin, "kubectl")
	tf := []string{"terraform"}
	tools := []tool{
		{
			name: "terraform-provider-keda", provider: "terraform-provider-keda", write: writeProviderConfig,
			apply: append(tf, "apply", "-auto-approve", "-input=false"), plan: append(tf, "plan", "-input=false", "-detailed-exitcode"),
			destroy: append(tf, "destroy", "-auto-approve", "-input=false"),
		},
		{
			name: "kubectl --server-side", write: writeYAML,
			apply:   []string{kubectl, "apply", "--server-side", "-f", "objects.yaml"},
			plan:    []string{kubectl, "diff", "--server-side", "-f", "objects.yaml"},
			destroy: []string{kubectl, "delete", "--wait=false", "-f", "objects.yaml"},
		},
		{
			name: "kubectl_manifest (gavinbunney v1.19.0)", provider: "terraform-provider-kubectl", write: writeKubectlManifestConfig,
			apply: append(tf, "apply", "-auto-approve", "-input=false"), plan: append(tf, "plan", "-input=false", "-detailed-exitcode"),
			destroy: append(tf, "destroy", "-auto-approve", "-input=false"),
		},
		{
			name: "Terraform alone (terraform_data)", write: writeTerraformDataConfig,
			apply: append(tf, "apply", "-auto-approve", "-input=false"), plan: append(tf, "plan", "-input=false", "-detailed-exitcode"),
			destroy: append(tf, "destroy", "-auto-approve", "-input=false"),
		},
	}

	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -n %q", s)
		}
		ns = append(ns, n)
	}
	results := map[int]map[string]map[phase][]sample{}
	for _, n := range ns {
		results[n] = map[string]map[phase][]sample{}
		for _, t := range tools {
			results[n][t.name] = map[phase][]sample{}
			dir := filepath.Join(work, fmt.Sprintf("%d-%s", n, strings.Fields(t.name)[0]))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := t.write(dir, n); err != nil {
				return err
			}
		}
		for r := range runs {
			// Interleaved, and the order turns each run, so that no tool
			// always meets a warmer or a busier API server.
			for i := range tools {
				t := tools[(i+r)%len(tools)]
				dir := filepath.Join(work, fmt.Sprintf("%d-%s", n, strings.Fields(t.name)[0]))
				log.Printf("N=%d run %d/%d: %s", n, r+1, runs, t.name)
				steps := []struct {
					p    phase
					args []string
				}{{phaseApply, t.apply}, {phasePlan, t.plan}, {phaseDestroy, t.destroy}}
				if t.provider == "terraform-provider-keda" {
					steps = append([]struct {
						p    phase
						args []string
					}{{phasePlanNew, t.plan}}, steps...)
				}
				for _, s := range steps {
					_ = os.Remove(requestLog)
					res, err := measure(dir, env, t.provider, s.args, s.p)
					if err != nil {
						return fmt.Errorf("%s %s (N=%d): %w", t.name, s.p, n, err)
					}
					res.requests = countLines(requestLog)
					results[n][t.name][s.p] = append(results[n][t.name][s.p], res)
				}
			}
		}
	}
	micro, err := goBenchmarks(root)
	if err != nil {
		return err
	}
	largest := ns[len(ns)-1]
	profiles, err := profilePhases(root, filepath.Join(work, fmt.Sprintf("%d-%s", largest, strings.Fields(tools[0].name)[0])), work, env, tools[0])
	if err != nil {
		return err
	}
	report := render(ns, runs, tools, results, micro) + profiles
	fmt.Print(report)
	if out != "" {
		return os.WriteFile(out, []byte(report), 0o644)
	}
	return nil
}

// measure runs one phase and samples the provider processes it starts:
// their peak RSS and their CPU time (user + system), each process's latest
// reading kept, so a process's last sampling interval may be missed.
func measure(dir string, env []string, provider string, args []string, p phase) (sample, error) {
	done := make(chan struct{})
	var peak int64
	cpu := map[string]float64{}
	var wg sync.WaitGroup
	if provider != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				for pid, st := range providerStats(provider) {
					peak = max(peak, st.rssKiB)
					cpu[pid] = max(cpu[pid], st.cpuSeconds)
				}
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
	}
	start := time.Now()
	outText, commandCPU, err := command(dir, env, args[0], args[1:]...)
	elapsed := time.Since(start).Seconds()
	close(done)
	wg.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case p == phasePlanNew && errors.As(err, &exit) && exit.ExitCode() == 2:
		// -detailed-exitcode: 2 means changes, as expected before apply.
	case p == phasePlan && strings.HasPrefix(args[0], "/") && errors.As(err, &exit) && exit.ExitCode() == 1:
		return sample{}, fmt.Errorf("kubectl diff found differences after apply:\n%s", outText)
	default:
		return sample{}, fmt.Errorf("%v: %w\n%s", args, err, outText)
	}
	var cpuSeconds float64
	for _, c := range cpu {
		cpuSeconds += c
	}
	return sample{seconds: elapsed, rssKiB: peak, cpuSeconds: cpuSeconds, commandCPUSeconds: commandCPU}, nil
}

// profilePhases runs the provider's apply, plan with refresh and destroy
// once more with each provider process writing its CPU profile, and
// reports, per phase, the provider's time by protocol call and the
// functions it spends the most in.
func profilePhases(root, dir, work string, env []string, t tool) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Where the provider's CPU goes\n\nThe largest N once more, each provider process writing a CPU profile "+
		"(`KEDA_PROVIDER_CPUPROFILE_DIR`); `go tool pprof -top` over a phase's profiles, first by protocol call (cumulative), "+
		"then the functions with the most time of their own.\n")
	for _, s := range []struct {
		p    phase
		args []string
	}{{phaseApply, t.apply}, {phasePlan, t.plan}, {phaseDestroy, t.destroy}} {
		profDir := filepath.Join(work, "profiles", strings.Fields(string(s.p))[0])
		if err := os.MkdirAll(profDir, 0o755); err != nil {
			return "", err
		}
		if _, err := measure(dir, append(slices.Clone(env), "KEDA_PROVIDER_CPUPROFILE_DIR="+profDir), t.provider, s.args, s.p); err != nil {
			return "", fmt.Errorf("profiling %s: %w", s.p, err)
		}
		files, _ := filepath.Glob(filepath.Join(profDir, "*.pprof"))
		if len(files) == 0 {
			return "", fmt.Errorf("profiling %s: no profile written", s.p)
		}
		binary := filepath.Join(root, "bin", "terraform-provider-keda")
		calls, err := pprofTop(root, append([]string{"-top", "-cum", "-nodecount=12",
			`-show=fastServer\)\.[A-Z]|proto6server\.\(\*Server\)\.[A-Z]|gcBgMarkWorker|kube\.\(\*Objects`, binary}, files...))
		if err != nil {
			return "", err
		}
		own, err := pprofTop(root, append([]string{"-top", "-nodecount=15", binary}, files...))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n### %s\n\n```\n%s\n```\n\n```\n%s\n```\n", s.p, calls, own)
	}
	return b.String(), nil
}

func pprofTop(root string, args []string) (string, error) {
	cmd := exec.Command("go", append([]string{"tool", "pprof"}, args...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %w", err)
	}
	// The header's file and build lines say nothing a reader needs.
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Type:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

// command runs a command and gives its output and the user + system time
// of the process and of the children it waited for.
func command(dir string, env []string, name string, args ...string) (string, float64, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var cpu float64
	if cmd.ProcessState != nil {
		cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	return string(out), cpu, err
}

type procStat struct {
	rssKiB     int64
	cpuSeconds float64
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux.
const clockTicks = 100

// providerStats reads VmHWM and user + system CPU time of the running
// processes whose executable is called name, by pid.
func providerStats(name string) map[string]procStat {
	entries, _ := os.ReadDir("/proc")
	out := map[string]procStat{}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		// The executable's name, from the command line: comm is cut at 15
		// characters, and "terraform" (Terraform itself) is a prefix of
		// both providers' names.
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		exe, _, _ := strings.Cut(string(cmdline), "\x00")
		if filepath.Base(exe) != name {
			continue
		}
		var st procStat
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				st.rssKiB, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The fields after the command name, which is in parentheses:
		// utime and stime are the 14th and 15th of the line.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
			f := strings.Fields(string(stat[i+1:]))
			if len(f) > 12 {
				utime, _ := strconv.ParseFloat(f[11], 64)
				stime, _ := strconv.ParseFloat(f[12], 64)
				st.cpuSeconds = (utime + stime) / clockTicks
			}
		}
		out[e.Name()] = st
	}
	return out
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	n := 0
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	return n
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianOf(samples []sample, f func(sample) float64) float64 {
	xs := make([]float64, len(samples))
	for i, s := range samples {
		xs[i] = f(s)
	}
	return median(xs)
}

// goBenchmarks runs the Go benchmarks of the per-object work: conversion,
// validation and the provider's schema.
func goBenchmarks(root string) (string, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./internal/keda", "./internal/provider")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n"), nil
}

func render(ns []int, runs int, tools []tool, results map[int]map[string]map[phase][]sample, micro string) string {
	var b strings.Builder
	fmt.Fprint(&b, `# Benchmarks

Written by `+"`make bench`"+` (`+"`go run ./internal/cmd/bench -out BENCHMARKS.md`"+`); run it again when
performance changes. On the local control plane (kube-apiserver + etcd from `+"`make testbin`"+`), for
each N the same objects — one TriggerAuthentication and N ScaledObjects, each with a rabbitmq trigger
and an `+"`authentication_ref`"+` — are applied from empty, planned with refresh and nothing to change,
and destroyed by each tool in turn, the order turning every run:

- terraform-provider-keda: `+"`terraform apply -auto-approve`"+`, `+"`terraform plan -detailed-exitcode`"+`,
  `+"`terraform destroy -auto-approve`"+` (through `+"`dev_overrides`"+`);
- kubectl v1.36.3 (the floor): `+"`kubectl apply --server-side -f objects.yaml`"+`,
  `+"`kubectl diff --server-side -f objects.yaml`"+`, `+"`kubectl delete --wait=false -f objects.yaml`"+`;
- gavinbunney/terraform-provider-kubectl v1.19.0 `+"`kubectl_manifest`"+` with `+"`server_side_apply = true`"+`,
  built from the Go module proxy (`+"`tools/bench`"+`), the same Terraform commands.
- Terraform alone: the same objects as inputs of Terraform's built-in `+"`terraform_data`"+` resource,
  the same Terraform commands. No provider process and no API server: what Terraform itself spends
  per resource, the floor for any provider that manages one object per resource.

Terraform's default parallelism (10). The provider's API requests are counted by the provider itself
(`+"`KEDA_PROVIDER_REQUEST_LOG`"+`); peak RSS is the largest VmHWM of the provider processes seen
during a phase.

`)
	fmt.Fprintf(&b, "Medians of %d interleaved runs, wall seconds; in brackets the ratio to kubectl.\n\n", runs)
	fmt.Fprintln(&b, "| N | tool | apply | plan (refresh, no change) | destroy | provider peak RSS |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	seconds := func(s sample) float64 { return s.seconds }
	for _, n := range ns {
		floor := results[n][tools[1].name]
		for _, t := range tools {
			r := results[n][t.name]
			cell := func(p phase) string {
				v := medianOf(r[p], seconds)
				if t.name == tools[1].name {
					return fmt.Sprintf("%.2f", v)
				}
				return fmt.Sprintf("%.2f (%.2f×)", v, v/medianOf(floor[p], seconds))
			}
			rss := "n/a"
			if t.provider != "" {
				var peak int64
				for _, p := range []phase{phaseApply, phasePlan, phaseDestroy} {
					for _, s := range r[p] {
						peak = max(peak, s.rssKiB)
					}
				}
				rss = fmt.Sprintf("%.0f MiB", float64(peak)/1024)
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", n, t.name, cell(phaseApply), cell(phasePlan), cell(phaseDestroy), rss)
		}
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "terraform-provider-keda against kubectl_manifest, medians; CPU is the provider processes' own "+
		"(user + system, from /proc/<pid>/stat sampled every 20 ms), RSS their peak:\n\n")
	fmt.Fprintln(&b, "| N | phase | wall (keda / kubectl_manifest) | provider CPU s | provider peak RSS |")
	fmt.Fprintln(&b, "|---|---|---|---|---|")
	cpuOf := func(s sample) float64 { return s.cpuSeconds }
	rssOf := func(s sample) float64 { return float64(s.rssKiB) / 1024 }
	for _, n := range ns {
		ours, theirs := results[n][tools[0].name], results[n][tools[2].name]
		for _, p := range []phase{phaseApply, phasePlan, phaseDestroy} {
			ratio := func(f func(sample) float64, format string) string {
				a, b := medianOf(ours[p], f), medianOf(theirs[p], f)
				return fmt.Sprintf(format+" / "+format+" = %.2f×", a, b, a/b)
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", n, p, ratio(seconds, "%.2f s"), ratio(cpuOf, "%.2f"), ratio(rssOf, "%.0f MiB"))
		}
	}
	fmt.Fprintln(&b)
	largest := ns[len(ns)-1]
	fmt.Fprintf(&b, "Where the CPU of each Terraform command goes at N = %d, medians: the whole command's user + system time "+
		"(Terraform and the provider processes it waited for, from its rusage), the provider processes' share as above, "+
		"and Terraform's own, the difference. On %d CPUs a phase cannot take less wall time than the CPU it needs divided by %d.\n\n",
		largest, runtime.NumCPU(), runtime.NumCPU())
	fmt.Fprintln(&b, "| tool | phase | command CPU s | provider CPU s | Terraform's own CPU s |")
	fmt.Fprintln(&b, "|---|---|---|---|---|")
	commandCPUOf := func(s sample) float64 { return s.commandCPUSeconds }
	terraformCPUOf := func(s sample) float64 { return s.commandCPUSeconds - s.cpuSeconds }
	for _, t := range []tool{tools[0], tools[2], tools[3]} {
		r := results[largest][t.name]
		for _, p := range []phase{phaseApply, phasePlan, phaseDestroy} {
			fmt.Fprintf(&b, "| %s | %s | %.2f | %.2f | %.2f |\n", t.name, p, medianOf(r[p], commandCPUOf), medianOf(r[p], cpuOf),
				medianOf(r[p], terraformCPUOf))
		}
	}
	fmt.Fprintln(&b)
	applyOf := func(t tool) float64 { return medianOf(results[largest][t.name][phaseApply], seconds) }
	alone := applyOf(tools[3])
	fmt.Fprintf(&b, "At N = %d, Terraform alone — no provider process, no API server — takes %.2f s to apply "+
		"(%.2f× kubectl): the floor for any provider that manages one object per resource, on this machine. "+
		"%s adds %.2f s to it, %s %.2f s.\n\n", largest, alone, alone/applyOf(tools[1]),
		tools[0].name, applyOf(tools[0])-alone, tools[2].name, applyOf(tools[2])-alone)
	fmt.Fprintln(&b, "API requests sent by terraform-provider-keda per phase (medians; N ScaledObjects + 1 TriggerAuthentication):")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| N | plan of new objects | apply | plan (refresh, no change) | destroy |")
	fmt.Fprintln(&b, "|---|---|---|---|---|")
	requests := func(s sample) float64 { return float64(s.requests) }
	for _, n := range ns {
		r := results[n][tools[0].name]
		fmt.Fprintf(&b, "| %d | %.0f | %.0f | %.0f | %.0f |\n", n, medianOf(r[phasePlanNew], requests),
			medianOf(r[phaseApply], requests), medianOf(r[phasePlan], requests), medianOf(r[phaseDestroy], requests))
	}
	fmt.Fprintf(&b, "\nMachine: %s, %d CPUs, %s; %s; %s.\n", cpuModel(), runtime.NumCPU(), memTotal(), runtime.Version(), terraformVersion())
	fmt.Fprintf(&b, "\n## Per-object work\n\n`go test -run '^$' -bench . -benchmem ./internal/keda ./internal/provider`:\n\n```\n%s\n```\n", micro)
	return b.String()
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kib, _ := strconv.ParseFloat(f[1], 64)
			return fmt.Sprintf("%.0f GiB RAM", kib/1024/1024)
		}
	}
	return "unknown RAM"
}

func terraformVersion() string {
	out, err := exec.Command("terraform", "version").Output()
	if err != nil {
		return "terraform ?"
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}
