# Sourced by .ci/run: install (Debian packages) and start a PostgreSQL server on loopback
# for the storage tests, and export QA_TEST_POSTGRES_URL. Leaves an existing URL alone.
# shellcheck shell=bash
if [ -z "${QA_TEST_POSTGRES_URL:-}" ]; then
    _as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    _as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
    if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        echo "ci: installing PostgreSQL (Debian packages)"
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    _pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$_pg_version main"; then
        _as_root pg_createcluster "$_pg_version" main >/dev/null
    fi
    _as_root pg_ctlcluster "$_pg_version" main start 2>/dev/null || true
    _pg_port=$(pg_lsclusters -h | awk -v v="$_pg_version" '$1 == v && $2 == "main" {print $3}')
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$_pg_port" && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p "$_pg_port"
    _as_postgres "psql -p $_pg_port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'qa_ci'\" | grep -q 1 || psql -p $_pg_port -qc \"CREATE ROLE qa_ci LOGIN PASSWORD 'qa_ci'\""
    _as_postgres "psql -p $_pg_port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'qa_ci'\" | grep -q 1 || createdb -p $_pg_port -O qa_ci qa_ci"
    export QA_TEST_POSTGRES_URL="postgresql://qa_ci:qa_ci@127.0.0.1:${_pg_port}/qa_ci"
    echo "ci: PostgreSQL $_pg_version on 127.0.0.1:$_pg_port for the storage tests"
fi
