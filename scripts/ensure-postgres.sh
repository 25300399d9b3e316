#!/usr/bin/env bash
# PostgreSQL must answer on 127.0.0.1:5432 (trust auth, database `test`) for the PostgreSQL half
# of the suite: start the cluster when it is down, install it when it is missing. Fails if it
# cannot, so a run never passes silently on SQLite alone.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }

if ! ready; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    sed -i '/^host\s\+all\s\+all\s\+127.0.0.1\/32/d' "$hba"
    echo "host all all 127.0.0.1/32 trust" >> "$hba"
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
ready || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "create database test"
fi
