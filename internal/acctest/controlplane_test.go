package acctest

import (
	"context"
	"os"
	"sync"
	"testing"

	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The control plane must start again after a stop (twice in a row, as a
// second `go test` run does) and twice at once (as two test packages do,
// each with its own etcd and kube-apiserver on free ports), as the user
// the tests run as, root included. This package's test also runs next to
// the provider package's own control plane in every `go test ./...`.
func TestControlPlaneTwiceInARowAndTwoAtOnce(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("starts control planes: set TF_ACC=1 (make testacc)")
	}
	for round := range 2 {
		planes := make([]*ControlPlane, 2)
		stops := make([]func(), 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range planes {
			wg.Go(func() { planes[i], errs[i] = Start(Options{}) })
		}
		wg.Wait()
		for i, cp := range planes {
			if cp != nil {
				stops[i] = sync.OnceFunc(cp.Stop)
				t.Cleanup(stops[i])
			}
		}
		for i := range planes {
			if errs[i] != nil {
				t.Fatalf("round %d, plane %d: %v", round+1, i+1, errs[i])
			}
		}
		if planes[0].Config.Host == planes[1].Config.Host {
			t.Fatalf("round %d: both planes serve at %s", round+1, planes[0].Config.Host)
		}
		for i, cp := range planes {
			crd, err := apiextensionsclient.NewForConfigOrDie(cp.Config).ApiextensionsV1().CustomResourceDefinitions().
				Get(context.Background(), "scaledobjects.keda.sh", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("round %d, plane %d: KEDA's ScaledObject CRD: %v", round+1, i+1, err)
			}
			if crd.Spec.Group != "keda.sh" {
				t.Fatalf("round %d, plane %d: CRD group %q", round+1, i+1, crd.Spec.Group)
			}
		}
		for _, stop := range stops {
			stop()
		}
	}
}
