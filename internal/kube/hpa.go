package kube

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// HorizontalPodAutoscalers is the autoscaling/v2 HPA API of a namespace.
// The provider only reads HPAs: KEDA creates and owns them.
func (c *Client) HorizontalPodAutoscalers(namespace string) (Objects[*autoscalingv2.HorizontalPodAutoscaler], error) {
	cc, err := c.Core()
	if err != nil {
		return Objects[*autoscalingv2.HorizontalPodAutoscaler]{}, err
	}
	return Objects[*autoscalingv2.HorizontalPodAutoscaler]{
		Kind: "HorizontalPodAutoscaler", FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: cc.AutoscalingV2().HorizontalPodAutoscalers(namespace), namespace: namespace,
		rest: cc.AutoscalingV2().RESTClient(), resource: "horizontalpodautoscalers",
	}, nil
}
