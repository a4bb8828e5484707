// Renders a Helm chart the way Helm's template engine does, for machines without helm: Go's text/template with the
// Sprig functions (less env/expandenv, as in Helm) plus Helm's own functions, values coalesced like helm's -f files,
// the values checked against values.schema.json with the JSON-schema library Helm 3 uses, and the built-in objects
// (.Values, .Release, .Chart, .Capabilities, .Files, .Template). Also validates a custom resource against the
// OpenAPI schema of its CRD, the way the API server's strict field validation refuses unknown fields.
//
// Build (offline, Debian packages): GO111MODULE=off GOPATH=/usr/share/gocode go build -o renderer .
//
//	renderer render --chart DIR [--name N] [--namespace NS] [--upgrade] [--kube-version v1.31.0]
//	                [--api-versions g/v,...] [--notes] [-f values.yaml]...
//	renderer validate-crd --crd FILE.yaml < object.yaml
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	if len(os.Args) < 2 {
		fail("usage: renderer render|validate-crd ...")
	}
	var err error
	switch os.Args[1] {
	case "render":
		err = render(os.Args[2:])
	case "validate-crd":
		err = validateCrd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "Error: "+message)
	os.Exit(1)
}

// ---- render ----

func render(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	chartDir := fs.String("chart", "", "chart directory")
	name := fs.String("name", "aitrading", "release name")
	namespace := fs.String("namespace", "default", "release namespace")
	upgrade := fs.Bool("upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	kubeVersion := fs.String("kube-version", "v1.31.0", "Kubernetes version for .Capabilities")
	apiVersions := fs.String("api-versions", "", "extra API versions for .Capabilities.APIVersions, comma separated")
	notes := fs.Bool("notes", false, "print the rendered NOTES.txt instead of the manifests")
	var files valueFiles
	fs.Var(&files, "f", "values file (repeatable, later files win)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *chartDir == "" {
		return errors.New("--chart is required")
	}

	meta, err := readChart(*chartDir)
	if err != nil {
		return err
	}
	if constraint, _ := meta["KubeVersion"].(string); constraint != "" {
		c, err := semver.NewConstraint(constraint)
		if err != nil {
			return fmt.Errorf("Chart.yaml: kubeVersion %q: %v", constraint, err)
		}
		v, err := semver.NewVersion(*kubeVersion)
		if err != nil {
			return fmt.Errorf("--kube-version %q: %v", *kubeVersion, err)
		}
		if !c.Check(v) {
			return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", constraint, *kubeVersion)
		}
	}
	values, err := readValues(filepath.Join(*chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		user, err := readValues(f)
		if err != nil {
			return err
		}
		values = coalesce(user, values)
	}
	if err := validateValues(*chartDir, meta["Name"].(string), values); err != nil {
		return err
	}

	revision := 1
	if *upgrade {
		revision = 2
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": *name, "Namespace": *namespace, "Service": "Helm",
			"IsInstall": !*upgrade, "IsUpgrade": *upgrade, "Revision": revision,
		},
		"Chart":        meta,
		"Capabilities": capabilities(*kubeVersion, *apiVersions),
		"Files":        chartFiles{dir: *chartDir},
	}

	rendered, err := renderTemplates(*chartDir, meta["Name"].(string), top)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)

	out := &bytes.Buffer{}
	for _, n := range names {
		isNotes := strings.HasSuffix(n, "/NOTES.txt")
		if isNotes != *notes {
			continue
		}
		content := rendered[n]
		if isNotes {
			out.WriteString(content)
			continue
		}
		for _, doc := range splitManifests(content) {
			var parsed map[string]interface{}
			if err := yaml.Unmarshal([]byte(doc), &parsed); err != nil {
				return fmt.Errorf("YAML parse error on %s: %v", n, err)
			}
			if parsed == nil {
				continue
			}
			fmt.Fprintf(out, "---\n# Source: %s\n%s\n", n, doc)
		}
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

var separator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// Helm's releaseutil.SplitManifests: documents split on '---' lines, blank ones dropped.
func splitManifests(content string) []string {
	var docs []string
	for _, d := range separator.Split(content, -1) {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, strings.TrimSpace(d))
		}
	}
	return docs
}

// Helm's chart.Metadata, exposed to templates under its Go field names.
func readChart(dir string) (map[string]interface{}, error) {
	data, err := ioutil.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	var raw map[string]interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %v", err)
	}
	names := map[string]string{
		"name": "Name", "home": "Home", "sources": "Sources", "version": "Version", "description": "Description",
		"keywords": "Keywords", "maintainers": "Maintainers", "icon": "Icon", "apiVersion": "APIVersion",
		"condition": "Condition", "tags": "Tags", "appVersion": "AppVersion", "deprecated": "Deprecated",
		"annotations": "Annotations", "kubeVersion": "KubeVersion", "dependencies": "Dependencies", "type": "Type",
	}
	meta := map[string]interface{}{}
	for _, field := range names {
		meta[field] = nil
	}
	for key, value := range raw {
		field, ok := names[key]
		if !ok {
			return nil, fmt.Errorf("Chart.yaml: unknown field %q", key)
		}
		meta[field] = value
	}
	for _, required := range []string{"APIVersion", "Name", "Version"} {
		if s, _ := meta[required].(string); s == "" {
			return nil, fmt.Errorf("Chart.yaml: %s is required", required)
		}
	}
	if meta["APIVersion"] != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2, not %v", meta["APIVersion"])
	}
	return meta, nil
}

// Values are read as Helm reads them (YAML through JSON: numbers become float64).
func readValues(file string) (map[string]interface{}, error) {
	data, err := ioutil.ReadFile(file)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if values == nil {
		values = map[string]interface{}{}
	}
	return values, nil
}

// Helm's coalescing: the user's maps merge into the defaults key by key, anything else replaces, and a null in the
// user's values deletes the default.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	result := map[string]interface{}{}
	for k, v := range defaults {
		result[k] = v
	}
	for k, v := range user {
		if v == nil {
			delete(result, k)
			continue
		}
		um, uIsMap := v.(map[string]interface{})
		dm, dIsMap := result[k].(map[string]interface{})
		if uIsMap && dIsMap {
			result[k] = coalesce(um, dm)
		} else {
			result[k] = v
		}
	}
	return result
}

func validateValues(dir, chartName string, values map[string]interface{}) error {
	schemaFile := filepath.Join(dir, "values.schema.json")
	schema, err := ioutil.ReadFile(schemaFile)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewGoLoader(values))
	if err != nil {
		return fmt.Errorf("values.schema.json: %v", err)
	}
	if result.Valid() {
		return nil
	}
	var lines []string
	for _, e := range result.Errors() {
		lines = append(lines, "- "+e.String())
	}
	sort.Strings(lines)
	return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n%s",
		chartName, strings.Join(lines, "\n"))
}

type versionSet []string

func (v versionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

func capabilities(kubeVersion, extra string) map[string]interface{} {
	v := strings.TrimPrefix(kubeVersion, "v")
	parts := strings.SplitN(v, ".", 3)
	major, minor := parts[0], ""
	if len(parts) > 1 {
		minor = parts[1]
	}
	// The built-in group versions of a current API server, as helm template assumes without a cluster.
	versions := versionSet{"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v1", "autoscaling/v2",
		"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "scheduling.k8s.io/v1",
		"coordination.k8s.io/v1", "discovery.k8s.io/v1", "apiextensions.k8s.io/v1", "admissionregistration.k8s.io/v1",
		"apps/v1/Deployment", "v1/Service", "v1/ConfigMap", "v1/Secret", "v1/ServiceAccount", "batch/v1/Job",
		"policy/v1/PodDisruptionBudget", "networking.k8s.io/v1/Ingress"}
	for _, e := range strings.Split(extra, ",") {
		if e = strings.TrimSpace(e); e != "" {
			versions = append(versions, e)
		}
	}
	return map[string]interface{}{
		"KubeVersion": map[string]interface{}{
			"Version": "v" + v, "Major": major, "Minor": minor, "GitVersion": "v" + v,
		},
		"APIVersions": versions,
		"HelmVersion": map[string]interface{}{"Version": "v3.16.0"},
	}
}

// Helm's .Files: the chart's files other than Chart.yaml, values, the schema and templates.
type chartFiles struct{ dir string }

func (f chartFiles) path(name string) (string, bool) {
	clean := path.Clean("/" + name)[1:]
	if clean == "Chart.yaml" || clean == "values.yaml" || clean == "values.schema.json" ||
		strings.HasPrefix(clean, "templates/") || strings.HasPrefix(clean, "charts/") {
		return "", false
	}
	return filepath.Join(f.dir, filepath.FromSlash(clean)), true
}

func (f chartFiles) GetBytes(name string) []byte {
	p, ok := f.path(name)
	if !ok {
		return []byte{}
	}
	data, err := ioutil.ReadFile(p)
	if err != nil {
		return []byte{}
	}
	return data
}

func (f chartFiles) Get(name string) string { return string(f.GetBytes(name)) }

func (f chartFiles) Lines(name string) []string {
	s := f.Get(name)
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

func renderTemplates(dir, chartName string, top map[string]interface{}) (map[string]string, error) {
	templatesDir := filepath.Join(dir, "templates")
	var names []string
	sources := map[string]string{}
	err := filepath.Walk(templatesDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := path.Join(chartName, filepath.ToSlash(rel))
		data, err := ioutil.ReadFile(p)
		if err != nil {
			return err
		}
		names = append(names, name)
		sources[name] = string(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)

	root := template.New("gotpl").Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, n := range names {
		if _, err := root.New(n).Parse(sources[n]); err != nil {
			return nil, fmt.Errorf("parse error in %s: %v", n, err)
		}
	}

	rendered := map[string]string{}
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue // partials
		}
		scope := map[string]interface{}{}
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = map[string]interface{}{"Name": n, "BasePath": path.Join(chartName, "templates")}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, n, scope); err != nil {
			return nil, fmt.Errorf("render error in %s: %v", n, err)
		}
		rendered[n] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")

	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["mustToYaml"] = func(v interface{}) (string, error) {
		data, err := yaml.Marshal(v)
		return strings.TrimSuffix(string(data), "\n"), err
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["mustToJson"] = func(v interface{}) (string, error) {
		data, err := json.Marshal(v)
		return string(data), err
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromJsonArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, scope interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		name := "tpl"
		if m, ok := scope.(map[string]interface{}); ok {
			if t, ok := m["Template"].(map[string]interface{}); ok {
				name, _ = t["Name"].(string)
			}
		}
		t, err := clone.New(name).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %v", text, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, scope); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %v", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(message string, v interface{}) (interface{}, error) {
		if v == nil {
			return v, errors.New(message)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(message)
		}
		return v, nil
	}
	f["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	// Without a cluster helm template's lookup finds nothing.
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}

// ---- validate-crd ----

func validateCrd(args []string) error {
	fs := flag.NewFlagSet("validate-crd", flag.ContinueOnError)
	crdFile := fs.String("crd", "", "CRD YAML file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	crdData, err := ioutil.ReadFile(*crdFile)
	if err != nil {
		return err
	}
	var crd map[string]interface{}
	if err := yaml.Unmarshal(crdData, &crd); err != nil {
		return fmt.Errorf("%s: %v", *crdFile, err)
	}
	objectData, err := ioutil.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	var object map[string]interface{}
	if err := yaml.Unmarshal(objectData, &object); err != nil {
		return fmt.Errorf("object: %v", err)
	}

	spec, _ := crd["spec"].(map[string]interface{})
	group, _ := spec["group"].(string)
	kind, _ := dig(spec, "names", "kind").(string)
	if object["kind"] != kind {
		return fmt.Errorf("object kind %v is not the CRD's kind %s", object["kind"], kind)
	}
	apiVersion, _ := object["apiVersion"].(string)
	var schema map[string]interface{}
	versions, _ := spec["versions"].([]interface{})
	for _, v := range versions {
		version, _ := v.(map[string]interface{})
		if group+"/"+fmt.Sprint(version["name"]) == apiVersion && version["served"] == true {
			schema, _ = dig(version, "schema", "openAPIV3Schema").(map[string]interface{})
		}
	}
	if schema == nil {
		return fmt.Errorf("the CRD serves no version %s", apiVersion)
	}
	structural(schema)
	result, err := gojsonschema.Validate(gojsonschema.NewGoLoader(schema), gojsonschema.NewGoLoader(object))
	if err != nil {
		return err
	}
	if !result.Valid() {
		var lines []string
		for _, e := range result.Errors() {
			lines = append(lines, "- "+e.String())
		}
		sort.Strings(lines)
		return fmt.Errorf("%s does not match the CRD schema:\n%s", kind, strings.Join(lines, "\n"))
	}
	return nil
}

func dig(m map[string]interface{}, keys ...string) interface{} {
	var cur interface{} = m
	for _, k := range keys {
		cm, ok := cur.(map[string]interface{})
		if !ok {
			return nil
		}
		cur = cm[k]
	}
	return cur
}

// A CRD's structural schema read as JSON schema: an object with declared properties admits no others (the API
// server's strict field validation) unless it preserves unknown fields, and nullable admits null.
func structural(s map[string]interface{}) {
	if props, ok := s["properties"].(map[string]interface{}); ok {
		if _, has := s["additionalProperties"]; !has && s["x-kubernetes-preserve-unknown-fields"] != true {
			s["additionalProperties"] = false
		}
		for _, p := range props {
			if pm, ok := p.(map[string]interface{}); ok {
				structural(pm)
			}
		}
	}
	if s["nullable"] == true {
		if t, ok := s["type"].(string); ok {
			s["type"] = []interface{}{t, "null"}
		}
	}
	for _, key := range []string{"items", "additionalProperties"} {
		if sub, ok := s[key].(map[string]interface{}); ok {
			structural(sub)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[key].([]interface{}); ok {
			for _, sub := range list {
				if sm, ok := sub.(map[string]interface{}); ok {
					structural(sm)
				}
			}
		}
	}
}
