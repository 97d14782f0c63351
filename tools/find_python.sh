#!/usr/bin/env bash
# Print the path of a Python interpreter >= 3.12, or explain what is missing.
# Order: an explicit $PYTHON, a working python3.12/python3.13 on PATH, a pyenv
# version selected through PYENV_VERSION, then pyenv's versions folder.
set -u

ok() {  # ok CMD... : true when CMD runs and is Python >= 3.12
  "$@" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

resolve() {  # print the real executable path of an interpreter command
  "$@" -c 'import sys; print(sys.executable)'
}

if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then resolve "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a working Python >= 3.12" >&2
  exit 1
fi

for cand in python3.12 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && ok "$cand"; then resolve "$cand"; exit 0; fi
done

if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -V); do
    minor=$(echo "$v" | cut -d. -f1,2)
    if PYENV_VERSION="$v" ok "python$minor"; then PYENV_VERSION="$v" resolve "python$minor"; exit 0; fi
    root=$(pyenv root)
    if ok "$root/versions/$v/bin/python$minor"; then echo "$root/versions/$v/bin/python$minor"; exit 0; fi
  done
fi

echo "No Python >= 3.12 found. Mesa 3.5 needs Python 3.12 or newer:" >&2
echo "install one (e.g. 'pyenv install 3.12' or your system's python3.12 package)," >&2
echo "or point PYTHON=/path/to/python3.12 at it, then run make again." >&2
exit 1
