#!/usr/bin/env python3
"""Vendors front-end libraries from the npm registry into static files (no CDN at run time).

Usage: python3 scripts/vendor_static.py   (needs npm; run again after changing VENDORED)
Each entry: npm package@version, file inside the package, destination under the repository.
"""

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDORED = [
    ("htmx.org@2.0.4", "package/dist/htmx.min.js", "essor/static/vendor/htmx.min.js"),
    ("axe-core@4.10.2", "package/axe.min.js", "tests/browser/vendor/axe.min.js"),
    ("leaflet@1.9.4", "package/dist/leaflet.js", "essor/static/vendor/leaflet/leaflet.js"),
    ("leaflet@1.9.4", "package/dist/leaflet.css", "essor/static/vendor/leaflet/leaflet.css"),
    *(
        ("leaflet@1.9.4", f"package/dist/images/{n}", f"essor/static/vendor/leaflet/images/{n}")
        for n in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png")
        + ("marker-shadow.png",)
    ),
    (
        "swagger-ui-dist@5.35.0",
        "package/swagger-ui-bundle.js",
        "essor/static/vendor/swagger-ui/swagger-ui-bundle.js",
    ),
    (
        "swagger-ui-dist@5.35.0",
        "package/swagger-ui.css",
        "essor/static/vendor/swagger-ui/swagger-ui.css",
    ),
    ("swagger-ui-dist@5.35.0", "package/LICENSE", "essor/static/vendor/swagger-ui/LICENSE"),
]


def main() -> int:
    if not shutil.which("npm"):
        print("npm est requis pour vendoriser les bibliothèques", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for spec, member, destination in VENDORED:
            done = subprocess.run(
                ["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                data = archive.extractfile(member).read()
            target = ROOT / destination
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"{spec} -> {destination} ({len(data)} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
