# Sourced by start.sh and ctl.sh: the broker's JVM command and how a broker is launched on a state dir.
# Needs $here (this directory) and $lib (the jars).

# Tests favour a fast start (C1 only, small heap); benchmarks set SKEIN_KAFKA_JVM_OPTS for a warmed-up broker.
read -r -a tuning <<<"${SKEIN_KAFKA_JVM_OPTS:--Xms128m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
jvm=(java "${tuning[@]}" -XX:+ExitOnOutOfMemoryError
     -XX:-UsePerfData -Djava.awt.headless=true -Dlog4j.configuration="file:$here/log4j.properties"
     -cp "$lib/*")

# launch_broker <state dir> <run record>: starts kafka.Kafka on the state's server.properties in the
# background, records its pid in <state>/broker.pid and sets $pid. With SKEIN_KAFKA_OWNER_PID set, a watchdog
# kills the broker when that process dies. The watchdog must not hold our stdout, or whoever reads it would
# wait for the watchdog to exit. If the broker ends first, its owner is alive and will run stop.sh (or
# ctl.sh start); if the owner ends first, nobody else will clean up.
launch_broker() {
  local state="$1" rec="$2"
  "${jvm[@]}" kafka.Kafka "$state/server.properties" >>"$state/broker.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$state/broker.pid"
  if [ -n "${SKEIN_KAFKA_OWNER_PID:-}" ]; then
    nohup bash -c '
      while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done
      if ! kill -0 "$1" 2>/dev/null; then kill -9 "$2" 2>/dev/null; rm -rf "$3"; rm -f "$4"; fi
    ' watchdog "$SKEIN_KAFKA_OWNER_PID" "$pid" "$state" "$rec" >/dev/null 2>&1 </dev/null &
  fi
}
