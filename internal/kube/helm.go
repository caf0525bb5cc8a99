package kube

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// TakeoverFieldManager owns what the Helm takeover changes on the chart's
// CRDs: the keep annotation, which the installation does not declare.
const TakeoverFieldManager = FieldManager + "-takeover"

// HelmKeepAnnotation makes `helm uninstall` (and a Helm upgrade that drops
// the object) leave an object in place.
const HelmKeepAnnotation = "helm.sh/resource-policy"

// ErrNoHelmRelease is a release Helm has no record of.
var ErrNoHelmRelease = errors.New("no Helm release record of it")

// HelmRelease is the newest revision of a Helm release, as Helm stores it in
// Secrets of type helm.sh/release.v1 (Helm's default storage driver).
type HelmRelease struct {
	Name, Namespace string
	Revision        int
	Status          string
	Chart           string // "keda-2.21.0"
	AppVersion      string
	// Objects are what the release installed, from its stored manifest; a
	// namespaced object that names no namespace is in Namespace.
	Objects []*unstructured.Unstructured
	// secrets are Helm's records of every revision.
	secrets []string
}

// Ref is "Helm release keda/keda".
func (r *HelmRelease) Ref() string { return "Helm release " + r.Namespace + "/" + r.Name }

// helmStoredRelease is the part of Helm's release record the takeover reads.
type helmStoredRelease struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Version   int    `json:"version"`
	Manifest  string `json:"manifest"`
	Info      struct {
		Status string `json:"status"`
	} `json:"info"`
	Chart struct {
		Metadata struct {
			Name       string `json:"name"`
			Version    string `json:"version"`
			AppVersion string `json:"appVersion"`
		} `json:"metadata"`
	} `json:"chart"`
}

// ReadHelmRelease reads a release from Helm's Secrets in namespace: the
// newest revision's manifest and the names of all its records. A release
// Helm does not know is an error that says so.
func (c *Client) ReadHelmRelease(ctx context.Context, namespace, name string) (*HelmRelease, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	op := "reading Helm release " + namespace + "/" + name
	list, err := withRetry(ctx, op, func(ctx context.Context) (*corev1.SecretList, error) {
		return c.core.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + name})
	})
	if err != nil {
		return nil, wrapOnce(op, err)
	}
	rel := &HelmRelease{Name: name, Namespace: namespace, Revision: -1}
	var newest *corev1.Secret
	for i := range list.Items {
		s := &list.Items[i]
		if s.Type != "helm.sh/release.v1" {
			continue
		}
		rel.secrets = append(rel.secrets, s.Name)
		if rev, err := strconv.Atoi(s.Labels["version"]); err == nil && rev > rel.Revision {
			rel.Revision, newest = rev, s
		}
	}
	if newest == nil {
		return nil, fmt.Errorf("%s: %w (no Secret of type helm.sh/release.v1 labeled owner=helm,name=%s in namespace %s)",
			rel.Ref(), ErrNoHelmRelease, name, namespace)
	}
	sort.Strings(rel.secrets)
	stored, err := decodeHelmRelease(newest.Data["release"])
	if err != nil {
		return nil, fmt.Errorf("%s: reading Secret %s: %w", rel.Ref(), newest.Name, err)
	}
	rel.Status = stored.Info.Status
	rel.Chart = stored.Chart.Metadata.Name + "-" + stored.Chart.Metadata.Version
	rel.AppVersion = stored.Chart.Metadata.AppVersion
	rel.Objects, err = manifestObjects(stored.Manifest, namespace)
	if err != nil {
		return nil, fmt.Errorf("%s: its manifest: %w", rel.Ref(), err)
	}
	return rel, nil
}

// decodeHelmRelease undoes Helm's encoding of a release record: JSON,
// gzipped, base64 (inside the Secret's own base64).
func decodeHelmRelease(data []byte) (*helmStoredRelease, error) {
	raw, err := base64.StdEncoding.DecodeString(string(data))
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	var rel helmStoredRelease
	if err := json.Unmarshal(raw, &rel); err != nil {
		return nil, err
	}
	return &rel, nil
}

// manifestObjects splits a rendered manifest into its objects.
func manifestObjects(manifest, namespace string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for i, doc := range strings.Split("\n"+manifest, "\n---") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		o := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &o.Object); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(o.Object) == 0 {
			continue
		}
		// Charts name a namespace on cluster-scoped objects too (KEDA's
		// does on its ValidatingWebhookConfiguration); Helm ignores it.
		if r, ok := resourceFor[o.GroupVersionKind().GroupKind()]; ok {
			switch {
			case !r.namespaced:
				o.SetNamespace("")
			case o.GetNamespace() == "":
				o.SetNamespace(namespace)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// TakeoverResult is what TakeOverHelmRelease did.
type TakeoverResult struct {
	// KeptCRDs were marked kept and released from Helm.
	KeptCRDs []string
	// Deleted are the release's objects removed for the installation to
	// replace.
	Deleted []string
	// Left are objects of the release of kinds the provider does not handle
	// (monitoring, cert-manager, ...); they stay, no longer Helm's.
	Left []string
}

// TakeOverHelmRelease moves KEDA out of a Helm release so that a
// keda_installation can replace it, without ever deleting KEDA's CRDs
// (every ScaledObject, ScaledJob and TriggerAuthentication would go with
// them):
//
//  1. every KEDA CRD of the release is annotated helm.sh/resource-policy:
//     keep and loses Helm's ownership marks, so that no later `helm
//     uninstall` or Helm upgrade deletes it, even one racing this takeover;
//  2. the release's Deployments are deleted, waiting until their pods are
//     gone, so that two operators never run at once;
//  3. the release's other objects (Services, APIService, webhooks, RBAC,
//     ...) are deleted, except its Namespace;
//  4. Helm's records of the release are deleted last, so that a takeover
//     cut short can run again from the same record.
//
// Objects of the release already gone are skipped; those that carry
// another release's marks are left alone.
func (c *Client) TakeOverHelmRelease(ctx context.Context, rel *HelmRelease) (TakeoverResult, error) {
	var res TakeoverResult
	crds, err := c.crds()
	if err != nil {
		return res, err
	}
	keep := map[string]bool{}
	for _, o := range rel.Objects {
		if o.GetKind() == "CustomResourceDefinition" {
			keep[o.GetName()] = true
		}
	}
	for _, name := range KEDACRDNames {
		live, err := crds.Get(ctx, name)
		if err == nil && live.GetAnnotations()[HelmReleaseNameAnnotation] == rel.Name &&
			live.GetAnnotations()[HelmReleaseNamespaceAnnotation] == rel.Namespace {
			keep[name] = true
		}
	}
	release := []byte(`{"metadata":{"annotations":{"` + HelmKeepAnnotation + `":"keep","` + HelmReleaseNameAnnotation + `":null,"` +
		HelmReleaseNamespaceAnnotation + `":null},"labels":{"` + ManagedByLabel + `":null,"helm.sh/chart":null}}}`)
	for _, name := range sortedKeys(keep) {
		_, err := crds.MergePatch(ctx, name, TakeoverFieldManager, release)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return res, fmt.Errorf("marking KEDA's CRD %s kept before leaving Helm: %w", name, err)
		}
		res.KeptCRDs = append(res.KeptCRDs, "CustomResourceDefinition "+name)
	}

	var deployments, rest []*unstructured.Unstructured
	for i := len(rel.Objects) - 1; i >= 0; i-- {
		o := rel.Objects[i]
		switch o.GetKind() {
		case "CustomResourceDefinition", "Namespace":
		case "Deployment":
			deployments = append(deployments, o)
		default:
			rest = append(rest, o)
		}
	}
	for _, o := range append(deployments, rest...) {
		api, err := c.ObjectsFor(o)
		if err != nil {
			res.Left = append(res.Left, ObjectRef(o))
			continue
		}
		if o.GetKind() == "Deployment" {
			api = api.Foreground()
		}
		live, err := api.Get(ctx, o.GetName())
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return res, err
		}
		if owner := live.GetAnnotations()[HelmReleaseNameAnnotation]; owner != "" &&
			(owner != rel.Name || live.GetAnnotations()[HelmReleaseNamespaceAnnotation] != rel.Namespace) {
			res.Left = append(res.Left, ObjectRef(o))
			continue
		}
		if err := api.Delete(ctx, o.GetName()); err != nil {
			return res, fmt.Errorf("removing the Helm release's %s: %w", ObjectRef(o), err)
		}
		res.Deleted = append(res.Deleted, ObjectRef(o))
	}

	secrets, err := c.objectsOf(secretGVK, rel.Namespace)
	if err != nil {
		return res, err
	}
	for _, name := range rel.secrets {
		if err := secrets.Delete(ctx, name); err != nil {
			return res, fmt.Errorf("removing Helm's record of the release (%s): %w", name, err)
		}
	}
	return res, nil
}

// InstallsKEDA reports whether the release installed KEDA: its CRDs or its
// operator.
func (r *HelmRelease) InstallsKEDA() bool {
	for _, o := range r.Objects {
		switch {
		case o.GetKind() == "CustomResourceDefinition" && o.GetName() == "scaledobjects.keda.sh":
			return true
		case o.GetKind() == "Deployment" && (o.GetName() == chartDeploymentNames[0] || o.GetLabels()["app.kubernetes.io/part-of"] == kedaPartOf):
			return true
		}
	}
	return false
}
