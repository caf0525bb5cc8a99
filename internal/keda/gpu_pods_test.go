package keda

import (
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// The generated gpu query counts the pods of the scale target and no
// other, checked with Prometheus' own parser and label matcher (which
// anchors the regex at both ends). The names are those Kubernetes gives:
// a Deployment's pods are <deployment>-<pod-template-hash>-<5 random>, a
// StatefulSet's <statefulset>-<ordinal>, a ScaledJob's Jobs
// <scaledjob>-<5 random> and their pods <job>-<5 random>; the hash and the
// random parts use k8s.io/apimachinery/pkg/util/rand's alphabet, which has
// no vowels.
func TestGeneratedGPUQueryMatchesOnlyTheTargetsPods(t *testing.T) {
	matcher := func(t *testing.T, prefix string) *labels.Matcher {
		t.Helper()
		q := GenerateGPUQuery(GPUUtilization, "namespace", "ml", "pod", prefix)
		expr, err := promQL.ParseExpr(q)
		if err != nil {
			t.Fatalf("the generated query does not parse: %v\n%s", err, q)
		}
		var pod *labels.Matcher
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				for _, m := range vs.LabelMatchers {
					if m.Name == "pod" {
						pod = m
					}
				}
			}
			return nil
		})
		if pod == nil {
			t.Fatalf("no pod matcher in %s", q)
		}
		return pod
	}

	cases := map[string]struct {
		prefix      string
		counts, not []string
	}{
		"Deployment llm-server": {
			prefix: "llm-server",
			counts: []string{"llm-server-7d9f8b6c5-x2k4p", "llm-server-5c6d7f8bb9-q2w4r", "llm-server-b-zzzzz"},
			not: []string{
				"llm-server-canary-7d9f8b6c5-x2k4p", // the Deployment llm-server-canary
				"llm-server-canary-0",               // the StatefulSet llm-server-canary
				"llm-server-canary-x2k4p",           // a ReplicaSet or DaemonSet llm-server-canary
				"llm-server-v2-7d9f8b6c5-x2k4p",     // the Deployment llm-server-v2
				"llm-server-v2-0",                   // the StatefulSet llm-server-v2
				"llm-server",                        // no suffix
				"llm-server-7d9f8b6c5-x2k4",         // a suffix of 4
				"llm-server-7d9f8b6c5-x2k4p-extra",  // something longer
				"embedder-7d9f8b6c5-x2k4p",          // another workload
				"other-llm-server-7d9f8b6c5-x2k4p",  // a name ending the same way
			},
		},
		"StatefulSet llm-server": {
			prefix: "llm-server",
			counts: []string{"llm-server-0", "llm-server-12"},
			not:    []string{"llm-server-canary-1", "llm-server-0-canary"},
		},
		"ScaledJob batch-inference": {
			prefix: "batch-inference",
			counts: []string{"batch-inference-x2k4p-q2w4r"},
			not:    []string{"batch-inference-canary-x2k4p-q2w4r", "batch-inference-nightly-x2k4p"},
		},
		"a dot in the name": {
			prefix: "llm.v2",
			counts: []string{"llm.v2-7d9f8b6c5-x2k4p"},
			not:    []string{"llmxv2-7d9f8b6c5-x2k4p"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := matcher(t, tc.prefix)
			for _, pod := range tc.counts {
				if !m.Matches(pod) {
					t.Errorf("%s does not count pod %s (%s)", tc.prefix, pod, m)
				}
			}
			for _, pod := range tc.not {
				if m.Matches(pod) {
					t.Errorf("%s counts pod %s (%s)", tc.prefix, pod, m)
				}
			}
		})
	}
}
