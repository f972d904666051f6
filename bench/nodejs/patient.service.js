// Patient on PostgreSQL for bench/nodejs/server.js: the service functions
// node-fhir-server-core calls (see its reference implementation,
// node-fhir-server-mongo), each one statement on a pooled connection.
'use strict';
const crypto = require('node:crypto');
const { Pool } = require('pg');
const { resolveSchema } = require('@asymmetrik/node-fhir-server-core');

const pool = new Pool({ max: 4 });

function withMeta(resource, id, version) {
  resource.id = id;
  resource.meta = Object.assign({}, resource.meta, {
    versionId: String(version),
    lastUpdated: new Date().toISOString(),
  });
  return resource;
}

module.exports.searchById = async (args) => {
  const Patient = resolveSchema(args.base_version, 'patient');
  const { rows } = await pool.query('SELECT body FROM node_patient WHERE id = $1', [args.id]);
  return rows.length ? new Patient(rows[0].body) : null;
};

module.exports.create = async (args, { req }) => {
  const Patient = resolveSchema(args.base_version, 'patient');
  const id = crypto.randomUUID();
  const resource = withMeta(new Patient(req.body).toJSON(), id, 1);
  await pool.query('INSERT INTO node_patient (id, version, body) VALUES ($1, 1, $2)', [id, resource]);
  return { id, resource_version: '1' };
};

module.exports.update = async (args, { req }) => {
  const Patient = resolveSchema(args.base_version, 'patient');
  const resource = new Patient(req.body).toJSON();
  const { rows } = await pool.query(
    `INSERT INTO node_patient AS p (id, version, body) VALUES ($1, 1, $2)
     ON CONFLICT (id) DO UPDATE SET version = p.version + 1, body = EXCLUDED.body
     RETURNING version, (xmax = 0) AS created`,
    [args.id, withMeta(resource, args.id, 1)]
  );
  return { id: args.id, created: rows[0].created, resource_version: String(rows[0].version) };
};
