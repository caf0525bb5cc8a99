package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

var apiServiceGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// playKEDAMetricsServer stands in for the two things KEDA's own binaries do
// so that the metrics APIService becomes Available, which cannot run on a
// fake node: the metrics API server answering discovery on its pod's port
// 6443 (in the test's pod network), and the operator writing the CA of that
// server's certificate into the APIService. kube-apiserver's aggregator
// then checks availability for real, over the network.
func playKEDAMetricsServer(ctx context.Context, t *testing.T, cp *acctest.ControlPlane, namespace string) {
	t.Helper()
	playMetricsServer(ctx, t, cp, namespace, "keda-metrics-apiserver")
}

// playMetricsServer is playKEDAMetricsServer for metrics Services of other
// names (the Helm chart's), in one namespace. The CA is written again
// whenever the APIService lacks it, as after an APIService is replaced.
func playMetricsServer(ctx context.Context, t *testing.T, cp *acctest.ControlPlane, namespace string, services ...string) {
	t.Helper()
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s + "." + namespace + ".svc"
	}
	caPEM, cert := selfSignedServing(t, names...)
	l, err := cp.ListenInPodNetwork(6443)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"external.metrics.k8s.io/v1beta1","resources":[]}`))
	})}
	go func() {
		_ = srv.Serve(tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	}()
	t.Cleanup(func() { _ = srv.Close() })
	ca := base64.StdEncoding.EncodeToString(caPEM)
	go func() {
		patch := []byte(`{"spec":{"caBundle":"` + ca + `"}}`)
		api := cp.Dynamic().Resource(apiServiceGVR)
		for ctx.Err() == nil {
			if live, err := api.Get(ctx, "v1beta1.external.metrics.k8s.io", metav1.GetOptions{}); err == nil {
				if bundle, _, _ := unstructured.NestedString(live.Object, "spec", "caBundle"); bundle != ca {
					_, _ = api.Patch(ctx, "v1beta1.external.metrics.k8s.io", types.MergePatchType, patch,
						metav1.PatchOptions{FieldManager: "keda-operator"})
				}
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
}

func selfSignedServing(t *testing.T, dnsNames ...string) ([]byte, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: dnsNames[0]}, DNSNames: dnsNames,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, cert
}
