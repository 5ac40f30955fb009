/** Turns startup failures into the one line an operator needs (no stack traces for configuration errors). */
export function describeStartupError(e: any, what: Record<string, string> = {}): string {
  const code = e?.code ?? e?.errno;
  if (code === 'EADDRINUSE') {
    const port = e.port ?? /:(\d+)$/.exec(String(e.address ?? ''))?.[1] ?? '?';
    const flag = what[String(port)] ? ` (${what[String(port)]})` : '';
    return `port ${port} is already in use${flag}; pick another with the flag or stop the other process`;
  }
  if (code === 'EACCES') return `permission denied: ${e.message}`;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN') {
    return `cannot reach the database: ${e.message}`;
  }
  if (code === '3D000' || code === '28P01' || code === '28000')
    return `database rejected the connection: ${e.message}`;
  if (String(e?.message ?? '').includes('timeout exceeded when trying to connect'))
    return `cannot reach the database: connection timed out`;
  if (
    e?.name === 'KafkaJSConnectionError' ||
    e?.name === 'KafkaJSNumberOfRetriesExceeded' ||
    e?.name === 'KafkaJSNonRetriableError'
  ) {
    return `cannot reach Kafka at ${process.env.KAFKA_BROKERS}: ${e.message}`;
  }
  return e?.message ?? String(e);
}
