"""The public REST API (`/api/`), documented by OpenAPI at `/api/openapi.json` and browsable at
`/api/docs`. Each domain app owns its router (`<app>/api.py`); this file only mounts them."""

from ninja import NinjaAPI

from essor.api.docs import LocalSwagger

api = NinjaAPI(
    title="API essor",
    version="1",
    description=(
        "Indicateurs de l'ESS par territoire et annuaire des acteurs. Données ouvertes ; "
        "les territoires sont adressés par code Insee, SIREN d'EPCI ou code QPV."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
)

# Routers, one line per domain app (each app's api.py defines `router`):
# api.add_router("/territories", "essor.observatory.api.router")
# api.add_router("/actors", "essor.directory.api.router")
api.add_router("/territories", "essor.observatory.api.router")
api.add_router("/actors", "essor.directory.exchange.api.router")
