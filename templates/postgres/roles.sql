-- Roles and databases of the foundation, applied by `egg up` through psql on stdin (never argv).
-- Idempotent: every statement checks before it acts, so each run converges.
\set ON_ERROR_STOP on
SELECT 'CREATE ROLE forgejo LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'forgejo')\gexec
ALTER ROLE forgejo WITH LOGIN PASSWORD '{{forgejo_password}}';
SELECT 'CREATE DATABASE forgejo OWNER forgejo ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'forgejo')\gexec
