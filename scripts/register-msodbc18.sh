#!/usr/bin/env bash
# Register Microsoft's ODBC Driver 18 for SQL Server with unixODBC, taken from the PyPI wheel
# `mssql-python-odbc` that `make install` put in the virtualenv (a dev dependency), so the
# SQL Server tests can use it: docs/decisions/0400-sql-server-tests-on-babelfish.md.
#
# The driver and its message resources are copied out of the virtualenv (to MSODBC_DIR,
# /opt/microsoft/msodbcsql18 by default) so the registration outlives the checkout, keeping
# the lib/ beside share/resources/ layout the driver looks for. Nothing is done when the name
# is already registered to a driver file that exists (Microsoft's own msodbcsql18 package,
# or an earlier run). Registering writes the system odbcinst.ini, so it needs root: as
# another user the script says so and leaves things as they are (FreeTDS still works).
# Usage: scripts/register-msodbc18.sh [virtualenv]   (default: .venv)
set -euo pipefail
name="ODBC Driver 18 for SQL Server"
venv=${1:-.venv}
target=${MSODBC_DIR:-/opt/microsoft/msodbcsql18}

if ! command -v odbcinst >/dev/null; then
  echo "register-msodbc18: unixODBC's odbcinst is missing (apt-get install unixodbc); not registered" >&2
  exit 0
fi
current=$(odbcinst -q -d -n "$name" 2>/dev/null | sed -n 's/^Driver=//p' | head -1 || true)
if [ -n "$current" ] && [ -f "$current" ]; then
  echo "register-msodbc18: $name already registered ($current)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "register-msodbc18: not root, so $name is not registered; the SQL Server tests use it" \
    "only when it is (run this script as root, or install Microsoft's msodbcsql18)" >&2
  exit 0
fi
package=$("$venv/bin/python" -c 'import mssql_python_odbc, os; print(os.path.dirname(mssql_python_odbc.__file__))')
source_dir="$package/libs/linux/debian_ubuntu/$(uname -m)"
library=$(ls "$source_dir"/lib/libmsodbcsql-18.*.so.* 2>/dev/null | head -1 || true)
if [ -z "$library" ]; then
  echo "register-msodbc18: the wheel has no Debian/Ubuntu driver for $(uname -m)" >&2
  exit 1
fi
mkdir -p "$target/lib" "$target/share"
cp "$library" "$target/lib/"
cp -r "$source_dir/share/resources" "$target/share/"
installed="$target/lib/$(basename "$library")"
if ldd "$installed" | grep 'not found' >&2; then
  echo "register-msodbc18: the driver misses the libraries above (Debian: libgssapi-krb5-2)" >&2
  exit 1
fi
template=$(mktemp)
trap 'rm -f "$template"' EXIT
printf '[%s]\nDescription=Microsoft ODBC Driver 18 for SQL Server (PyPI mssql-python-odbc)\nDriver=%s\nUsageCount=1\n' \
  "$name" "$installed" >"$template"
odbcinst -i -d -f "$template" >/dev/null
echo "register-msodbc18: registered $name -> $installed"
