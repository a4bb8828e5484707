{{- define "features.say" -}}
say-{{ . }}
{{- end -}}
