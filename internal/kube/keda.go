package kube

import (
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// TriggerAuthentications is the namespaced TriggerAuthentication API.
func (c *Client) TriggerAuthentications(namespace string) (Objects[*v1alpha1.TriggerAuthentication], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.TriggerAuthentication]{}, err
	}
	return Objects[*v1alpha1.TriggerAuthentication]{
		Kind: "TriggerAuthentication", FieldManager: FieldManager,
		client: kc.KedaV1alpha1().TriggerAuthentications(namespace), namespace: namespace,
	}, nil
}

// ClusterTriggerAuthentications is the ClusterTriggerAuthentication API.
func (c *Client) ClusterTriggerAuthentications() (Objects[*v1alpha1.ClusterTriggerAuthentication], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ClusterTriggerAuthentication]{}, err
	}
	return Objects[*v1alpha1.ClusterTriggerAuthentication]{
		Kind: "ClusterTriggerAuthentication", FieldManager: FieldManager,
		client: kc.KedaV1alpha1().ClusterTriggerAuthentications(),
	}, nil
}

// ScaledObjects is the ScaledObject API.
func (c *Client) ScaledObjects(namespace string) (Objects[*v1alpha1.ScaledObject], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ScaledObject]{}, err
	}
	return Objects[*v1alpha1.ScaledObject]{
		Kind: "ScaledObject", FieldManager: FieldManager,
		client: kc.KedaV1alpha1().ScaledObjects(namespace), namespace: namespace,
	}, nil
}

// ScaledJobs is the ScaledJob API.
func (c *Client) ScaledJobs(namespace string) (Objects[*v1alpha1.ScaledJob], error) {
	kc, err := c.KEDA()
	if err != nil {
		return Objects[*v1alpha1.ScaledJob]{}, err
	}
	return Objects[*v1alpha1.ScaledJob]{
		Kind: "ScaledJob", FieldManager: FieldManager,
		client: kc.KedaV1alpha1().ScaledJobs(namespace), namespace: namespace,
	}, nil
}
