#!/usr/bin/env python3
"""Bootstrap for a fresh clone: `python3 quickstart.py demo` or `python3 quickstart.py test`.

Creates a local virtualenv (.venv), installs essor into it (again only when pyproject.toml changed),
then runs the demo web app or the whole test suite (SQLite, then PostgreSQL). Needs only Python 3.11.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PG_CANDIDATES = [
    "postgres://postgres@127.0.0.1:5432/test",
    "postgres://root@127.0.0.1:5432/test",
]


def say(message: str) -> None:
    print(f"[quickstart] {message}", flush=True)


def ensure_venv(extras: str) -> None:
    if not (BIN / "python").exists():
        say(f"création de l'environnement virtuel {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installation des dépendances ({extras or 'base'})")
    target = f".[{extras}]" if extras else "."
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-U", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def ensure_chromium() -> bool:
    if Path("/usr/bin/chromium").exists():
        return True
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("installation de Chromium (paquet Debian) pour les tests navigateur")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    return Path("/usr/bin/chromium").exists()


def find_postgres() -> str | None:
    if os.environ.get("ESSOR_TEST_DATABASE_URL"):
        return os.environ["ESSOR_TEST_DATABASE_URL"]
    probe = "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()"
    for url in PG_CANDIDATES:
        done = subprocess.run([str(BIN / "python"), "-c", probe, url], capture_output=True)
        if done.returncode == 0:
            return url
    return None


def run_tests(extra_args: list[str]) -> int:
    ensure_venv("dev")
    in_ci = bool(os.environ.get("CI"))
    if not ensure_chromium():
        if in_ci:
            say(
                "ERREUR : Chromium (/usr/bin/chromium) est requis en CI et n'a pas pu être installé"
            )
            return 1
        say("ATTENTION : Chromium absent, les tests navigateur seront ignorés")
    pytest = [str(BIN / "python"), "-m", "pytest", *extra_args]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    say("suite de tests sur SQLite")
    sqlite_code = subprocess.run(pytest, cwd=ROOT, env=env).returncode
    pg_url = find_postgres()
    if pg_url is None:
        if in_ci:
            say("ERREUR : PostgreSQL injoignable (127.0.0.1:5432) alors que CI est défini")
            return 1
        say("ATTENTION : PostgreSQL injoignable, la suite PostgreSQL est IGNORÉE")
        return sqlite_code
    say(f"suite de tests sur PostgreSQL ({pg_url})")
    pg_code = subprocess.run(pytest, cwd=ROOT, env={**env, "DATABASE_URL": pg_url}).returncode
    say(
        f"bilan : SQLite {'OK' if sqlite_code == 0 else 'ÉCHEC'}, "
        f"PostgreSQL {'OK' if pg_code == 0 else 'ÉCHEC'}"
    )
    return sqlite_code or pg_code


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "demo":
        ensure_venv("")
        return subprocess.run([str(BIN / "essor"), "demo", *rest], cwd=ROOT).returncode
    if command == "test":
        return run_tests(rest)
    if command == "install":
        ensure_venv("dev")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
