#!/usr/bin/env bash
# Real services for kohort's pipelines and tests, from Maven Central jars and the machine's JDK 17:
#   a single-node Kafka 3.9.1 broker (KRaft) on 127.0.0.1:9092, and
#   HDFS 3.4.2 (NameNode + one DataNode, WebHDFS) on 127.0.0.1:9870 (RPC 8020).
#
#   scripts/services.sh up [kafka|hdfs]      start (or keep) them; waits until really ready
#   scripts/services.sh down [kafka|hdfs]    stop them (data kept)
#   scripts/services.sh restart [kafka|hdfs]
#   scripts/services.sh reset [kafka|hdfs]   stop and delete their data
#   scripts/services.sh status               what runs, where, with how much memory
#   scripts/services.sh env                  `export KAFKA_BROKERS=… WEBHDFS_URL=…` lines
#   scripts/services.sh fetch                only resolve the jars
#
# Jars: .cache/services/lib/{kafka,hdfs}/ (and ~/.m2). State (pid files, logs, data):
# $KOHORT_SERVICES_HOME, default .cache/services/run. Ports: $KOHORT_KAFKA_PORT (9092),
# $KOHORT_KAFKA_CONTROLLER_PORT (9093), $KOHORT_HDFS_HTTP_PORT (9870), $KOHORT_HDFS_RPC_PORT (8020),
# so a test can run a second, private pair beside the shared one.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="$repo/.cache/services"
home="${KOHORT_SERVICES_HOME:-$cache/run}"
case "$home" in /*) ;; *) home="$repo/$home" ;; esac
kafka_port="${KOHORT_KAFKA_PORT:-9092}"
controller_port="${KOHORT_KAFKA_CONTROLLER_PORT:-9093}"
hdfs_http_port="${KOHORT_HDFS_HTTP_PORT:-9870}"
hdfs_rpc_port="${KOHORT_HDFS_RPC_PORT:-8020}"
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

say() { echo "services: $*" >&2; }
die() { say "$*"; exit 1; }

need_java() {
  command -v java >/dev/null || die "java not found: install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Maven (e.g. apt-get install maven)"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Resolves one service's jars into .cache/services/lib/<name>/ once; the pom's checksum marks it done.
fetch() {
  local name="$1" pom="$repo/services/$1/pom.xml" lib="$cache/lib/$1"
  local sum; sum="$(sha256sum "$pom" | cut -c1-16)"
  if [ -f "$lib/.resolved-$sum" ]; then return; fi
  need_java
  local t0; t0="$(now)"
  say "$name: resolving jars with Maven…"
  rm -rf "$lib" && mkdir -p "$lib"
  if ! mvn -q -B -f "$pom" "$dependency_plugin:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$lib" >"$cache/mvn-$name.log" 2>&1; then
    tail -20 "$cache/mvn-$name.log" >&2
    die "$name: Maven could not resolve the jars (log: $cache/mvn-$name.log)"
  fi
  touch "$lib/.resolved-$sum"
  say "$name: $(du -sh "$lib" | cut -f1) of jars in $(since "$t0") s"
}

pid_of() { local f="$home/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits for a readiness probe (services/ready.mjs) while the process lives; prints its log if it dies.
wait_ready() {
  local name="$1" pid="$2" seconds="$3"; shift 3
  local deadline=$(( $(date +%s) + seconds ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -30 "$home/$name.log" >&2
      rm -f "$home/$name.pid"
      die "$name exited during startup (log: $home/$name.log)"
    fi
    if node "$repo/services/ready.mjs" "$@" 2>"$home/$name.ready.err"; then return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      cat "$home/$name.ready.err" >&2
      die "$name not ready after ${seconds}s (log: $home/$name.log)"
    fi
    sleep 0.5
  done
}

rss_mb() { awk '/VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

start_kafka() {
  local pid; if pid="$(pid_of kafka)"; then say "kafka already running (pid $pid) on 127.0.0.1:$kafka_port"; return; fi
  port_busy "$kafka_port" && die "kafka: 127.0.0.1:$kafka_port is taken by another process (not started by this script)"
  fetch kafka
  need_java
  local dir="$home/kafka" cp="$cache/lib/kafka/*"
  local log4j="-Dlog4j.configuration=file:$repo/services/log4j.properties"
  mkdir -p "$dir"
  sed -e "s/127.0.0.1:9092/127.0.0.1:$kafka_port/g" -e "s/127.0.0.1:9093/127.0.0.1:$controller_port/g" \
    "$repo/services/kafka/server.properties" >"$dir/server.properties"
  echo "log.dirs=$dir/data" >>"$dir/server.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id="$(java -cp "$cp" -Dlog4j.configuration="file:$repo/services/log4j-quiet.properties" kafka.tools.StorageTool random-uuid)"
    java -cp "$cp" -Dlog4j.configuration="file:$repo/services/log4j-quiet.properties" \
      kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" -g >/dev/null
  fi
  local t0; t0="$(now)"
  # setsid: its own session, so a test runner's Ctrl-C or exit does not take it down mid-test.
  setsid java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true "$log4j" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >"$home/kafka.log" 2>&1 </dev/null 9>&- &
  echo $! >"$home/kafka.pid"
  wait_ready kafka "$!" 90 kafka "127.0.0.1:$kafka_port"
  say "kafka ready in $(since "$t0") s: KAFKA_BROKERS=127.0.0.1:$kafka_port ($(rss_mb "$(cat "$home/kafka.pid")"))"
}

# JDK 17 closes the JDK's internals that Hadoop reflects on; open them (ignored by older JDKs).
hadoop_opens() {
  local p
  for p in java.io java.lang java.lang.reflect java.math java.net java.nio java.text java.util \
    java.util.concurrent java.util.zip sun.nio.ch sun.security.util sun.security.x509; do
    printf -- '--add-opens=java.base/%s=ALL-UNNAMED ' "$p"
  done
}

start_hdfs() {
  local pid; if pid="$(pid_of hdfs)"; then say "hdfs already running (pid $pid) on http://127.0.0.1:$hdfs_http_port"; return; fi
  port_busy "$hdfs_http_port" && die "hdfs: 127.0.0.1:$hdfs_http_port is taken by another process (not started by this script)"
  port_busy "$hdfs_rpc_port" && die "hdfs: 127.0.0.1:$hdfs_rpc_port is taken by another process (not started by this script)"
  fetch hdfs
  need_java
  local dir="$home/hdfs" format=()
  mkdir -p "$dir"
  # Format only a new cluster: a restart keeps the files (the tests restart HDFS under a lander).
  [ -d "$dir/data/name-0-1/current" ] || format=(-format)
  rm -f "$dir/ready.xml"
  local t0; t0="$(now)"
  # shellcheck disable=SC2046
  setsid java -Xmx1g -XX:+IgnoreUnrecognizedVMOptions $(hadoop_opens) -Djava.net.preferIPv4Stack=true \
    -Dlog4j.configuration="file:$repo/services/log4j.properties" -cp "$cache/lib/hdfs/*" \
    org.apache.hadoop.test.MiniDFSClusterManager "${format[@]}" -nnport "$hdfs_rpc_port" -httpport "$hdfs_http_port" \
    -datanodes 1 -writeConfig "$dir/ready.xml" \
    -D "hdfs.minidfs.basedir=$dir/data" -D dfs.permissions.enabled=false -D dfs.replication=1 \
    -D dfs.namenode.safemode.extension=0 -D dfs.client.block.write.replace-datanode-on-failure.enable=false \
    >"$home/hdfs.log" 2>&1 </dev/null 9>&- &
  echo $! >"$home/hdfs.pid"
  wait_ready hdfs "$!" 120 hdfs "http://127.0.0.1:$hdfs_http_port"
  say "hdfs ready in $(since "$t0") s: WEBHDFS_URL=http://127.0.0.1:$hdfs_http_port ($(rss_mb "$(cat "$home/hdfs.pid")"))"
}

stop_one() {
  local name="$1" pid
  if ! pid="$(pid_of "$name")"; then rm -f "$home/$name.pid"; say "$name not running"; return; fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; say "$name: killed (no clean stop in 15 s)"; fi
  rm -f "$home/$name.pid"
  say "$name stopped"
}

which_ones() { if [ -n "${1:-}" ]; then case "$1" in kafka | hdfs) echo "$1" ;; *) die "unknown service \`$1\` (kafka or hdfs)" ;; esac; else echo kafka hdfs; fi; }

mkdir -p "$home"
command="${1:-status}"
shift || true
# One script run at a time per state folder (parallel test files may all ask for `up`).
case "$command" in
  up | start | down | stop | restart | reset) exec 9>"$home/.lock"; flock 9 ;;
esac
case "$command" in
  fetch) for s in $(which_ones "${1:-}"); do fetch "$s"; done ;;
  up | start) for s in $(which_ones "${1:-}"); do "start_$s"; done ;;
  down | stop) for s in $(which_ones "${1:-}"); do stop_one "$s"; done ;;
  restart) for s in $(which_ones "${1:-}"); do stop_one "$s"; "start_$s"; done ;;
  reset) for s in $(which_ones "${1:-}"); do stop_one "$s"; rm -rf "${home:?}/$s"; say "$s data deleted"; done ;;
  status)
    for s in kafka hdfs; do
      if pid="$(pid_of "$s")"; then
        where="127.0.0.1:$kafka_port"; [ "$s" = hdfs ] && where="http://127.0.0.1:$hdfs_http_port"
        echo "$s: running, pid $pid, $where, $(rss_mb "$pid"), log $home/$s.log"
      else
        echo "$s: stopped"
      fi
    done ;;
  env)
    echo "export KAFKA_BROKERS=127.0.0.1:$kafka_port"
    echo "export WEBHDFS_URL=http://127.0.0.1:$hdfs_http_port" ;;
  *) die "usage: scripts/services.sh up|down|restart|reset|status|env|fetch [kafka|hdfs]" ;;
esac
