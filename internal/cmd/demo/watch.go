package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/services"
)

// watcher prints what KEDA does as it happens: one line per event, and a
// progress line redrawn in place on a terminal (every few seconds
// elsewhere).
type watcher struct {
	out      io.Writer
	live     bool
	cs       kubernetes.Interface
	kc       kedaclient.Interface
	rabbit   *services.RabbitMQ
	start    time.Time
	progress string
	printed  time.Time
}

func (w *watcher) event(format string, args ...any) {
	if w.live && w.progress != "" {
		printText(w.out, "\r\033[K")
	}
	printf(w.out, "%6.1fs  %s\n", time.Since(w.start).Seconds(), fmt.Sprintf(format, args...))
	if w.live && w.progress != "" {
		printText(w.out, w.progress)
	}
}

func (w *watcher) status(line string) {
	line = fmt.Sprintf("%6.1fs  %s", time.Since(w.start).Seconds(), line)
	if w.live {
		printText(w.out, "\r\033[K"+line)
		w.progress = line
		return
	}
	if time.Since(w.printed) >= 5*time.Second {
		printLine(w.out, line)
		w.printed = time.Now()
	}
}

func (w *watcher) endStatus() {
	if w.live && w.progress != "" {
		printLine(w.out)
	}
	w.progress = ""
}

func readyStatus(conds v1alpha1.Conditions) (metav1.ConditionStatus, string) {
	c := conds.GetReadyCondition()
	return c.Status, c.Message
}

// waitReady waits until KEDA reports every ScaledObject and ScaledJob
// Ready, and fails with KEDA's messages for those it does not.
func (w *watcher) waitReady(ctx context.Context, timeout time.Duration) error {
	w.start = time.Now()
	deadline := w.start.Add(timeout)
	for {
		sos, err := w.kc.KedaV1alpha1().ScaledObjects(namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		sjs, err := w.kc.KedaV1alpha1().ScaledJobs(namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		var notReady []string
		for _, so := range sos.Items {
			if st, msg := readyStatus(so.Status.Conditions); st != metav1.ConditionTrue {
				notReady = append(notReady, fmt.Sprintf("ScaledObject %s: Ready=%s %s", so.Name, st, msg))
			}
		}
		for _, sj := range sjs.Items {
			if st, msg := readyStatus(sj.Status.Conditions); st != metav1.ConditionTrue {
				notReady = append(notReady, fmt.Sprintf("ScaledJob %s: Ready=%s %s", sj.Name, st, msg))
			}
		}
		total := len(sos.Items) + len(sjs.Items)
		if total > 0 && len(notReady) == 0 {
			w.endStatus()
			printf(w.out, "KEDA reports all %d ScaledObjects and %d ScaledJob Ready, %.1f s after its operator started\n",
				len(sos.Items), len(sjs.Items), time.Since(w.start).Seconds())
			return nil
		}
		w.status(fmt.Sprintf("KEDA: %d of %d Ready", total-len(notReady), total))
		if time.Now().After(deadline) {
			w.endStatus()
			return fmt.Errorf("not Ready after %s:\n  %s", timeout, strings.Join(notReady, "\n  "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// scale publishes messages and follows KEDA: the worker woken from zero,
// scaled back to zero once the queue is drained and the cooldown is over,
// and the ScaledJob starting one Job per queued batch. No worker pod runs
// here (there is no kubelet), so the demo takes the worker's messages off
// the queue itself, drainPerReplica a second for each replica KEDA (or the
// HPA) has given it.
func (w *watcher) scale(ctx context.Context, o options, res *result) error {
	replicas, err := w.workerReplicas(ctx)
	if err != nil {
		return err
	}
	if replicas != 0 {
		return fmt.Errorf("%s has %d replicas before any message; KEDA should keep it at 0", workerDeployment, replicas)
	}
	if err := w.rabbit.Publish(workerQueue, o.messages); err != nil {
		return err
	}
	if err := w.rabbit.Publish(batchQueue, o.batches); err != nil {
		return err
	}
	w.start = time.Now()
	w.event("%d messages on %s, %d on %s; %s asleep at 0 replicas (KEDA polls every %d s)",
		o.messages, workerQueue, o.batches, batchQueue, workerDeployment, o.pollingInterval)
	printf(w.out, "         (no pod runs here: the demo takes %d messages/s off %s for each replica the worker has)\n",
		o.drainPerReplica, workerQueue)

	deadline := w.start.Add(o.scaleTimeout)
	const tick = 500 * time.Millisecond
	var owed float64
	seenJobs := map[string]bool{}
	for {
		now, err := w.workerReplicas(ctx)
		if err != nil {
			return err
		}
		depth, err := w.rabbit.Depth(workerQueue)
		if err != nil {
			return err
		}
		switch {
		case now == replicas:
		case replicas == 0:
			res.woke = time.Since(w.start)
			w.event("KEDA woke %s: 0 -> %d replica(s) (%s: %d messages)", workerDeployment, now, workerQueue, depth)
		case now == 0:
			res.slept = time.Since(w.start)
			w.event("KEDA put %s back to 0 replicas (%s empty for its cooldown_period of %d s)", workerDeployment, workerQueue, o.cooldownPeriod)
		default:
			w.event("the HPA scaled %s: %d -> %d replicas (%s: %d messages)", workerDeployment, replicas, now, workerQueue, depth)
		}
		replicas = now
		res.workerPeak = max(res.workerPeak, now)

		jobs, err := w.cs.BatchV1().Jobs(namespace).List(ctx, metav1.ListOptions{LabelSelector: "scaledjob.keda.sh/name=" + scaledJobName})
		if err != nil {
			return err
		}
		slices.SortFunc(jobs.Items, func(a, b batchv1.Job) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
		for _, j := range jobs.Items {
			if !seenJobs[j.Name] {
				seenJobs[j.Name] = true
				res.jobs = append(res.jobs, j.Name)
				w.event("ScaledJob %s started Job %s (%d of %d batches)", scaledJobName, j.Name, len(seenJobs), o.batches)
			}
		}

		if replicas > 0 {
			owed += float64(replicas) * float64(o.drainPerReplica) * tick.Seconds()
			took, err := w.rabbit.Consume(workerQueue, int(owed))
			if err != nil {
				return err
			}
			owed -= float64(took)
			if took == 0 {
				owed = 0
			}
		}
		w.status(fmt.Sprintf("%s %s %3d msgs | %s %d/%d replicas | %s %d Jobs",
			workerQueue, bar(depth, o.messages), depth, workerDeployment, replicas, res.workerPeak, scaledJobName, len(seenJobs)))

		if res.slept > 0 && len(seenJobs) >= o.batches {
			w.endStatus()
			return nil
		}
		if time.Now().After(deadline) {
			w.endStatus()
			return fmt.Errorf("after %s: worker woke at %s, back to 0 at %s, %d of %d Jobs", o.scaleTimeout, res.woke, res.slept, len(seenJobs), o.batches)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(tick):
		}
	}
}

func (w *watcher) workerReplicas(ctx context.Context) (int32, error) {
	d, err := w.cs.AppsV1().Deployments(namespace).Get(ctx, workerDeployment, metav1.GetOptions{})
	if err != nil {
		return 0, err
	}
	if d.Spec.Replicas == nil {
		return 1, nil
	}
	return *d.Spec.Replicas, nil
}

// bar draws n of total as a 20-character bar.
func bar(n, total int) string {
	const width = 20
	filled := 0
	if total > 0 {
		filled = min(width, (n*width+total-1)/total)
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

// scalerRow is one line of the final table.
type scalerRow struct {
	kind, name, target, ready, replicas, hpa, min, max, says string
}

// table prints every ScaledObject and ScaledJob with KEDA's verdict, the
// HPA KEDA made and the replicas (or Jobs) now, and the
// TriggerAuthentications they use.
func (w *watcher) table(ctx context.Context, res *result) error {
	sos, err := w.kc.KedaV1alpha1().ScaledObjects(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	sjs, err := w.kc.KedaV1alpha1().ScaledJobs(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	res.scalers = nil
	for _, so := range sos.Items {
		st, msg := readyStatus(so.Status.Conditions)
		row := scalerRow{kind: "ScaledObject", name: so.Name, target: so.Spec.ScaleTargetRef.Name, ready: string(st),
			replicas: "-", hpa: "-", min: "-", max: "-"}
		if st != metav1.ConditionTrue {
			row.says = shorten(msg)
		}
		if d, err := w.cs.AppsV1().Deployments(namespace).Get(ctx, so.Spec.ScaleTargetRef.Name, metav1.GetOptions{}); err == nil && d.Spec.Replicas != nil {
			row.replicas = strconv.Itoa(int(*d.Spec.Replicas))
		}
		if hpa, err := w.cs.AutoscalingV2().HorizontalPodAutoscalers(namespace).Get(ctx, so.Status.HpaName, metav1.GetOptions{}); err == nil {
			row.hpa, row.max = hpa.Name, strconv.Itoa(int(hpa.Spec.MaxReplicas))
			if hpa.Spec.MinReplicas != nil {
				row.min = strconv.Itoa(int(*hpa.Spec.MinReplicas))
			}
		}
		res.scalers = append(res.scalers, row)
	}
	for _, sj := range sjs.Items {
		st, msg := readyStatus(sj.Status.Conditions)
		row := scalerRow{kind: "ScaledJob", name: sj.Name, target: "(Jobs)", ready: string(st), replicas: "-", hpa: "-", min: "-", max: "-"}
		if st != metav1.ConditionTrue {
			row.says = shorten(msg)
		}
		if jobs, err := w.cs.BatchV1().Jobs(namespace).List(ctx, metav1.ListOptions{LabelSelector: "scaledjob.keda.sh/name=" + sj.Name}); err == nil {
			row.replicas = fmt.Sprintf("%d Jobs", len(jobs.Items))
		}
		if sj.Spec.MaxReplicaCount != nil {
			row.max = strconv.Itoa(int(*sj.Spec.MaxReplicaCount))
		}
		res.scalers = append(res.scalers, row)
	}
	tw := tabwriter.NewWriter(w.out, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "KIND\tNAME\tTARGET\tREADY\tNOW\tHPA\tMIN\tMAX\tKEDA SAYS")
	for _, r := range res.scalers {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.kind, r.name, r.target, r.ready, r.replicas, r.hpa, r.min, r.max, r.says)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	tas, err := w.kc.KedaV1alpha1().TriggerAuthentications(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, ta := range tas.Items {
		printf(w.out, "TriggerAuthentication %s: used by %s and %s\n", ta.Name,
			counted(countNames(ta.Status.ScaledObjectNamesStr), "ScaledObject"), counted(countNames(ta.Status.ScaledJobNamesStr), "ScaledJob"))
	}
	return nil
}

// countNames counts KEDA's comma-separated status list.
func countNames(s string) int {
	if s == "" {
		return 0
	}
	return len(strings.Split(s, ","))
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

// counted writes n of a kind: "1 ScaledJob", "4 ScaledObjects".
func counted(n int, kind string) string {
	if n == 1 {
		return "1 " + kind
	}
	return fmt.Sprintf("%d %ss", n, kind)
}
