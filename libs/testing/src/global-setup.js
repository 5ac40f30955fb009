// Placeholder: replaced by the Kafka/Postgres harness.
module.exports = async () => {};
