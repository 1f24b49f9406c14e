# Shared by scripts/run and scripts/test: a project-local virtualenv installed from a lock
# (requirements.txt: runtime; requirements-dev.txt: runtime + tests), every package pinned with its hashes.
set -euo pipefail

ensure_venv() {
  local requirements=$1
  local python=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  # Reinstall only when a requirements file changed since the last install.
  if [ ! -f "$stamp" ] || [ -n "$(find requirements*.txt -newer "$stamp" 2>/dev/null)" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$requirements"
    touch "$stamp"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}

ensure_env_file() {
  # The embedded mode's secret: generated once, kept out of git.
  if [ ! -f .env ] || ! grep -q '^SECRET_KEY=' .env; then
    printf 'SECRET_KEY=%s\n' "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
  fi
}
