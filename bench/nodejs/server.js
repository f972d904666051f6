// A Node.js FHIR R4 server for the side-by-side benchmark (bench/nodejs/compare.sh):
// Asymmetrik's node-fhir-server-core (Express) with one profile, Patient,
// stored as JSONB in PostgreSQL — read by id, create, update (PUT). One
// process per core (node:cluster), as a Node deployment on this machine would run.
//
//   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE   where PostgreSQL is
//   NODE_FHIR_PORT (3000)                         where to listen
'use strict';
const cluster = require('node:cluster');
const os = require('node:os');

const port = Number(process.env.NODE_FHIR_PORT || 3000);

if (cluster.isPrimary) {
  const { Client } = require('pg');
  const client = new Client();
  client
    .connect()
    .then(() =>
      client.query(
        'CREATE TABLE IF NOT EXISTS node_patient (id text PRIMARY KEY, version integer NOT NULL, body jsonb NOT NULL)'
      )
    )
    .then(() => client.end())
    .then(() => {
      for (let i = 0; i < os.cpus().length; i++) cluster.fork();
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
} else {
  const { initialize, loggers, constants } = require('@asymmetrik/node-fhir-server-core');
  const { VERSIONS } = constants;
  const config = {
    server: { port },
    logging: { level: 'error' },
    profiles: {
      patient: { service: require.resolve('./patient.service.js'), versions: [VERSIONS['4_0_0']] },
    },
  };
  const server = initialize(config);
  const logger = loggers.get('default');
  server.listen(port, () => logger.info(`node FHIR server on ${port}`));
}
