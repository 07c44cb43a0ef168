#!/usr/bin/env bash
# The console client (kafkapipeline.client.Main) as ./pipeline client runs it; the image's
# `client` service runs this with --silo http://silo:8080 before the command.
set -euo pipefail
home=${PIPELINE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
lib=$home/client/target
jar=$(ls "$lib"/client-*.jar 2>/dev/null | head -n 1) || jar=
[ -n "$jar" ] || { echo "client: no built client under $lib (build: ./mvnw package -DskipTests)" >&2; exit 2; }
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx128m -cp "$jar:$(cat "$lib/classpath.txt")" kafkapipeline.client.Main "$@"
