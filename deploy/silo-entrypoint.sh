#!/usr/bin/env bash
# Runs one silo the way ./pipeline's launcher does: java -cp <silo jar>:<its dependencies>
# kafkapipeline.silo.Main, configured only through environment variables (README.md, "Run with
# Docker"). The container image runs this script; so does ContainerContractTest, from a built
# checkout.
#
#   silo-entrypoint.sh          run the silo in the foreground (exec: signals reach the JVM)
#   silo-entrypoint.sh health   exit 0 if this silo's GET /api/health answers 200, else 1
#
# The script's own variables (the silo reads the rest):
#   SILO_HOST=auto   advertise this host's first address (a container's IP), for replicas that
#                    share one configuration; unset keeps the silo's default, 127.0.0.1
#   SILO_HEAP        JVM heap (default 384m, as the launcher gives a silo)
#   JAVA_OPTS        more JVM options, appended
#   PIPELINE_HOME    the folder holding silo/target/ (default: the one above this script)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${PIPELINE_HOME:-$(dirname "$here")}

health() {
  # No curl in a JRE image: a plain HTTP/1.0 request over bash's /dev/tcp.
  local host=${HTTP_HOST:-127.0.0.1} port=${HTTP_PORT:-8080} status
  case "$host" in 0.0.0.0 | "::" | "") host=127.0.0.1 ;; esac
  { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 1
  printf 'GET /api/health HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
  IFS= read -r -t 5 status <&3 || return 1
  exec 3<&-
  case "$status" in "HTTP/1."?" 200"*) return 0 ;; *) return 1 ;; esac
}

if [ "${1:-}" = health ]; then
  health
  exit $?
fi

if [ "${SILO_HOST:-}" = auto ]; then
  addr=$(hostname -i 2>/dev/null | awk '{print $1}') || addr=
  [ -n "$addr" ] || addr=$(awk -v h="$(cat /proc/sys/kernel/hostname)" '$2 == h {print $1; exit}' /etc/hosts)
  [ -n "$addr" ] || { echo "silo-entrypoint: SILO_HOST=auto but this host's address was not found" >&2; exit 2; }
  export SILO_HOST=$addr
fi

target=$home/silo/target
jar=$(ls "$target"/silo-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-tests\.jar$' | head -n 1) || jar=
if [ -z "$jar" ] || [ ! -f "$target/classpath.txt" ]; then
  echo "silo-entrypoint: no built silo under $target (build: ./mvnw package -DskipTests)" >&2
  exit 2
fi

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA" "-Xmx${SILO_HEAP:-384m}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} \
  -cp "$jar:$(cat "$target/classpath.txt")" kafkapipeline.silo.Main "$@"
