// Runs graphql-http's auditServer against the URL given as the only argument and prints one JSON line per
// audit: {id, name, status, reason}. The Python test decides what fails the build.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
for (const result of results) {
  const reason = result.status === 'ok' ? null : result.reason;
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason }));
}
