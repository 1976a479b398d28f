{{/* Names, labels and the shared pieces every template uses. */}}

{{- define "flotilla.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-flotilla, or the release name alone when it already says flotilla. */}}
{{- define "flotilla.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "flotilla.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flotilla.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* Standard labels without a component, for objects that are not part of the operator itself. */}}
{{- define "flotilla.commonLabels" -}}
helm.sh/chart: {{ include "flotilla.chart" . }}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flotilla
{{- end -}}

{{- define "flotilla.labels" -}}
{{ include "flotilla.commonLabels" . }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "flotilla.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flotilla.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Service in front of the operator's metrics and health ports; also the Prometheus job name. */}}
{{- define "flotilla.metricsServiceName" -}}
{{- printf "%s-metrics" (include "flotilla.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flotilla.image" -}}
{{- printf "%s:%s" .repository (default .defaultTag .tag) -}}
{{- end -}}

{{- define "flotilla.operatorImage" -}}
{{- include "flotilla.image" (dict "repository" .Values.image.repository "tag" .Values.image.tag "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{- define "flotilla.gatewayImage" -}}
{{- include "flotilla.image" (dict "repository" .Values.gateway.image.repository "tag" .Values.gateway.image.tag "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{/* files/operator-rbac.yaml parsed; a broken file stops rendering with the parser's message. */}}
{{- define "flotilla.rbacFile" -}}
{{- $file := .Files.Get "files/operator-rbac.yaml" | fromYaml -}}
{{- if or (not $file) (hasKey $file "Error") -}}
{{- fail (printf "files/operator-rbac.yaml: %v" (default "missing or empty" (get $file "Error"))) -}}
{{- end -}}
{{- toYaml $file -}}
{{- end -}}

{{- define "flotilla.leaseName" -}}
{{- (include "flotilla.rbacFile" . | fromYaml).leaseName -}}
{{- end -}}

{{/*
RBAC rules from files/operator-rbac.yaml, RBAC fields only.
Usage: include "flotilla.rbacRules" (dict "root" $ "sections" (list "namespaced" "clusterScoped"))
*/}}
{{- define "flotilla.rbacRules" -}}
{{- $file := include "flotilla.rbacFile" .root | fromYaml -}}
{{- range $section := .sections -}}
{{- range $rule := index $file $section }}
- apiGroups: {{ toJson $rule.apiGroups }}
  resources: {{ toJson $rule.resources }}
  {{- with $rule.resourceNames }}
  resourceNames: {{ toJson . }}
  {{- end }}
  verbs: {{ toJson $rule.verbs }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The PromQL label matchers that select the operator's own scrape targets (the ServiceMonitor's job). */}}
{{- define "flotilla.operatorSelector" -}}
job="{{ include "flotilla.metricsServiceName" . }}",namespace="{{ .Release.Namespace }}"
{{- end -}}

{{/* The Prometheus label naming the Gateway a gateway pod serves (the PodMonitor copies it from the pod). */}}
{{- define "flotilla.gatewayLabel" -}}
flotilla_gateway
{{- end -}}

{{/* runbook_url annotation line when monitoring.runbookUrlBase is set (anchors as docs/operations.md renders them). */}}
{{- define "flotilla.runbook" -}}
{{- with .root.Values.monitoring.runbookUrlBase -}}
runbook_url: {{ printf "%s#%s" . (lower $.alert) | quote }}
{{- end -}}
{{- end -}}
