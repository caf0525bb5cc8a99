package kube

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TriggerAuthentications is the namespaced TriggerAuthentication API.
func (c *Client) TriggerAuthentications(namespace string) (Objects[*v1alpha1.TriggerAuthentication], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.TriggerAuthentication]{}, err
	}
	return Objects[*v1alpha1.TriggerAuthentication]{
		Kind: "TriggerAuthentication", FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: kc.KedaV1alpha1().TriggerAuthentications(namespace), namespace: namespace,
		rest: kc.KedaV1alpha1().RESTClient(), resource: "triggerauthentications", kedaVersion: c.kedaVersionOf("triggerauthentications"),
	}, nil
}

// ClusterTriggerAuthentications is the ClusterTriggerAuthentication API.
func (c *Client) ClusterTriggerAuthentications() (Objects[*v1alpha1.ClusterTriggerAuthentication], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ClusterTriggerAuthentication]{}, err
	}
	return Objects[*v1alpha1.ClusterTriggerAuthentication]{
		Kind: "ClusterTriggerAuthentication", FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: kc.KedaV1alpha1().ClusterTriggerAuthentications(),
		rest:   kc.KedaV1alpha1().RESTClient(), resource: "clustertriggerauthentications", kedaVersion: c.kedaVersionOf("clustertriggerauthentications"),
	}, nil
}

// ScaledObjects is the ScaledObject API.
func (c *Client) ScaledObjects(namespace string) (Objects[*v1alpha1.ScaledObject], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ScaledObject]{}, err
	}
	return Objects[*v1alpha1.ScaledObject]{
		Kind: "ScaledObject", FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: kc.KedaV1alpha1().ScaledObjects(namespace), namespace: namespace,
		rest: kc.KedaV1alpha1().RESTClient(), resource: "scaledobjects", kedaVersion: c.kedaVersionOf("scaledobjects"),
	}, nil
}

// ScaledJobs is the ScaledJob API.
func (c *Client) ScaledJobs(namespace string) (Objects[*v1alpha1.ScaledJob], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ScaledJob]{}, err
	}
	return Objects[*v1alpha1.ScaledJob]{
		Kind: "ScaledJob", FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: kc.KedaV1alpha1().ScaledJobs(namespace), namespace: namespace,
		rest: kc.KedaV1alpha1().RESTClient(), resource: "scaledjobs", kedaVersion: c.kedaVersionOf("scaledjobs"),
	}, nil
}

// ConditionError is KEDA reporting a condition as False.
type ConditionError struct {
	Object    string
	Condition string
	Reason    string
	Message   string
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("KEDA reports %s %s=False (%s): %s", e.Object, e.Condition, e.Reason, e.Message)
}

// WaitScaledObjectReady polls until KEDA reports the ScaledObject Ready, and
// fails with KEDA's own message when it reports it not ready.
func (c *Client) WaitScaledObjectReady(ctx context.Context, namespace, name string) (*v1alpha1.ScaledObject, error) {
	api, err := c.ScaledObjects(namespace)
	if err != nil {
		return nil, err
	}
	return waitReady(ctx, api, name, func(so *v1alpha1.ScaledObject) v1alpha1.Conditions { return so.Status.Conditions })
}

// WaitScaledJobReady is WaitScaledObjectReady for ScaledJobs.
func (c *Client) WaitScaledJobReady(ctx context.Context, namespace, name string) (*v1alpha1.ScaledJob, error) {
	api, err := c.ScaledJobs(namespace)
	if err != nil {
		return nil, err
	}
	return waitReady(ctx, api, name, func(sj *v1alpha1.ScaledJob) v1alpha1.Conditions { return sj.Status.Conditions })
}

func waitReady[T any](ctx context.Context, api Objects[T], name string, conditions func(T) v1alpha1.Conditions) (T, error) {
	delay := 200 * time.Millisecond
	for {
		obj, err := api.Get(ctx, name)
		if err != nil {
			return obj, err
		}
		conds := conditions(obj)
		if cond := conds.GetReadyCondition(); cond.Status == metav1.ConditionTrue {
			return obj, nil
		} else if cond.Status == metav1.ConditionFalse {
			return obj, &ConditionError{Object: api.Ref(name), Condition: "Ready", Reason: cond.Reason, Message: cond.Message}
		}
		select {
		case <-ctx.Done():
			return obj, fmt.Errorf("waiting for KEDA to report %s Ready: %w (is KEDA's operator running? "+
				"set wait_for_ready = false to not wait)", api.Ref(name), ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// ListKEDAObjects names every ScaledObject, ScaledJob, TriggerAuthentication
// and ClusterTriggerAuthentication in the cluster.
func (c *Client) ListKEDAObjects(ctx context.Context) ([]string, error) {
	kc, err := c.KEDA()
	if err != nil {
		return nil, err
	}
	api := kc.KedaV1alpha1()
	var out []string
	sos, err := withRetry(ctx, "listing ScaledObjects", func(ctx context.Context) (*v1alpha1.ScaledObjectList, error) {
		return api.ScaledObjects("").List(ctx, metav1.ListOptions{})
	})
	if err != nil {
		return nil, err
	}
	for _, o := range sos.Items {
		out = append(out, "ScaledObject "+o.Namespace+"/"+o.Name)
	}
	sjs, err := withRetry(ctx, "listing ScaledJobs", func(ctx context.Context) (*v1alpha1.ScaledJobList, error) {
		return api.ScaledJobs("").List(ctx, metav1.ListOptions{})
	})
	if err != nil {
		return nil, err
	}
	for _, o := range sjs.Items {
		out = append(out, "ScaledJob "+o.Namespace+"/"+o.Name)
	}
	tas, err := withRetry(ctx, "listing TriggerAuthentications", func(ctx context.Context) (*v1alpha1.TriggerAuthenticationList, error) {
		return api.TriggerAuthentications("").List(ctx, metav1.ListOptions{})
	})
	if err != nil {
		return nil, err
	}
	for _, o := range tas.Items {
		out = append(out, "TriggerAuthentication "+o.Namespace+"/"+o.Name)
	}
	ctas, err := withRetry(ctx, "listing ClusterTriggerAuthentications", func(ctx context.Context) (*v1alpha1.ClusterTriggerAuthenticationList, error) {
		return api.ClusterTriggerAuthentications().List(ctx, metav1.ListOptions{})
	})
	if err != nil {
		return nil, err
	}
	for _, o := range ctas.Items {
		out = append(out, "ClusterTriggerAuthentication "+o.Name)
	}
	return out, nil
}

// DeleteKEDAObjects deletes every ScaledObject, ScaledJob and
// (Cluster)TriggerAuthentication in the cluster and waits until they are
// gone.
func (c *Client) DeleteKEDAObjects(ctx context.Context) error {
	kc, err := c.KEDA()
	if err != nil {
		return err
	}
	api := kc.KedaV1alpha1()
	policy := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	nss, err := withRetry(ctx, "listing namespaces", func(ctx context.Context) (*corev1.NamespaceList, error) {
		return c.core.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	})
	if err != nil {
		return err
	}
	all := metav1.ListOptions{}
	for _, ns := range nss.Items {
		for kind, del := range map[string]func(context.Context) error{
			"ScaledObjects": func(ctx context.Context) error {
				return api.ScaledObjects(ns.Name).DeleteCollection(ctx, opts, all)
			},
			"ScaledJobs": func(ctx context.Context) error {
				return api.ScaledJobs(ns.Name).DeleteCollection(ctx, opts, all)
			},
			"TriggerAuthentications": func(ctx context.Context) error {
				return api.TriggerAuthentications(ns.Name).DeleteCollection(ctx, opts, all)
			},
		} {
			if err := retryErr(ctx, "deleting the "+kind+" of namespace "+ns.Name, del); err != nil {
				return err
			}
		}
	}
	err = retryErr(ctx, "deleting ClusterTriggerAuthentications", func(ctx context.Context) error {
		return api.ClusterTriggerAuthentications().DeleteCollection(ctx, opts, all)
	})
	if err != nil {
		return err
	}
	return poll(ctx, func() (bool, error) {
		left, err := c.ListKEDAObjects(ctx)
		return len(left) == 0, err
	}, func() error {
		return errors.New("KEDA objects still exist: their finalizers have not cleared (is KEDA's operator running?)")
	})
}
