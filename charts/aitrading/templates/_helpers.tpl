{{/* Names, labels and the pieces every pod of the chart shares. */}}

{{- define "aitrading.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or the release name alone when it already holds the chart name; 40 characters leave room for
     the component suffixes within the 63 of a label value. */}}
{{- define "aitrading.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "aitrading.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "silo-cpu"). */}}
{{- define "aitrading.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aitrading.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "aitrading.labels" -}}
helm.sh/chart: {{ include "aitrading.chart" .root }}
{{ include "aitrading.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: aitrading
{{- end -}}

{{/* The labels Orleans' Kubernetes hosting reads through the Downward API and selects the cluster's pods by. */}}
{{- define "aitrading.orleansLabels" -}}
orleans/serviceId: {{ .Values.orleans.serviceId | quote }}
orleans/clusterId: {{ .Values.orleans.clusterId | quote }}
{{- end -}}

{{- define "aitrading.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aitrading.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "aitrading.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "aitrading.gatewayService" -}}
{{- printf "%s-gateway" (include "aitrading.fullname" .) -}}
{{- end -}}

{{/* The restricted pod security standard: non-root user 10001 (the images' user), no privilege escalation, no
     capabilities, a read-only root file system (writes go to the /tmp emptyDir) and the runtime's seccomp profile. */}}
{{- define "aitrading.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "aitrading.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The connection string from the existing Secret. */}}
{{- define "aitrading.postgresEnv" -}}
- name: AITRADING__ConnectionStrings__Postgres
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: {{ .Values.postgres.connectionStringKey }}
{{- end -}}

{{/* Probes of a process serving /healthz and /readyz on the named port: a startup probe allowing five minutes
     (joining a cluster, loading models), then liveness on /healthz and readiness on /readyz. */}}
{{- define "aitrading.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: {{ . }}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ . }}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ . }}
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* A silo Deployment (CPU or GPU pool): call with (dict "root" $ "component" "silo-cpu" "pool" .Values.silo "gpu" false). */}}
{{- define "aitrading.siloDeployment" -}}
{{- $root := .root -}}
{{- $pool := .pool -}}
{{- $name := printf "%s-%s" (include "aitrading.fullname" $root) .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "aitrading.labels" . | nindent 4 }}
spec:
  {{- if not $root.Values.keda.enabled }}
  replicas: {{ $pool.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "aitrading.selectorLabels" . | nindent 6 }}
  # Never two silos down at once: a new silo joins before an old one leaves.
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "aitrading.selectorLabels" . | nindent 8 }}
        {{- include "aitrading.orleansLabels" $root | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        prometheus.io/scrape: "true"
        prometheus.io/port: "8080"
        prometheus.io/path: /metrics
        {{- with $pool.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "aitrading.serviceAccountName" $root }}
      automountServiceAccountToken: true
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "aitrading.podSecurityContext" $root | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $pool.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $pool.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $pool.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: silo
          image: {{ include "aitrading.image" (dict "root" $root "image" $pool.image) }}
          imagePullPolicy: {{ $pool.image.pullPolicy }}
          ports:
            - name: silo
              containerPort: 11111
              protocol: TCP
            - name: orleans-gw
              containerPort: 30000
              protocol: TCP
            - name: http
              containerPort: 8080
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "aitrading.fullname" $root }}
          env:
            # The Downward API fields Orleans' Kubernetes hosting reads.
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: ORLEANS_SERVICE_ID
              valueFrom:
                fieldRef:
                  fieldPath: metadata.labels['orleans/serviceId']
            - name: ORLEANS_CLUSTER_ID
              valueFrom:
                fieldRef:
                  fieldPath: metadata.labels['orleans/clusterId']
            - name: AITRADING__Silo__SiloPort
              value: "11111"
            - name: AITRADING__Silo__GatewayPort
              value: "30000"
            - name: AITRADING__Silo__HttpPort
              value: "8080"
            - name: AITRADING__Silo__Feed
              value: {{ $root.Values.silo.feed | quote }}
            {{- if .gpu }}
            - name: AITRADING__Models__Gpu
              value: "true"
            {{- else if $root.Values.gpuSilo.enabled }}
            - name: AITRADING__Models__WithoutGpu
              value: {{ $root.Values.gpuSilo.withoutGpu | quote }}
            {{- end }}
            {{- include "aitrading.postgresEnv" $root | nindent 12 }}
            {{- range $venue, $terminal := $root.Values.mt5.terminals }}
            - name: AITRADING__Trading__Mt5Terminals__{{ $venue }}__Token
              valueFrom:
                secretKeyRef:
                  name: {{ $root.Values.existingSecret }}
                  key: {{ $terminal.tokenKey }}
            {{- end }}
          {{- include "aitrading.probes" "http" | nindent 10 }}
          resources:
            {{- if .gpu }}
            {{- $gpus := dict "nvidia.com/gpu" $pool.gpusPerPod }}
            requests:
              {{- toYaml (merge (dict) (default (dict) $pool.resources.requests) $gpus) | nindent 14 }}
            limits:
              {{- toYaml (merge (dict) (default (dict) $pool.resources.limits) $gpus) | nindent 14 }}
            {{- else }}
            {{- toYaml $pool.resources | nindent 12 }}
            {{- end }}
          securityContext:
            {{- include "aitrading.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $pool.tmpSizeLimit | default "4Gi" }}
{{- end -}}

{{/* A PodDisruptionBudget of at most one pod away: call with (dict "root" $ "component" "silo-cpu"). */}}
{{- define "aitrading.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "aitrading.fullname" .root }}-{{ .component }}
  labels:
    {{- include "aitrading.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "aitrading.selectorLabels" . | nindent 6 }}
{{- end -}}
