#!/bin/sh
# Writes server.properties and starts the broker in the foreground, logging to stdout.
# Configured like the apache/kafka image: every KAFKA_FOO_BAR variable becomes foo.bar (so
# infra/docker-compose.yml's settings apply as they are), over the defaults of a single node.
set -eu
DATA=/var/lib/kafka
CONFIG=$DATA/server.properties
cat >"$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=PLAINTEXT://:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
# Later lines win in a Java properties file.
env | grep '^KAFKA_' | grep -v '^KAFKA_HEAP_OPTS=' | while IFS='=' read -r name value; do
  printf '%s=%s\n' "$(printf '%s' "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')" "$value"
done >>"$CONFIG"
cat >"$DATA/log4j.properties" <<LOG4J
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG4J
# Start-up time over peak throughput, as localinfra.kafka does: C1 only, serial GC.
set -- java -cp '/opt/kafka/libs/*' ${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "-Dlog4j.configuration=file:$DATA/log4j.properties"
if [ ! -e "$DATA/data/meta.properties" ]; then
  # The tool logs to stdout too: its answer is the last line.
  cluster_id=$("$@" kafka.tools.StorageTool random-uuid | tail -n 1)
  "$@" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG"
fi
exec "$@" kafka.Kafka "$CONFIG"
